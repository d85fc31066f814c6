"""Azure authoring API for training, models and evaluation."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from rest_framework.request import Request
from rest_framework.response import Response

from annotation.apis.authoring import project_kind_check
from modeling import config as configs
from modeling import selectors
from modeling.apis import serializers
from modeling.services import models as model_services
from modeling.services.training.options import MANUAL, PERCENTAGE, EvaluationOptions
from modeling.services.training.start import training_job_cancel, training_job_start
from projects import selectors as project_selectors
from projects.apis.serializers import accepted, job_state
from projects.models import OperationKind
from projects.permissions import Action
from studio.api import AzureAPIView, paged
from studio.api_versions import ApiVersion, Feature
from studio.exceptions import InvalidInput


@dataclass(frozen=True)
class TrainInput:
    """Azure's `:train` body."""

    model_label: str
    config_version: str | None
    evaluation: EvaluationOptions

    @classmethod
    def parse(cls, body: Any, *, version: ApiVersion) -> TrainInput:
        body = body if isinstance(body, dict) else {}
        if "modelLabel" not in body:
            raise InvalidInput("Missing required field 'modelLabel'.", target="modelLabel")
        if version.has(Feature.DATA_GENERATION):
            _data_generation_check(body.get("dataGenerationSettings"))
        return cls(
            model_label=body["modelLabel"],
            config_version=body.get("trainingConfigVersion"),
            evaluation=parse_evaluation_options(body.get("evaluationOptions")),
        )


def _data_generation_check(raw: Any) -> None:
    """`dataGenerationSettings` (2025-05-15-preview): the studio trains on the project's labels only."""
    if raw is None:
        return
    if not isinstance(raw, dict):
        raise InvalidInput("'dataGenerationSettings' must be an object.", target="dataGenerationSettings")
    if raw.get("enableDataGeneration"):
        raise InvalidInput(
            "Data generation is not supported: this studio trains on the project's labeled documents only and "
            "reaches no Azure OpenAI deployment. Leave 'dataGenerationSettings.enableDataGeneration' false.",
            innererror_code="InvalidParameterValue",
            target="dataGenerationSettings.enableDataGeneration",
        )


def parse_evaluation_options(raw: Any) -> EvaluationOptions:
    """Azure's `evaluationOptions`, defaults filled in: percentage 80/20."""
    raw = raw or {}
    if not isinstance(raw, dict):
        raise InvalidInput("'evaluationOptions' must be an object.", target="evaluationOptions")
    kind = raw.get("kind", PERCENTAGE)
    if kind not in (PERCENTAGE, MANUAL):
        raise InvalidInput(
            f"evaluationOptions.kind must be 'percentage' or 'manual', got {kind!r}.", target="evaluationOptions.kind"
        )
    if kind == MANUAL:
        return EvaluationOptions(kind=MANUAL)
    default = EvaluationOptions()
    train = raw.get("trainingSplitPercentage", default.training_percent)
    test = raw.get("testingSplitPercentage", 100 - train if isinstance(train, int) else default.testing_percent)
    if not all(isinstance(v, int) and not isinstance(v, bool) for v in (train, test)) or train + test != 100:
        raise InvalidInput(
            "trainingSplitPercentage and testingSplitPercentage must be whole numbers that add up to 100.",
            target="evaluationOptions",
        )
    try:
        return EvaluationOptions(kind=PERCENTAGE, training_percent=train)
    except InvalidInput:
        raise InvalidInput("testingSplitPercentage must be between 1 and 99.", target="evaluationOptions") from None


class TrainApi(AzureAPIView):
    def post(self, request: Request, project_name: str) -> Response:
        project = project_selectors.project_get(user=request.user, name=project_name, action=Action.MANAGE)
        body = TrainInput.parse(request.data, version=request.azure_version)
        job = training_job_start(
            user=request.user,
            project=project,
            model_label=body.model_label,
            config_version=body.config_version,
            evaluation=body.evaluation,
        )
        return accepted(request, f"projects/{project_name}/train/jobs/{job.job_id}")


class TrainJobListApi(AzureAPIView):
    def get(self, request: Request, project_name: str) -> Response:
        project = project_selectors.project_get(user=request.user, name=project_name)
        jobs = [serializers.training_job_state(j) for j in selectors.training_job_list(project=project)]
        return Response(paged(request, jobs))


class TrainJobApi(AzureAPIView):
    def get(self, request: Request, project_name: str, job_id: str) -> Response:
        project = project_selectors.project_get(user=request.user, name=project_name)
        return Response(serializers.training_job_state(selectors.training_job_get(project=project, job_id=job_id)))


class TrainJobCancelApi(AzureAPIView):
    def post(self, request: Request, project_name: str, job_id: str) -> Response:
        project = project_selectors.project_get(user=request.user, name=project_name, action=Action.MANAGE)
        job = selectors.training_job_get(project=project, job_id=job_id)
        training_job_cancel(job=job)
        return accepted(request, f"projects/{project_name}/train/jobs/{job_id}")


class ModelListApi(AzureAPIView):
    def get(self, request: Request, project_name: str) -> Response:
        project = project_selectors.project_get(user=request.user, name=project_name)
        models = [
            serializers.trained_model(m, version=request.azure_version)
            for m in selectors.trained_model_list(project=project)
        ]
        return Response(paged(request, models))


class ModelApi(AzureAPIView):
    def get(self, request: Request, project_name: str, label: str) -> Response:
        project = project_selectors.project_get(user=request.user, name=project_name)
        model = selectors.trained_model_get(project=project, label=label)
        return Response(serializers.trained_model(model, version=request.azure_version))

    def delete(self, request: Request, project_name: str, label: str) -> Response:
        project = project_selectors.project_get(user=request.user, name=project_name, action=Action.MANAGE)
        model_services.trained_model_delete(model=selectors.trained_model_get(project=project, label=label))
        return Response(status=204)


class EvaluationSummaryApi(AzureAPIView):
    def get(self, request: Request, project_name: str, label: str) -> Response:
        project = project_selectors.project_get(user=request.user, name=project_name)
        return Response(serializers.evaluation_summary(selectors.trained_model_get(project=project, label=label)))


class EvaluationResultApi(AzureAPIView):
    def get(self, request: Request, project_name: str, label: str) -> Response:
        index_type = request.query_params.get("stringIndexType")
        if index_type not in ("Utf16CodeUnit", "UnicodeCodePoint"):
            raise InvalidInput(
                "Query parameter 'stringIndexType' is required: 'Utf16CodeUnit' (or 'UnicodeCodePoint').",
                target="stringIndexType",
                innererror_code="InvalidParameterValue",
            )
        project = project_selectors.project_get(user=request.user, name=project_name)
        model = selectors.trained_model_get(project=project, label=label, with_documents=True)
        texts = model_services.snapshot_texts(model)
        utf16 = index_type == "Utf16CodeUnit"
        documents = [
            serializers.document_evaluation(d, texts.get(d["location"]), utf16=utf16)
            for d in model.evaluation_documents
        ]
        return Response(paged(request, documents, default_top=50))


class LoadSnapshotApi(AzureAPIView):
    feature = Feature.SNAPSHOTS
    operation = "Loading a model's snapshot (:load-snapshot)"

    def post(self, request: Request, project_name: str, label: str) -> Response:
        project = project_selectors.project_get(user=request.user, name=project_name, action=Action.MANAGE)
        model = selectors.trained_model_get(project=project, label=label)
        job = model_services.trained_model_load_snapshot(user=request.user, model=model)
        return accepted(request, f"projects/{project_name}/models/{label}/load-snapshot/jobs/{job.job_id}")


class LoadSnapshotJobApi(AzureAPIView):
    feature = Feature.SNAPSHOTS
    operation = "Reading a load-snapshot job"

    def get(self, request: Request, project_name: str, label: str, job_id: str) -> Response:
        job = project_selectors.operation_get(
            user=request.user, job_id=job_id, kinds=(OperationKind.LOAD_SNAPSHOT,), project_name=project_name
        )
        return Response(job_state(job))


class TrainingConfigVersionsApi(AzureAPIView):
    def get(self, request: Request) -> Response:
        project_kind_check(request.query_params.get("projectKind"))
        versions = [
            {
                "trainingConfigVersion": version,
                "modelExpirationDate": "2027-11-01",
                "description": config.description,
                "isDefault": version == configs.DEFAULT_VERSION,
            }
            for version, config in configs.CONFIGS.items()
        ]
        return Response(paged(request, versions))
