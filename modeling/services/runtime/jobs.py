"""Analyze-text jobs (Azure's asynchronous runtime) and the synchronous analysis, on typed documents and tasks.

Tiny jobs run inside the request that submits them, so their results are ready at the SDK's first poll;
the others run on a background thread of the serving process, so no request thread waits on them and, as on
Azure, a caller can cancel them. A job runs its custom entity recognition tasks in order, recording each one as it
ends; a task of a kind the studio does not run (key phrases, classification, ...) is failed when the job is
submitted, with an error saying so, and the job ends as Azure's do (`job_status_from`). A cancel stops a job before
its next task and cancels every task not done; cancelling a job that has ended is an error, as on Azure. Expired
and stale jobs are swept by `analyze_jobs_expire` and `analyze_jobs_fail_stale` on a schedule, never by a read.

What an `AnalyzeJob` stores is domain data; Azure's shape is built only when answering (`modeling/apis/runtime/`):
- `documents`: `[{"id", "text", "language", "problem"?}]`; a document that cannot be analyzed (empty, too long) is
  kept without its text, with its `problem`
- `tasks`: `[{"name", "projectName", "deploymentName", "stringIndexType", "status", "updatedAt" (ISO 8601 or null),
  "results"?: {"documents": [{"id", "entities": [[start, end, category, confidence], ...]}],
  "errors": [{"id", "message", "code"}]}}]`, offsets in code points (`code`: Azure's inner code, InvalidDocument
  when absent); a task the studio does not run is `{"name", "kind" (Azure's), "status": "failed", "updatedAt"}`
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
    INVALID_DOCUMENT,
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

# Jobs up to this many characters (a document or two) are predicted inside the submitting request, in tens of
# milliseconds: the SDK's first poll finds them done. Larger ones run in the background, where a caller can still
# cancel them, as on Azure (where every job does).
INLINE_MAX_CHARACTERS = 2_000
# A background job not updated for this long lost its process (restart, crash).
STALE_AFTER = timedelta(minutes=10)
# Some tasks succeeded and some failed (Azure's job status; the other job kinds never reach it).
PARTIALLY_COMPLETED = "partiallyCompleted"
DISPLAY_NAME_MAX = 200
# The states of a job or task that has not ended: only these can be cancelled.
UNFINISHED = (JobStatus.NOT_STARTED, JobStatus.RUNNING)

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
class UnsupportedTask:
    """A task of a kind the studio does not run (`kind` is Azure's name for it, e.g. "KeyPhraseExtraction"): a job
    records it as failed, saying so, and runs its other tasks."""

    name: str
    kind: str


@dataclass(frozen=True)
class JobError:
    """Why a job, or one of its tasks (`task` is its index), failed."""

    message: str
    code: str = "InternalServerError"
    inner_code: str | None = None
    task: int | None = None


@dataclass(frozen=True)
class JobTask:
    task: RuntimeTask | UnsupportedTask
    status: str
    updated_at: datetime | None
    analysis: Analysis | None


STALE_ERROR = JobError("The server running this job stopped; submit it again.")


def unsupported_task_error(task: UnsupportedTask, index: int) -> JobError:
    """Why a task of a kind the studio does not run failed (Azure's error for a failed task: code and message)."""
    return JobError(
        f"Task '{task.name}' was not run: its kind, {task.kind}, is not one this service runs. The studio runs "
        "custom named entity recognition (CustomEntityRecognition) tasks only.",
        code="InvalidRequest",
        task=index,
    )


def job_status_from(task_statuses: list[str]) -> str:
    """A finished job's status from its tasks' (Azure's rule): succeeded when every task succeeded, failed when none
    did, partiallyCompleted otherwise."""
    succeeded = sum(status == JobStatus.SUCCEEDED for status in task_statuses)
    if succeeded == len(task_statuses):
        return JobStatus.SUCCEEDED
    return JobStatus.FAILED if succeeded == 0 else PARTIALLY_COMPLETED


def analyze_sync(*, user, task: RuntimeTask, documents: list[RuntimeDocument]) -> Analysis:
    """`POST /language/:analyze-text`: one task, answered at once."""
    deployment = runtime_deployment_get(user=user, project_name=task.project_name, deployment_name=task.deployment_name)
    return documents_analyze(deployment=deployment, documents=documents)


def analyze_job_submit(
    *,
    user,
    documents: list[RuntimeDocument],
    tasks: list[RuntimeTask | UnsupportedTask],
    display_name: str = "",
) -> AnalyzeJob:
    """Records the job and runs it: inline when tiny, in the background otherwise. An unknown project or
    deployment is refused now (404), not reported as a failed job; a task the studio does not run is recorded
    failed at once."""
    for task in tasks:
        if isinstance(task, RuntimeTask):
            runtime_deployment_get(user=user, project_name=task.project_name, deployment_name=task.deployment_name)
    now = timezone.now()
    unsupported = [(i, task) for i, task in enumerate(tasks) if isinstance(task, UnsupportedTask)]
    job = AnalyzeJob.objects.create(
        job_id=str(uuid.uuid4()),
        user=user,
        display_name=display_name[:DISPLAY_NAME_MAX],
        documents=[_document_json(d) for d in documents],
        tasks=[_task_json(task, now) for task in tasks],
        errors=[_error_json(unsupported_task_error(task, i)) for i, task in unsupported],
        expires_at=now + limits.RUNTIME_JOB_LIFETIME,
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


def analyze_jobs_drain(*, timeout: float = 60) -> None:
    """Returns once the background thread has ended the jobs queued so far (it runs them in order, one at a time):
    for tests, whose database goes away after them, and a process about to stop."""
    _background().submit(lambda: None).result(timeout=timeout)


def _run_in_background(job_pk: int) -> None:
    try:
        analyze_job_run(job_pk=job_pk)
    except Exception:
        logger.exception("Runtime job %s failed", job_pk)
    finally:
        close_old_connections()


def analyze_job_run(*, job_pk: int) -> None:
    """Claims a not-started job and runs its tasks in order, recording each one as it ends, so a cancel keeps what
    is done; a cancel stops it before its next task."""
    claimed = AnalyzeJob.objects.filter(pk=job_pk, status=JobStatus.NOT_STARTED).update(
        status=JobStatus.RUNNING, updated_at=timezone.now()
    )
    if not claimed:
        return
    job = AnalyzeJob.objects.get(pk=job_pk)
    documents = job_documents(job)
    for index, item in enumerate(job_tasks(job)):
        if not isinstance(item.task, RuntimeTask) or item.status != JobStatus.NOT_STARTED:
            continue  # failed when submitted: a kind the studio does not run
        results, error = _task_run(user=job.user, task=item.task, index=index, documents=documents)
        if not _task_record(job_pk=job_pk, index=index, results=results, error=error):
            return  # cancelled (or expired) meanwhile
    _job_finish(job_pk=job_pk)


def _task_run(
    *, user, task: RuntimeTask, index: int, documents: list[RuntimeDocument]
) -> tuple[dict[str, Any] | None, JobError | None]:
    """One task's stored results, or why it failed."""
    try:
        deployment = runtime_deployment_get(
            user=user, project_name=task.project_name, deployment_name=task.deployment_name
        )
        return _analysis_json(documents_analyze(deployment=deployment, documents=documents)), None
    except ApplicationError as error:
        return None, JobError(error.message, error.code, error.innererror_code, index)
    except Exception as error:
        logger.exception("Runtime task failed")
        return None, JobError(f"{type(error).__name__}: {error}", task=index)


@transaction.atomic
def _task_record(*, job_pk: int, index: int, results: dict[str, Any] | None, error: JobError | None) -> bool:
    """Records how a task of a running job ended; False when the job is no longer running (cancelled, swept)."""
    job = AnalyzeJob.objects.select_for_update().filter(pk=job_pk, status=JobStatus.RUNNING).first()
    if job is None:
        return False
    stored = job.tasks[index]
    stored["status"] = JobStatus.FAILED if error else JobStatus.SUCCEEDED
    stored["updatedAt"] = timezone.now().isoformat()
    if results is not None:
        stored["results"] = results
    if error:
        job.errors = [*job.errors, _error_json(error)]
    job.save(update_fields=["tasks", "errors", "updated_at"])
    return True


@transaction.atomic
def _job_finish(*, job_pk: int) -> None:
    job = AnalyzeJob.objects.select_for_update().filter(pk=job_pk, status=JobStatus.RUNNING).first()
    if job is not None:
        job.status = job_status_from([stored["status"] for stored in job.tasks])
        job.save(update_fields=["status", "updated_at"])


@transaction.atomic
def analyze_job_cancel(*, job: AnalyzeJob) -> AnalyzeJob:
    """Cancels a job that has not ended: it stops before its next task, every task not done is cancelled, and the
    tasks done keep their results. A job that has ended cannot be cancelled (400, as on Azure)."""
    job = AnalyzeJob.objects.select_for_update().get(pk=job.pk)
    if job.status not in UNFINISHED:
        raise ApplicationError(
            f"Failed to cancel job with job id {job.job_id}: it has already ended ({job.status}), and only a job "
            "that is notStarted or running can be cancelled.",
            code="InvalidRequest",
        )
    now = timezone.now()
    for stored in job.tasks:
        if stored["status"] in UNFINISHED:
            stored["status"] = JobStatus.CANCELLED
            stored["updatedAt"] = now.isoformat()
    job.status = JobStatus.CANCELLED
    job.save(update_fields=["status", "tasks", "updated_at"])
    return job


def analyze_jobs_expire() -> int:
    """Deletes expired jobs (scheduled); returns how many."""
    count, _ = AnalyzeJob.objects.filter(expires_at__lt=timezone.now()).delete()
    return count


def analyze_jobs_fail_stale() -> int:
    """Fails running jobs whose process stopped updating them, and their tasks not done (scheduled); returns how
    many."""
    cutoff = timezone.now() - STALE_AFTER
    stale = AnalyzeJob.objects.filter(status=JobStatus.RUNNING, updated_at__lt=cutoff).values_list("pk", flat=True)
    return sum(_job_fail_stale(job_pk=pk, cutoff=cutoff) for pk in list(stale))


@transaction.atomic
def _job_fail_stale(*, job_pk: int, cutoff: datetime) -> bool:
    job = AnalyzeJob.objects.select_for_update().filter(pk=job_pk, status=JobStatus.RUNNING).first()
    if job is None or job.updated_at >= cutoff:
        return False
    now = timezone.now()
    for stored in job.tasks:
        if stored["status"] in UNFINISHED:
            stored["status"] = JobStatus.FAILED
            stored["updatedAt"] = now.isoformat()
    job.status = JobStatus.FAILED
    job.errors = [*job.errors, _error_json(STALE_ERROR)]
    job.save(update_fields=["status", "tasks", "errors", "updated_at"])
    return True


# --- What a job stores, both ways (the module docstring describes the shape).


def job_documents(job: AnalyzeJob) -> list[RuntimeDocument]:
    return [RuntimeDocument(d["id"], d["text"], d.get("language"), d.get("problem")) for d in job.documents]


def job_tasks(job: AnalyzeJob) -> list[JobTask]:
    items = []
    for stored in job.tasks:
        if "kind" in stored:
            task = UnsupportedTask(stored["name"], stored["kind"])
        else:
            task = RuntimeTask(
                stored["name"], stored["projectName"], stored["deploymentName"], stored["stringIndexType"]
            )
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


def _task_json(task: RuntimeTask | UnsupportedTask, now: datetime) -> dict[str, Any]:
    if isinstance(task, UnsupportedTask):
        return {"name": task.name, "kind": task.kind, "status": JobStatus.FAILED, "updatedAt": now.isoformat()}
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
        "errors": [{"id": e.id, "message": e.message, "code": e.code} for e in analysis.errors],
    }


def _analysis_from(stored: dict[str, Any]) -> Analysis:
    return Analysis(
        documents=[DocumentEntities(d["id"], [Entity(*e) for e in d["entities"]]) for d in stored["documents"]],
        errors=[DocumentError(e["id"], e["message"], e.get("code", INVALID_DOCUMENT)) for e in stored["errors"]],
    )


def _error_json(error: JobError) -> dict[str, Any]:
    return {"task": error.task, "code": error.code, "innerCode": error.inner_code, "message": error.message}
