from django.urls import path

from annotation.views.pages import consistency

P = "projects/<str:project_name>/consistency"

urlpatterns = [
    path(f"{P}/", consistency.project_consistency, name="project-consistency"),
    path(f"{P}/label-all/", consistency.label_all_preview, name="label-all-preview"),
    path(f"{P}/label-all/apply/", consistency.label_all_apply, name="label-all-apply"),
    path(f"{P}/batches/<int:batch_id>/", consistency.label_batch_detail, name="label-batch"),
    path(f"{P}/batches/<int:batch_id>/undo/", consistency.label_batch_undo, name="label-batch-undo"),
]
