from django.urls import path

from annotation.views.pages import team

P = "projects/<str:project_name>"

urlpatterns = [
    path(f"{P}/documents/<int:document_id>/history/", team.document_history, name="document-history"),
    path(f"{P}/documents/<int:document_id>/adjudicate/", team.document_adjudicate, name="document-adjudicate"),
    path(f"{P}/agreement/", team.project_agreement, name="project-agreement"),
    path(f"{P}/settings/review/", team.project_review_setting, name="project-review-setting"),
]
