"""The runtime: analyze-text jobs (Azure's asynchronous API) and the synchronous call, on deployed models.

Small jobs run inside the request that submits them, so their results are ready at the SDK's first poll;
larger ones run on a background thread of the serving process, so no request thread waits on them.
"""

from __future__ import annotations

import logging
import math
import threading
import uuid
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from datetime import timedelta
from typing import Any

from django.db import close_old_connections, transaction
from django.utils import timezone

from annotation.offsets import convert_span, length_in
from modeling import selectors
from modeling.models import AnalyzeJob, Deployment
from projects import selectors as project_selectors
from projects.models import JobStatus
from studio.api import azure_datetime
from studio.exceptions import ApplicationError, InvalidInput, NotFound

logger = logging.getLogger(__name__)

MAX_DOCUMENTS = 25
MAX_CHARACTERS = 125_000
JOB_LIFETIME = timedelta(days=1)
# Jobs up to this many characters are predicted inside the submitting request (tens of milliseconds).
INLINE_MAX_CHARACTERS = 20_000
# A background job not updated for this long lost its process (restart, crash).
STALE_AFTER = timedelta(minutes=10)
TASK_KIND = "CustomEntityRecognition"
RESULT_KIND = "CustomEntityRecognitionLROResults"
INDEX_TYPES = ("TextElements_v8", "UnicodeCodePoint", "Utf16CodeUnit")

_executor: ThreadPoolExecutor | None = None
_executor_lock = threading.Lock()


@dataclass(frozen=True)
class TaskSpec:
    kind: str
    task_name: str
    project_name: str
    deployment_name: str
    string_index_type: str


def _bad_request(message: str, inner: str, target: str | None = None) -> ApplicationError:
    return ApplicationError(message, code="InvalidArgument", status=400, innererror_code=inner, target=target)


def parse_documents(analysis_input: Any) -> list[dict]:
    """Request-level checks on `analysisInput.documents`; problems with one document are left for later."""
    documents = analysis_input.get("documents") if isinstance(analysis_input, dict) else None
    if not isinstance(documents, list) or not documents:
        raise _bad_request("Missing input documents.", "MissingInputDocuments", "analysisInput.documents")
    if len(documents) > MAX_DOCUMENTS:
        raise _bad_request(
            f"Batch request contains too many records ({len(documents)}). Max {MAX_DOCUMENTS} records are permitted.",
            "InvalidDocumentBatch",
        )
    parsed, seen = [], set()
    for index, doc in enumerate(documents):
        if not isinstance(doc, dict):
            raise _bad_request(f"Document {index} must be an object with 'id' and 'text'.", "InvalidDocument")
        doc_id = doc.get("id")
        if not isinstance(doc_id, str) or not doc_id.strip():
            raise _bad_request("Document Id must be a non-empty string.", "InvalidDocument", f"documents[{index}].id")
        if doc_id in seen:
            raise _bad_request(
                f"Request contains duplicated Ids ('{doc_id}'). Make sure each document has a unique Id.",
                "InvalidDocument",
            )
        seen.add(doc_id)
        text = doc.get("text")
        parsed.append({"id": doc_id, "text": text if isinstance(text, str) else "", "language": doc.get("language")})
    total = sum(len(d["text"]) for d in parsed if len(d["text"]) <= MAX_CHARACTERS)
    if total > MAX_CHARACTERS:
        raise _bad_request(
            f"Request payload is too large to be processed ({total:,} characters). "
            f"Limit the request to {MAX_CHARACTERS:,} characters in all.",
            "InvalidDocumentBatch",
        )
    return parsed


def parse_task(raw: Any, index: int, *, default_name: str | None = None) -> TaskSpec:
    if not isinstance(raw, dict):
        raise _bad_request(f"Task {index} must be an object.", "InvalidParameterValue", f"tasks[{index}]")
    kind = raw.get("kind")
    if kind != TASK_KIND:
        raise _bad_request(
            f"Task kind {kind!r} is not supported; this service runs '{TASK_KIND}'.", "InvalidParameterValue", "kind"
        )
    parameters = raw.get("parameters") or {}
    project_name, deployment_name = parameters.get("projectName"), parameters.get("deploymentName")
    if not project_name or not deployment_name:
        raise _bad_request(
            "Task parameters need 'projectName' and 'deploymentName'.", "InvalidParameterValue", "parameters"
        )
    index_type = parameters.get("stringIndexType", "TextElements_v8")
    if index_type == "TextElement_v8":
        index_type = "TextElements_v8"
    if index_type not in INDEX_TYPES:
        raise _bad_request(
            f"stringIndexType {index_type!r} is not one of {', '.join(INDEX_TYPES)}.",
            "InvalidParameterValue",
            "stringIndexType",
        )
    name = raw.get("taskName", default_name if default_name is not None else str(index))
    return TaskSpec(kind, str(name), project_name, deployment_name, index_type)


def resolve_deployment(*, user, task: TaskSpec) -> Deployment:
    try:
        project = project_selectors.project_get(user=user, name=task.project_name)
    except NotFound:
        raise NotFound(
            f"The project '{task.project_name}' could not be found.", innererror_code="ProjectNotFound"
        ) from None
    return selectors.deployment_get(project=project, name=task.deployment_name)


def _transactions(text: str) -> int:
    return max(1, math.ceil(len(text) / 1000))


def run_task(task: TaskSpec, deployment: Deployment, documents: list[dict]) -> dict:
    """Predicts every valid document with the deployment's current model; invalid ones become errors."""
    from modeling import serving

    valid, errors = [], []
    for doc in documents:
        problem = None
        if not doc["text"].strip():
            problem = "Document text is empty."
        elif len(doc["text"]) > MAX_CHARACTERS:
            problem = f"Document text is too long ({len(doc['text']):,} characters); the limit is {MAX_CHARACTERS:,}."
        if problem:
            errors.append(
                {
                    "id": doc["id"],
                    "error": {
                        "code": "InvalidArgument",
                        "message": "Invalid document in request.",
                        "innererror": {"code": "InvalidDocument", "message": problem},
                    },
                }
            )
        else:
            valid.append(doc)
    predictions = serving.predict(deployment.trained_model, [d["text"] for d in valid]) if valid else []
    results = []
    for doc, spans in zip(valid, predictions, strict=True):
        cache: dict = {}
        entities = []
        for start, end, category, confidence in spans:
            offset, length = convert_span(doc["text"], start, end, task.string_index_type, cache)
            entities.append(
                {
                    "text": doc["text"][start:end],
                    "category": category,
                    "offset": offset,
                    "length": length,
                    "confidenceScore": round(confidence, 2),
                }
            )
        results.append(
            {
                "id": doc["id"],
                "entities": entities,
                "warnings": [],
                "statistics": {
                    "charactersCount": length_in(doc["text"], task.string_index_type),
                    "transactionsCount": _transactions(doc["text"]),
                },
            }
        )
    return {
        "projectName": task.project_name,
        "deploymentName": task.deployment_name,
        "statistics": {
            "documentsCount": len(documents),
            "validDocumentsCount": len(valid),
            "erroneousDocumentsCount": len(errors),
            "transactionsCount": sum(_transactions(d["text"]) for d in valid),
        },
        "documents": results,
        "errors": errors,
    }


def analyze_sync(*, user, body: Any) -> dict:
    """`POST /language/:analyze-text`: one task, answered at once."""
    if not isinstance(body, dict):
        raise InvalidInput("The body must be a JSON object.")
    task = parse_task(body, 0, default_name="")
    documents = parse_documents(body.get("analysisInput"))
    deployment = resolve_deployment(user=user, task=task)
    return {"kind": "CustomEntityRecognitionResults", "results": run_task(task, deployment, documents)}


def analyze_job_submit(*, user, body: Any) -> AnalyzeJob:
    """Checks the request, records the job and runs it: inline when small, in the background otherwise."""
    if not isinstance(body, dict):
        raise InvalidInput("The body must be a JSON object.")
    analyze_jobs_expire()
    documents = parse_documents(body.get("analysisInput"))
    raw_tasks = body.get("tasks")
    if not isinstance(raw_tasks, list) or not raw_tasks:
        raise _bad_request("At least one task is required in 'tasks'.", "InvalidParameterValue", "tasks")
    tasks = [parse_task(raw, i) for i, raw in enumerate(raw_tasks)]
    for task in tasks:
        resolve_deployment(user=user, task=task)  # unknown project or deployment: 404 now, not a failed job
    job = AnalyzeJob.objects.create(
        job_id=str(uuid.uuid4()),
        user=user,
        display_name=str(body.get("displayName") or "")[:200],
        documents=documents,
        tasks=[
            {
                "kind": t.kind,
                "taskName": t.task_name,
                "project": t.project_name,
                "deployment": t.deployment_name,
                "stringIndexType": t.string_index_type,
                "status": JobStatus.NOT_STARTED,
            }
            for t in tasks
        ],  # fmt: skip
        expires_at=timezone.now() + JOB_LIFETIME,
    )
    if sum(len(d["text"]) for d in documents if len(d["text"]) <= MAX_CHARACTERS) <= INLINE_MAX_CHARACTERS:
        analyze_job_run(job_pk=job.pk)
        job.refresh_from_db()
    else:
        transaction.on_commit(lambda: _background().submit(_run_in_background, job.pk))
    return job


def _background() -> ThreadPoolExecutor:
    global _executor
    with _executor_lock:
        if _executor is None:
            _executor = ThreadPoolExecutor(max_workers=1, thread_name_prefix="runtime")
        return _executor


def _run_in_background(job_pk: int) -> None:
    try:
        analyze_job_run(job_pk=job_pk)
    except Exception:
        logger.exception("Runtime job %s failed", job_pk)
    finally:
        close_old_connections()


def analyze_job_run(*, job_pk: int) -> None:
    claimed = AnalyzeJob.objects.filter(pk=job_pk, status=JobStatus.NOT_STARTED).update(
        status=JobStatus.RUNNING, updated_at=timezone.now()
    )
    if not claimed:
        return
    job = AnalyzeJob.objects.get(pk=job_pk)
    failed = 0
    for index, task in enumerate(job.tasks):
        spec = TaskSpec(task["kind"], task["taskName"], task["project"], task["deployment"], task["stringIndexType"])
        try:
            deployment = resolve_deployment(user=job.user, task=spec)
            task["results"] = run_task(spec, deployment, job.documents)
            task["status"] = JobStatus.SUCCEEDED
        except ApplicationError as error:
            failed += 1
            task["status"] = JobStatus.FAILED
            job.errors.append({**error.as_error(), "target": f"#/tasks/items/{index}"})
        except Exception as error:
            logger.exception("Runtime task failed")
            failed += 1
            task["status"] = JobStatus.FAILED
            job.errors.append(
                {"code": "InternalServerError", "message": f"{type(error).__name__}: {error}",
                 "target": f"#/tasks/items/{index}"}
            )  # fmt: skip
        task["lastUpdateDateTime"] = azure_datetime(timezone.now())
        if AnalyzeJob.objects.filter(pk=job.pk, status=JobStatus.CANCELLED).exists():
            return
    job.status = JobStatus.SUCCEEDED if not failed else (
        JobStatus.FAILED if failed == len(job.tasks) else "partiallyCompleted"
    )  # fmt: skip
    AnalyzeJob.objects.filter(pk=job.pk, status=JobStatus.RUNNING).update(
        status=job.status, tasks=job.tasks, errors=job.errors, updated_at=timezone.now()
    )


def analyze_job_get(*, user, job_id: str) -> AnalyzeJob:
    job = AnalyzeJob.objects.filter(job_id=job_id, expires_at__gt=timezone.now()).first()
    if job is None or (job.user_id != user.pk and not user.is_superuser):
        raise NotFound(f"The job '{job_id}' could not be found or has expired.", innererror_code="OperationNotFound")
    if job.status == JobStatus.RUNNING and job.updated_at < timezone.now() - STALE_AFTER:
        job.status = JobStatus.FAILED
        job.errors = [
            {"code": "InternalServerError", "message": "The server running this job stopped; submit it again."}
        ]
        job.save(update_fields=["status", "errors", "updated_at"])
    return job


def analyze_job_cancel(*, job: AnalyzeJob) -> AnalyzeJob:
    AnalyzeJob.objects.filter(pk=job.pk, status__in=(JobStatus.NOT_STARTED, JobStatus.RUNNING)).update(
        status=JobStatus.CANCELLED, updated_at=timezone.now()
    )
    job.refresh_from_db()
    return job


def analyze_jobs_expire() -> int:
    count, _ = AnalyzeJob.objects.filter(expires_at__lt=timezone.now()).delete()
    return count
