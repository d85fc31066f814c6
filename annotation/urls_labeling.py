from django.urls import path

from annotation.views import labeling

urlpatterns = [
    path(
        "projects/<str:project_name>/documents/<int:document_id>/label/", labeling.document_label, name="document-label"
    ),
]
