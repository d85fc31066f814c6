"""The scheduled sweeps (django-q2's schedule, `modeling.tasks.sweep`; recovery also when `runstudio` starts),
never a read: jobs whose process died are run again in the worker or failed (`analyze_jobs_recover`), and expired
jobs go (`analyze_jobs_expire`). The package docstring tells how a dead process's jobs are found and bounded."""

from __future__ import annotations

import logging
from datetime import datetime, timedelta

from django.db import transaction
from django.db.models import Q
from django.utils import timezone

from modeling.models import AnalyzeJob
from modeling.services.runtime.jobs.records import UNFINISHED, JobError, error_json, job_end
from projects.models import JobStatus

logger = logging.getLogger(__name__)

# A job that has not ended and whose heartbeat (`background.HEARTBEAT`, 5 s) is this old lost its process.
ORPHANED_AFTER = timedelta(seconds=30)
# Claims of one job: a job whose process died while running it is run once more, then failed (what it analyzes may
# be what killed the process).
RUN_ATTEMPTS_MAX = 2
# Silence, plus the sweep's period (a minute), plus its run: a dead process's job is run again or failed within this
# (when the worker is not busy with a training; README, "Runtime API").
SWEEP_PERIOD = timedelta(minutes=1)
RECOVERY_BOUND = ORPHANED_AFTER + SWEEP_PERIOD + timedelta(seconds=15)

STALE_ERROR = JobError("The server running this job stopped; submit it again.")


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
    job_end(job, JobStatus.FAILED)
    job.errors = [*job.errors, error_json(STALE_ERROR)]
    job.save(update_fields=["status", "tasks", "errors", "updated_at"])
