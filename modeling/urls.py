"""Pages for training, models and deployments under /projects/<name>/ (the Azure JSON API: modeling.apis.urls)."""

from django.urls import path

from modeling.views import dashboard, deployments, label_errors, models, training

P = "projects/<str:project_name>"
M = f"{P}/models/<str:label>"
J = f"{P}/train/jobs/<str:job_id>"
D = f"{P}/deployments"

urlpatterns = [
    path(f"{P}/train/", training.training_start, name="training-start"),
    path(f"{P}/train/jobs/", training.training_job_list, name="training-job-list"),
    path(f"{J}/", training.training_job_detail, name="training-job-detail"),
    path(f"{J}/progress.json", training.training_job_progress, name="training-job-progress"),
    path(f"{J}/cancel/", training.training_job_cancel, name="training-job-cancel"),
    path(f"{P}/label-errors/", label_errors.label_errors, name="label-errors"),
    path(f"{P}/models/", models.model_list, name="model-list"),
    path(f"{M}/", dashboard.model_overview, name="model-overview"),
    path(f"{M}/entities/", dashboard.model_entities, name="model-entities"),
    path(f"{M}/confusion-matrix/", dashboard.model_confusion, name="model-confusion"),
    path(f"{M}/test-set/", dashboard.model_test_set, name="model-test-set"),
    path(f"{M}/learning-curve/", dashboard.model_learning_curve, name="model-learning-curve"),
    path(f"{M}/delete/", models.model_delete, name="model-delete"),
    path(f"{M}/load-snapshot/", models.model_load_snapshot, name="model-load-snapshot"),
    path(f"{D}/", deployments.deployment_list, name="deployment-list"),
    path(f"{D}/deploy/", deployments.deployment_deploy, name="deployment-deploy"),
    path(f"{D}/swap/", deployments.deployment_swap, name="deployment-swap"),
    path(f"{D}/test/", deployments.deployment_test, name="deployment-test"),
    path(f"{D}/status.json", deployments.deployment_status, name="deployment-status"),
    path(f"{D}/<str:deployment_name>/delete/", deployments.deployment_delete, name="deployment-delete"),
]
