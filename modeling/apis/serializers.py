"""Model -> Azure JSON for training jobs, trained models and evaluations."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from annotation.offsets import OffsetMap
from modeling.models import TrainedModel, TrainingJob
from projects.apis.serializers import job_state
from studio.api import azure_datetime
from studio.api_versions import ApiVersion, Feature

MODEL_LIFETIME = timedelta(days=365)


def _phase(job: TrainingJob, phase: str) -> dict[str, Any]:
    body: dict[str, Any] = {
        "percentComplete": getattr(job, f"{phase}_percent"),
        "status": getattr(job, f"{phase}_status"),
    }
    for key, field in (("startDateTime", "started_at"), ("endDateTime", "ended_at")):
        value = getattr(job, f"{phase}_{field}")
        if value:
            body[key] = azure_datetime(value)
    return body


def training_job_state(job: TrainingJob) -> dict[str, Any]:
    result: dict[str, Any] = {
        "modelLabel": job.model_label,
        "trainingConfigVersion": job.training_config_version,
        "trainingStatus": _phase(job, "training"),
        "evaluationStatus": _phase(job, "evaluation"),
    }
    if job.estimated_end_at:
        result["estimatedEndDateTime"] = azure_datetime(job.estimated_end_at)
    return {"result": result, **job_state(job)}


def trained_model(model: TrainedModel, *, version: ApiVersion) -> dict[str, Any]:
    body: dict[str, Any] = {
        "label": model.label,
        "modelId": model.model_id,
        "lastTrainedDateTime": azure_datetime(model.trained_at),
        "lastTrainingDurationInSeconds": int(round(model.training_seconds)),
        "modelExpirationDate": (model.trained_at + MODEL_LIFETIME).date().isoformat(),
        "modelTrainingConfigVersion": model.training_config_version,
    }
    if version.has(Feature.SNAPSHOTS):
        body["hasSnapshot"] = True  # the worker writes every model's snapshot.json
    return body


def evaluation_summary(model: TrainedModel) -> dict[str, Any]:
    return {
        "projectKind": "CustomEntityRecognition",
        "customEntityRecognitionEvaluation": model.evaluation,
        "evaluationOptions": model.evaluation_options,
    }


def document_evaluation(document: dict, text: str | None, *, utf16: bool) -> dict[str, Any]:
    """One test document's expected and predicted entities, offsets in the unit asked for."""
    convert = OffsetMap(text) if (utf16 and text is not None) else None

    def entity(span: list) -> dict[str, Any]:
        start, end, category = span[0], span[1], span[2]
        if convert is not None:
            start, end = convert.to_utf16(start), convert.to_utf16(end)
        return {"category": category, "offset": start, "length": end - start}

    length = len(text or "")
    if convert is not None:
        length = convert.utf16_length
    return {
        "location": document["location"],
        "language": document.get("language") or "",
        "projectKind": "CustomEntityRecognition",
        "customEntityRecognitionResult": {
            "entities": [
                {
                    "regionOffset": 0,
                    "regionLength": length,
                    "expectedEntities": [entity(s) for s in document["expected"]],
                    "predictedEntities": [entity(s) for s in document["predicted"]],
                }
            ]
        },
    }


def deployment(item, *, version: ApiVersion) -> dict[str, Any]:
    model = item.trained_model
    body: dict[str, Any] = {
        "deploymentName": item.name,
        "modelId": model.model_id,
        "lastTrainedDateTime": azure_datetime(model.trained_at),
        "lastDeployedDateTime": azure_datetime(item.deployed_at),
        "deploymentExpirationDate": (model.trained_at + MODEL_LIFETIME).date().isoformat(),
        "modelTrainingConfigVersion": model.training_config_version,
    }
    if version.has(Feature.DEPLOYMENT_RESOURCES):
        body["assignedResources"] = []  # a deployment serves from this studio, no other Azure resource
    return body
