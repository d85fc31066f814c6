from django.contrib import admin
from django.urls import include, path

from studio.health import healthz

urlpatterns = [
    path("healthz", healthz, name="healthz"),
    path("admin/", admin.site.urls),
    path("", include("projects.urls")),  # sign in and out
    path("", include("annotation.apis.urls")),
    path("", include("modeling.apis.urls")),
    path("", include("modeling.apis.runtime_urls")),
    path("", include("annotation.urls")),
    path("", include("modeling.urls")),
]

# Unknown API paths and errors outside the API views answer in Azure's JSON too (`studio.api`).
handler404 = "studio.api.not_found"
handler500 = "studio.api.server_error"
