"""Running a job: claim it, run its tasks in order, record each one as it ends, finish it. Inline (inside the request
that submitted it, waiting for an analysis turn at most as long as a call does), on this process's background thread,
or in the django-q2 worker for a job the sweep recovered; each claim is numbered, and only the latest claim's run
records anything."""

from __future__ import annotations

import logging
from typing import Any

from django.db import transaction
from django.utils import timezone

from modeling.models import AnalyzeJob
from modeling.services.runtime import admission, background
from modeling.services.runtime.jobs.records import (
    JobError,
    RuntimeTask,
    analysis_json,
    error_json,
    job_documents,
    job_status_from,
    job_tasks,
)
from modeling.services.runtime.prediction import RuntimeDocument, documents_analyze, runtime_deployment_get
from projects.models import JobStatus
from studio.exceptions import ApplicationError

logger = logging.getLogger(__name__)


def analyze_job_hand_to_thread(*, job_pk: int) -> None:
    """Submits the job to this process's background thread once the transaction that recorded it commits."""
    transaction.on_commit(lambda: background.submit(job_pk, _run))


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


def analyze_job_run_inline(*, job_pk: int) -> bool:
    """`analyze_job_run` inside the submitting request: see `_job_run`."""
    return _job_run(job_pk=job_pk, inline=True)


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
    than `sweeps.ORPHANED_AFTER`) may still be running a job the sweep handed to the worker: its results are then
    dropped, never recorded next to the new run's."""
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
    (no process died, so it does not count against `sweeps.RUN_ATTEMPTS_MAX`) and its heartbeat restarts. False when
    the job is no longer this run's (cancelled meanwhile)."""
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
        return analysis_json(documents_analyze(deployment=deployment, documents=documents, wait=wait)), None
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
        job.errors = [*job.errors, error_json(error)]
    job.save(update_fields=["tasks", "errors", "updated_at"])
    return True


@transaction.atomic
def _job_finish(*, job_pk: int, attempt: int) -> None:
    job = AnalyzeJob.objects.select_for_update().filter(pk=job_pk, status=JobStatus.RUNNING, attempts=attempt).first()
    if job is not None:
        job.status = job_status_from([stored["status"] for stored in job.tasks])
        job.save(update_fields=["status", "updated_at"])
