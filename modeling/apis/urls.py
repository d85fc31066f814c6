from django.urls import include, path

from modeling.apis import deployments, exports, training
from modeling.apis.preview import (
    NO_COPY,
    NO_EVALUATION,
    NO_EXPORTED_MODELS,
    NO_RESOURCES,
    PREBUILT_ENTITIES,
    EmptyListApi,
    ExportedModelApi,
    NoSuchJobApi,
    NotOfferedApi,
    view,
)
from studio.api_versions import Feature

P = "language/authoring/analyze-text/projects"
M = f"{P}/<str:project_name>/models/<str:label>"
D = f"{P}/<str:project_name>/deployments"
R = f"{P}/<str:project_name>/resources"
X = f"{P}/<str:project_name>/exported-models"

RESOURCES, COPY, EXPORTED, EVALUATION = (
    Feature.DEPLOYMENT_RESOURCES,
    Feature.PROJECT_COPY,
    Feature.EXPORTED_MODELS,
    Feature.MODEL_EVALUATION,
)

urlpatterns = [
    path(f"{P}/global/training-config-versions", training.TrainingConfigVersionsApi.as_view()),
    # Before the deployment routes, which would read "global" as a project and "resources" as a deployment.
    path(f"{P}/global/deployments/resources", view(EmptyListApi, RESOURCES, "Listing assigned resources")),
    path(
        f"{P}/global/prebuilt-entities",
        view(NotOfferedApi, Feature.PREBUILT_ENTITIES, "Listing prebuilt entities", reason=PREBUILT_ENTITIES),
    ),
    path(f"{P}/<str:project_name>/:export", exports.ProjectExportApi.as_view()),
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
    # Operations of later versions that the studio answers without offering them (modeling/apis/preview.py).
    path(R, view(EmptyListApi, RESOURCES, "Listing deployment resources")),
    path(f"{R}/:assign", view(NotOfferedApi, RESOURCES, "Assigning resources", reason=NO_RESOURCES)),
    path(f"{R}/:unassign", view(NotOfferedApi, RESOURCES, "Unassigning resources", reason=NO_RESOURCES)),
    path(f"{R}/assign/jobs/<str:job_id>", view(NoSuchJobApi, RESOURCES, "Reading a resource assignment job")),
    path(f"{R}/unassign/jobs/<str:job_id>", view(NoSuchJobApi, RESOURCES, "Reading a resource unassignment job")),
    path(
        f"{D}/<str:deployment_name>/:delete-from-resources",
        view(NotOfferedApi, RESOURCES, "Deleting a deployment from resources", reason=NO_RESOURCES),
    ),
    path(
        f"{D}/<str:deployment_name>/delete-from-resources/jobs/<str:job_id>",
        view(NoSuchJobApi, RESOURCES, "Reading a delete-from-resources job"),
    ),
    path(f"{P}/<str:project_name>/:authorize-copy", view(NotOfferedApi, COPY, "Authorizing a copy", reason=NO_COPY)),
    path(f"{P}/<str:project_name>/:copy", view(NotOfferedApi, COPY, "Copying a project", reason=NO_COPY)),
    path(f"{P}/<str:project_name>/copy/jobs/<str:job_id>", view(NoSuchJobApi, COPY, "Reading a copy job")),
    path(X, view(EmptyListApi, EXPORTED, "Listing exported models")),
    path(
        f"{X}/<str:exported_model_name>",
        view(ExportedModelApi, EXPORTED, "Exported models", reason=NO_EXPORTED_MODELS),
    ),
    path(
        f"{X}/<str:exported_model_name>/manifest",
        view(ExportedModelApi, EXPORTED, "Reading an exported model's manifest", reason=NO_EXPORTED_MODELS),
    ),
    path(
        f"{X}/<str:exported_model_name>/jobs/<str:job_id>",
        view(NoSuchJobApi, EXPORTED, "Reading an exported model's job"),
    ),
    path(f"{M}/:evaluate", view(NotOfferedApi, EVALUATION, "Evaluating a model", reason=NO_EVALUATION)),
    path(f"{M}/evaluate/jobs/<str:job_id>", view(NoSuchJobApi, EVALUATION, "Reading an evaluation job")),
]

# The UI JSON API (model-in-the-loop jobs, suggestions) under /api/.
urlpatterns += [path("", include("modeling.apis.ui_urls"))]
