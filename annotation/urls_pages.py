from django.urls import path

from annotation.views.pages import distribution, documents, projects, schema

P = "projects/<str:project_name>"

urlpatterns = [
    path("", projects.project_list, name="project-list"),
    path("new/", projects.project_create, name="project-create"),
    path("sample/", projects.sample_load, name="project-sample"),
    path(f"{P}/", projects.project_overview, name="project-overview"),
    path(f"{P}/settings/", projects.project_settings, name="project-settings"),
    path(f"{P}/delete/", projects.project_delete, name="project-delete"),
    path(f"{P}/members/", projects.project_members, name="project-members"),
    path(f"{P}/members/<int:membership_id>/remove/", projects.member_remove, name="member-remove"),
    path(f"{P}/schema/", schema.project_schema, name="project-schema"),
    path(f"{P}/schema/<int:entity_type_id>/", schema.entity_type_update, name="entity-type-update"),
    path(f"{P}/schema/<int:entity_type_id>/delete/", schema.entity_type_delete, name="entity-type-delete"),
    path(f"{P}/documents/", documents.document_list, name="document-list"),
    path(f"{P}/documents/bulk/", documents.documents_bulk, name="documents-bulk"),
    path(f"{P}/documents/upload/", documents.documents_upload_page, name="documents-upload"),
    path(f"{P}/export/", documents.project_export, name="project-export"),
    path(f"{P}/distribution/", distribution.project_distribution, name="project-distribution"),
    path(f"{P}/split/", distribution.project_split, name="project-split"),
]
