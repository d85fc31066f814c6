"""Model -> Azure JSON for training jobs, trained models and evaluations."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from annotation.offsets import OffsetMap
from modeling.models import TrainedModel, TrainingJob
from projects.apis.serializers import job_state
from studio.api import azure_datetime

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


def trained_model(model: TrainedModel) -> dict[str, Any]:
    return {
        "label": model.label,
        "modelId": model.model_id,
        "lastTrainedDateTime": azure_datetime(model.trained_at),
        "lastTrainingDurationInSeconds": int(round(model.training_seconds)),
        "modelExpirationDate": (model.trained_at + MODEL_LIFETIME).date().isoformat(),
        "modelTrainingConfigVersion": model.training_config_version,
        "hasSnapshot": True,
    }


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


def deployment(item) -> dict[str, Any]:
    model = item.trained_model
    return {
        "deploymentName": item.name,
        "modelId": model.model_id,
        "lastTrainedDateTime": azure_datetime(model.trained_at),
        "lastDeployedDateTime": azure_datetime(item.deployed_at),
        "deploymentExpirationDate": (model.trained_at + MODEL_LIFETIME).date().isoformat(),
        "modelTrainingConfigVersion": model.training_config_version,
    }


def _page_stats(documents: list[dict], errors: list[dict]) -> dict[str, int]:
    return {
        "documentsCount": len(documents) + len(errors),
        "validDocumentsCount": len(documents),
        "erroneousDocumentsCount": len(errors),
        "transactionsCount": sum(d.get("statistics", {}).get("transactionsCount", 0) for d in documents),
    }


def task_results(results: dict, ids: set[str] | None, *, show_stats: bool) -> dict[str, Any]:
    """A task's results limited to the documents in `ids` (a page), statistics only when asked for."""
    documents = [d for d in results["documents"] if ids is None or d["id"] in ids]
    errors = [e for e in results["errors"] if ids is None or e["id"] in ids]
    body: dict[str, Any] = {"projectName": results["projectName"], "deploymentName": results["deploymentName"]}
    if show_stats:
        body["statistics"] = _page_stats(documents, errors)
        body["documents"] = documents
    else:
        body["documents"] = [{k: v for k, v in d.items() if k != "statistics"} for d in documents]
    body["errors"] = errors
    return body


def analyze_job(job, *, show_stats: bool, top: int | None, skip: int, next_link) -> dict[str, Any]:
    """Azure's `AnalyzeTextJobState`, documents paged by `top`/`skip`."""
    all_ids = [d["id"] for d in job.documents]
    page = all_ids[skip : skip + top] if top is not None else all_ids[skip:]
    ids = set(page)
    items, counts = [], {"completed": 0, "failed": 0, "inProgress": 0}
    for task in job.tasks:
        status = task.get("status", "notStarted")
        if status == "succeeded":
            counts["completed"] += 1
        elif status == "failed":
            counts["failed"] += 1
        else:
            counts["inProgress"] += 1
        item: dict[str, Any] = {
            "kind": "CustomEntityRecognitionLROResults",
            "taskName": task["taskName"],
            "lastUpdateDateTime": task.get("lastUpdateDateTime") or azure_datetime(job.updated_at),
            "status": status,
        }
        if task.get("results"):
            item["results"] = task_results(task["results"], ids, show_stats=show_stats)
        items.append(item)
    body: dict[str, Any] = {"jobId": job.job_id}
    if job.display_name:
        body["displayName"] = job.display_name
    body.update(
        {
            "createdDateTime": azure_datetime(job.created_at),
            "lastUpdatedDateTime": azure_datetime(job.updated_at),
            "expirationDateTime": azure_datetime(job.expires_at),
            "status": job.status,
            "errors": job.errors,
        }
    )
    if show_stats:
        texts = {d["id"]: d["text"] for d in job.documents}
        valid = [i for i in page if texts[i].strip()]
        body["statistics"] = {
            "documentsCount": len(page),
            "validDocumentsCount": len(valid),
            "erroneousDocumentsCount": len(page) - len(valid),
            "transactionsCount": sum(max(1, -(-len(texts[i]) // 1000)) for i in valid),
        }
    body["tasks"] = {**counts, "total": len(job.tasks), "items": items}
    if top is not None and skip + top < len(all_ids):
        body["nextLink"] = next_link(skip + top, top)
    return body
