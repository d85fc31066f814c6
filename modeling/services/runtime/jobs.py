"""Analyze-text jobs (Azure's asynchronous runtime) and the synchronous analysis, on typed documents and tasks.

Small jobs run inside the request that submits them, so their results are ready at the SDK's first poll;
larger ones run on a background thread of the serving process, so no request thread waits on them. Expired and
stale jobs are swept by `analyze_jobs_expire` and `analyze_jobs_fail_stale` on a schedule, never by a read.

What an `AnalyzeJob` stores is domain data; Azure's shape is built only when answering (`modeling/apis/runtime/`):
- `documents`: `[{"id", "text", "language", "problem"?}]`; a document that cannot be analyzed (empty, too long) is
  kept without its text, with its `problem`
- `tasks`: `[{"name", "projectName", "deploymentName", "stringIndexType", "status", "updatedAt" (ISO 8601 or null),
  "results"?: {"documents": [{"id", "entities": [[start, end, category, confidence], ...]}],
  "errors": [{"id", "message"}]}}]`, offsets in code points
- `errors`: `[{"task" (index or null), "code", "innerCode" (or null), "message"}]`
"""

from __future__ import annotations

import logging
import threading
import uuid
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from django.db import close_old_connections, transaction
from django.utils import timezone

from modeling.models import AnalyzeJob
from modeling.services.runtime.prediction import (
    Analysis,
    DocumentEntities,
    DocumentError,
    Entity,
    RuntimeDocument,
    batch_characters,
    documents_analyze,
    runtime_deployment_get,
)
from projects.models import JobStatus
from studio import limits
from studio.exceptions import ApplicationError

logger = logging.getLogger(__name__)

# Jobs up to this many characters are predicted inside the submitting request (tens of milliseconds).
INLINE_MAX_CHARACTERS = 20_000
# A background job not updated for this long lost its process (restart, crash).
STALE_AFTER = timedelta(minutes=10)
# Some tasks succeeded and some failed (Azure's job status; the other job kinds never reach it).
PARTIALLY_COMPLETED = "partiallyCompleted"
DISPLAY_NAME_MAX = 200

_executor: ThreadPoolExecutor | None = None
_executor_lock = threading.Lock()


@dataclass(frozen=True)
class RuntimeTask:
    """One custom-entity-recognition task: which deployment analyzes, and the unit its offsets are reported in."""

    name: str
    project_name: str
    deployment_name: str
    string_index_type: str


@dataclass(frozen=True)
class JobError:
    """Why a job, or one of its tasks (`task` is its index), failed."""

    message: str
    code: str = "InternalServerError"
    inner_code: str | None = None
    task: int | None = None


@dataclass(frozen=True)
class JobTask:
    task: RuntimeTask
    status: str
    updated_at: datetime | None
    analysis: Analysis | None


STALE_ERROR = JobError("The server running this job stopped; submit it again.")


def analyze_sync(*, user, task: RuntimeTask, documents: list[RuntimeDocument]) -> Analysis:
    """`POST /language/:analyze-text`: one task, answered at once."""
    deployment = runtime_deployment_get(user=user, project_name=task.project_name, deployment_name=task.deployment_name)
    return documents_analyze(deployment=deployment, documents=documents)


def analyze_job_submit(
    *, user, documents: list[RuntimeDocument], tasks: list[RuntimeTask], display_name: str = ""
) -> AnalyzeJob:
    """Records the job and runs it: inline when small, in the background otherwise. An unknown project or
    deployment is refused now (404), not reported as a failed job."""
    for task in tasks:
        runtime_deployment_get(user=user, project_name=task.project_name, deployment_name=task.deployment_name)
    job = AnalyzeJob.objects.create(
        job_id=str(uuid.uuid4()),
        user=user,
        display_name=display_name[:DISPLAY_NAME_MAX],
        documents=[_document_json(d) for d in documents],
        tasks=[_task_json(task) for task in tasks],
        expires_at=timezone.now() + limits.RUNTIME_JOB_LIFETIME,
    )
    if batch_characters([d.text for d in documents]) <= INLINE_MAX_CHARACTERS:
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
    """Claims a not-started job and runs its tasks in order; a cancel between tasks stops it."""
    claimed = AnalyzeJob.objects.filter(pk=job_pk, status=JobStatus.NOT_STARTED).update(
        status=JobStatus.RUNNING, updated_at=timezone.now()
    )
    if not claimed:
        return
    job = AnalyzeJob.objects.get(pk=job_pk)
    documents = job_documents(job)
    stored_tasks, errors, failed = list(job.tasks), list(job.errors), 0
    for index, (stored, item) in enumerate(zip(stored_tasks, job_tasks(job), strict=True)):
        task = item.task
        try:
            deployment = runtime_deployment_get(
                user=job.user, project_name=task.project_name, deployment_name=task.deployment_name
            )
            stored["results"] = _analysis_json(documents_analyze(deployment=deployment, documents=documents))
            stored["status"] = JobStatus.SUCCEEDED
        except ApplicationError as error:
            failed += 1
            stored["status"] = JobStatus.FAILED
            errors.append(_error_json(JobError(error.message, error.code, error.innererror_code, index)))
        except Exception as error:
            logger.exception("Runtime task failed")
            failed += 1
            stored["status"] = JobStatus.FAILED
            errors.append(_error_json(JobError(f"{type(error).__name__}: {error}", task=index)))
        stored["updatedAt"] = timezone.now().isoformat()
        if AnalyzeJob.objects.filter(pk=job.pk, status=JobStatus.CANCELLED).exists():
            return
    if not failed:
        status = JobStatus.SUCCEEDED
    else:
        status = JobStatus.FAILED if failed == len(stored_tasks) else PARTIALLY_COMPLETED
    AnalyzeJob.objects.filter(pk=job.pk, status=JobStatus.RUNNING).update(
        status=status, tasks=stored_tasks, errors=errors, updated_at=timezone.now()
    )


def analyze_job_cancel(*, job: AnalyzeJob) -> AnalyzeJob:
    AnalyzeJob.objects.filter(pk=job.pk, status__in=(JobStatus.NOT_STARTED, JobStatus.RUNNING)).update(
        status=JobStatus.CANCELLED, updated_at=timezone.now()
    )
    job.refresh_from_db()
    return job


def analyze_jobs_expire() -> int:
    """Deletes expired jobs (scheduled); returns how many."""
    count, _ = AnalyzeJob.objects.filter(expires_at__lt=timezone.now()).delete()
    return count


def analyze_jobs_fail_stale() -> int:
    """Fails running jobs whose process stopped updating them (scheduled); returns how many."""
    now = timezone.now()
    return AnalyzeJob.objects.filter(status=JobStatus.RUNNING, updated_at__lt=now - STALE_AFTER).update(
        status=JobStatus.FAILED, errors=[_error_json(STALE_ERROR)], updated_at=now
    )


# --- What a job stores, both ways (the module docstring describes the shape).


def job_documents(job: AnalyzeJob) -> list[RuntimeDocument]:
    return [RuntimeDocument(d["id"], d["text"], d.get("language"), d.get("problem")) for d in job.documents]


def job_tasks(job: AnalyzeJob) -> list[JobTask]:
    items = []
    for stored in job.tasks:
        task = RuntimeTask(stored["name"], stored["projectName"], stored["deploymentName"], stored["stringIndexType"])
        updated = stored.get("updatedAt")
        results = stored.get("results")
        items.append(
            JobTask(
                task=task,
                status=stored["status"],
                updated_at=datetime.fromisoformat(updated) if updated else None,
                analysis=_analysis_from(results) if results else None,
            )
        )
    return items


def job_errors(job: AnalyzeJob) -> list[JobError]:
    return [JobError(e["message"], e["code"], e.get("innerCode"), e.get("task")) for e in job.errors]


def _document_json(document: RuntimeDocument) -> dict[str, Any]:
    problem = document.unanalyzable()
    if problem and document.text:  # its text is never analyzed: not kept for a day either
        return {"id": document.id, "text": "", "language": document.language, "problem": problem}
    return {"id": document.id, "text": document.text, "language": document.language}


def _task_json(task: RuntimeTask) -> dict[str, Any]:
    return {
        "name": task.name,
        "projectName": task.project_name,
        "deploymentName": task.deployment_name,
        "stringIndexType": task.string_index_type,
        "status": JobStatus.NOT_STARTED,
        "updatedAt": None,
    }


def _analysis_json(analysis: Analysis) -> dict[str, Any]:
    return {
        "documents": [
            {"id": d.id, "entities": [[e.start, e.end, e.category, e.confidence] for e in d.entities]}
            for d in analysis.documents
        ],
        "errors": [{"id": e.id, "message": e.message} for e in analysis.errors],
    }


def _analysis_from(stored: dict[str, Any]) -> Analysis:
    return Analysis(
        documents=[DocumentEntities(d["id"], [Entity(*e) for e in d["entities"]]) for d in stored["documents"]],
        errors=[DocumentError(e["id"], e["message"]) for e in stored["errors"]],
    )


def _error_json(error: JobError) -> dict[str, Any]:
    return {"task": error.task, "code": error.code, "innerCode": error.inner_code, "message": error.message}
