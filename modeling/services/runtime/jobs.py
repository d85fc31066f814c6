"""Analyze-text jobs (Azure's asynchronous runtime) and the synchronous analysis, on typed documents and tasks.

Tiny jobs run inside the request that submits them, so their results are ready at the SDK's first poll; such a
request waits for an analysis turn as a call does (`admission`, at most 10 s), and a job that gets none in time goes
to the background as the others do. The others run on a background thread of the serving process (`background`), so
no request thread waits on them and, as on Azure, a caller can cancel them. A job runs its custom entity recognition
tasks in order, recording each one as it ends; a task of a kind the studio does not run (key phrases, classification,
...) is failed when the job is submitted, with an error saying so, and the job ends as Azure's do
(`job_status_from`). A cancel stops a job before
its next task and cancels every task not done; cancelling a job that has ended is an error, as on Azure. Expired
jobs are swept by `analyze_jobs_expire` on a schedule, never by a read.

A process that dies (kill -9, out of memory, a host gone) loses the jobs on its thread, but not their records: the
process holding a job writes its heartbeat every 5 s, and the sweep (`analyze_jobs_recover`, every minute on
django-q2's schedule, and when `runstudio` starts) hands a job silent for `ORPHANED_AFTER` to the django-q2 worker,
which runs it again (the tasks done keep their results), or fails it if a process already died running it
(`RUN_ATTEMPTS_MAX`). A process that was only silent (not dead) may still be running the job then: each claim is
numbered, and only the latest claim's run records tasks, so two runs of a job never both record. So no job stays
`notStarted` or `running` past `RECOVERY_BOUND` of its process's death while the worker is free.

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
import uuid
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from django.db import transaction
from django.db.models import Q
from django.utils import timezone

from modeling.models import AnalyzeJob
from modeling.services.runtime import admission, background
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
# A job that has not ended and whose heartbeat (`background.HEARTBEAT`, 5 s) is this old lost its process.
ORPHANED_AFTER = timedelta(seconds=30)
# Claims of one job: a job whose process died while running it is run once more, then failed (what it analyzes may
# be what killed the process).
RUN_ATTEMPTS_MAX = 2
# Silence, plus the sweep's period (a minute), plus its run: a dead process's job is run again or failed within this
# (when the worker is not busy with a training; README, "Runtime API").
SWEEP_PERIOD = timedelta(minutes=1)
RECOVERY_BOUND = ORPHANED_AFTER + SWEEP_PERIOD + timedelta(seconds=15)
# Some tasks succeeded and some failed (Azure's job status; the other job kinds never reach it).
PARTIALLY_COMPLETED = "partiallyCompleted"
DISPLAY_NAME_MAX = 200
# The states of a job or task that has not ended: only these can be cancelled.
UNFINISHED = (JobStatus.NOT_STARTED, JobStatus.RUNNING)


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
    inline = batch_characters([d.text for d in documents]) <= INLINE_MAX_CHARACTERS and admission.has_free_turn()
    if inline:
        job = _job_create(user=user, documents=documents, tasks=tasks, display_name=display_name)
        if _job_run(job_pk=job.pk, inline=True):
            # No turn within a call's bound (another request took the free one): the job was accepted, so it goes
            # to the background thread even past the queue's bound, rather than being refused now.
            transaction.on_commit(lambda: background.submit(job.pk, _run))
        job.refresh_from_db()
        return job
    with background.place():  # 429 when this process's queue is full
        job = _job_create(user=user, documents=documents, tasks=tasks, display_name=display_name)
        transaction.on_commit(lambda: background.submit(job.pk, _run))
    return job


def _job_create(
    *, user, documents: list[RuntimeDocument], tasks: list[RuntimeTask | UnsupportedTask], display_name: str
) -> AnalyzeJob:
    now = timezone.now()
    unsupported = [(i, task) for i, task in enumerate(tasks) if isinstance(task, UnsupportedTask)]
    return AnalyzeJob.objects.create(
        job_id=str(uuid.uuid4()),
        user=user,
        display_name=display_name[:DISPLAY_NAME_MAX],
        documents=[_document_json(d) for d in documents],
        tasks=[_task_json(task, now) for task in tasks],
        errors=[_error_json(unsupported_task_error(task, i)) for i, task in unsupported],
        expires_at=now + limits.RUNTIME_JOB_LIFETIME,
        heartbeat_at=now,
    )


def _run(job_pk: int) -> None:
    analyze_job_run(job_pk=job_pk)


def analyze_jobs_drain(*, timeout: float = 60) -> None:
    """Returns once this process's background thread has ended the jobs queued so far (it runs them in order, one
    at a time): for tests, whose database goes away after them, and a process about to stop."""
    background.drain(timeout=timeout)


def analyze_job_run(*, job_pk: int) -> None:
    """Claims a not-started job and runs its tasks in order, recording each one as it ends, so a cancel keeps what
    is done; a cancel stops it before its next task. Runs on a web process's background thread, inline for tiny
    jobs, or in the django-q2 worker for a job the sweep recovered; this process holds it (its heartbeat) meanwhile."""
    _job_run(job_pk=job_pk, inline=False)


def _job_run(*, job_pk: int, inline: bool) -> bool:
    """`analyze_job_run`; an `inline` run (inside the submitting request) waits for each analysis turn at most as
    long as a call does. Returns True when such a run got no turn in time and gave its claim back: the job is
    notStarted again (the tasks done keep their results) and waits for the background thread."""
    job = _job_claim(job_pk=job_pk)
    if job is None:
        return False  # cancelled, or another copy of a recovered job claimed it first
    background.hold(job_pk)
    try:
        documents = job_documents(job)
        for index, item in enumerate(job_tasks(job)):
            if not isinstance(item.task, RuntimeTask) or item.status != JobStatus.NOT_STARTED:
                continue  # failed when submitted (a kind the studio does not run), or done before a restart
            try:
                results, error = _task_run(
                    user=job.user, task=item.task, index=index, documents=documents, wait=not inline
                )
            except admission.TooManyRequests:  # inline only: no turn within a call's bound
                return _job_unclaim(job_pk=job_pk, attempt=job.attempts)
            if not _task_record(job_pk=job_pk, attempt=job.attempts, index=index, results=results, error=error):
                return False  # cancelled, expired, or no longer this run's (recovered and claimed again) meanwhile
        _job_finish(job_pk=job_pk, attempt=job.attempts)
        return False
    finally:
        background.release(job_pk)


@transaction.atomic
def _job_claim(*, job_pk: int) -> AnalyzeJob | None:
    """notStarted -> running, once per hand-over: the claim's number (`attempts`) is this run's, and only the run
    holding the latest claim records anything. A process that went silent without dying (a database busy for longer
    than `ORPHANED_AFTER`) may still be running a job the sweep handed to the worker: its results are then dropped,
    never recorded next to the new run's."""
    job = AnalyzeJob.objects.select_for_update().filter(pk=job_pk, status=JobStatus.NOT_STARTED).first()
    if job is None:
        return None
    now = timezone.now()
    job.status, job.heartbeat_at, job.attempts = JobStatus.RUNNING, now, job.attempts + 1
    job.save(update_fields=["status", "heartbeat_at", "attempts", "updated_at"])
    return job


@transaction.atomic
def _job_unclaim(*, job_pk: int, attempt: int) -> bool:
    """running -> notStarted again, for an inline run that got no analysis turn in time: its claim is given back
    (no process died, so it does not count against `RUN_ATTEMPTS_MAX`) and its heartbeat restarts. False when the
    job is no longer this run's (cancelled meanwhile)."""
    job = AnalyzeJob.objects.select_for_update().filter(pk=job_pk, status=JobStatus.RUNNING, attempts=attempt).first()
    if job is None:
        return False
    job.status, job.heartbeat_at, job.attempts = JobStatus.NOT_STARTED, timezone.now(), attempt - 1
    job.save(update_fields=["status", "heartbeat_at", "attempts", "updated_at"])
    return True


def _task_run(
    *, user, task: RuntimeTask, index: int, documents: list[RuntimeDocument], wait: bool
) -> tuple[dict[str, Any] | None, JobError | None]:
    """One task's stored results, or why it failed. A job's analysis waits for its turn as long as it takes (it
    was accepted already), unless it does not `wait` (an inline run): then `TooManyRequests` says it got none in
    time, and the job is not failed for it."""
    try:
        deployment = runtime_deployment_get(
            user=user, project_name=task.project_name, deployment_name=task.deployment_name
        )
        return _analysis_json(documents_analyze(deployment=deployment, documents=documents, wait=wait)), None
    except admission.TooManyRequests:
        raise
    except ApplicationError as error:
        return None, JobError(error.message, error.code, error.innererror_code, index)
    except Exception as error:
        logger.exception("Runtime task failed")
        return None, JobError(f"{type(error).__name__}: {error}", task=index)


@transaction.atomic
def _task_record(
    *, job_pk: int, attempt: int, index: int, results: dict[str, Any] | None, error: JobError | None
) -> bool:
    """Records how a task of a running job ended; False when the job is no longer running as claim `attempt`
    (cancelled, swept, or recovered and claimed again)."""
    job = AnalyzeJob.objects.select_for_update().filter(pk=job_pk, status=JobStatus.RUNNING, attempts=attempt).first()
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
def _job_finish(*, job_pk: int, attempt: int) -> None:
    job = AnalyzeJob.objects.select_for_update().filter(pk=job_pk, status=JobStatus.RUNNING, attempts=attempt).first()
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


def analyze_jobs_recover() -> tuple[int, int]:
    """Jobs whose process died (no heartbeat for `ORPHANED_AFTER`): each goes to the django-q2 worker to run again,
    or is failed with its tasks not done when a process already died running it `RUN_ATTEMPTS_MAX` times.
    Scheduled (the sweep) and run when `runstudio` starts; returns (run again, failed). A queue that cannot be
    reached leaves a job for the next sweep."""
    cutoff = timezone.now() - ORPHANED_AFTER
    silent = Q(heartbeat_at__lt=cutoff) | Q(heartbeat_at__isnull=True, updated_at__lt=cutoff)  # jobs from before 0009
    orphans = list(AnalyzeJob.objects.filter(silent, status__in=UNFINISHED).values_list("pk", flat=True))
    requeued = failed = 0
    for pk in orphans:
        outcome = _job_recover(job_pk=pk, cutoff=cutoff)
        requeued += outcome == "requeued"
        failed += outcome == "failed"
    return requeued, failed


@transaction.atomic
def _job_recover(*, job_pk: int, cutoff: datetime) -> str | None:
    job = AnalyzeJob.objects.select_for_update().filter(pk=job_pk, status__in=UNFINISHED).first()
    if job is None or (job.heartbeat_at or job.updated_at) >= cutoff:
        return None
    if job.attempts < RUN_ATTEMPTS_MAX:
        # notStarted again (the tasks done keep their results and are not run again); its heartbeat restarts the
        # clock, so the next sweep hands it over once more only if no worker took it meanwhile.
        job.status = JobStatus.NOT_STARTED
        job.heartbeat_at = timezone.now()
        job.save(update_fields=["status", "heartbeat_at", "updated_at"])
        transaction.on_commit(lambda: _enqueue(job_pk))
        return "requeued"
    _job_fail(job)
    return "failed"


def _enqueue(job_pk: int) -> None:
    from django_q.tasks import async_task

    try:
        async_task("modeling.tasks.run_analyze_job", job_pk, task_name=f"analyze-text job {job_pk}")
    except Exception:  # the queue is down: the job stays silent and the next sweep tries again
        logger.warning("Could not hand runtime job %s to the queue", job_pk, exc_info=True)


def _job_fail(job: AnalyzeJob) -> None:
    now = timezone.now()
    for stored in job.tasks:
        if stored["status"] in UNFINISHED:
            stored["status"] = JobStatus.FAILED
            stored["updatedAt"] = now.isoformat()
    job.status = JobStatus.FAILED
    job.errors = [*job.errors, _error_json(STALE_ERROR)]
    job.save(update_fields=["status", "tasks", "errors", "updated_at"])


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
