from django.urls import include, path

from annotation.apis import authoring

P = "language/authoring/analyze-text/projects"

urlpatterns = [
    path(f"{P}", authoring.ProjectListApi.as_view()),
    path(f"{P}/global/deletion-jobs/<str:job_id>", authoring.DeletionJobApi.as_view()),
    path(f"{P}/global/languages", authoring.LanguagesApi.as_view()),
    path(f"{P}/<str:project_name>", authoring.ProjectApi.as_view()),
    path(f"{P}/<str:project_name>/:import", authoring.ProjectImportApi.as_view()),
    path(f"{P}/<str:project_name>/import/jobs/<str:job_id>", authoring.ImportJobApi.as_view()),
    path(f"{P}/<str:project_name>/export/jobs/<str:job_id>", authoring.ExportJobApi.as_view()),
    path(f"{P}/<str:project_name>/export/jobs/<str:job_id>/result", authoring.ExportResultApi.as_view()),
    path("", include("annotation.apis.ui_urls")),
]
