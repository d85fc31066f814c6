"""Pages of the labeling studio (server-rendered). Each area keeps its own URL module."""

from django.urls import include, path

urlpatterns = [
    path("", include("annotation.urls_pages")),
    path("", include("annotation.urls_labeling")),
    path("", include("annotation.urls_consistency")),
    path("", include("annotation.urls_team")),
]
