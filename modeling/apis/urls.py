from django.urls import path

from modeling.apis import deployments, training

P = "language/authoring/analyze-text/projects"
M = f"{P}/<str:project_name>/models/<str:label>"
D = f"{P}/<str:project_name>/deployments"

urlpatterns = [
    path(f"{P}/global/training-config-versions", training.TrainingConfigVersionsApi.as_view()),
    path(f"{P}/<str:project_name>/:train", training.TrainApi.as_view()),
    path(f"{P}/<str:project_name>/train/jobs", training.TrainJobListApi.as_view()),
    path(f"{P}/<str:project_name>/train/jobs/<str:job_id>", training.TrainJobApi.as_view()),
    path(f"{P}/<str:project_name>/train/jobs/<str:job_id>/:cancel", training.TrainJobCancelApi.as_view()),
    path(f"{P}/<str:project_name>/models", training.ModelListApi.as_view()),
    path(M, training.ModelApi.as_view()),
    path(f"{M}/evaluation/summary-result", training.EvaluationSummaryApi.as_view()),
    path(f"{M}/evaluation/result", training.EvaluationResultApi.as_view()),
    path(f"{M}/:load-snapshot", training.LoadSnapshotApi.as_view()),
    path(f"{M}/load-snapshot/jobs/<str:job_id>", training.LoadSnapshotJobApi.as_view()),
    path(D, deployments.DeploymentListApi.as_view()),
    path(f"{D}/:swap", deployments.SwapApi.as_view()),
    path(f"{D}/swap/jobs/<str:job_id>", deployments.SwapJobApi.as_view()),
    path(f"{D}/<str:deployment_name>", deployments.DeploymentApi.as_view()),
    path(f"{D}/<str:deployment_name>/jobs/<str:job_id>", deployments.DeploymentJobApi.as_view()),
]
