"""Recovery from dead workers: jobs that claim to run but whose worker is gone are failed.

Nothing here runs inside a GET: `training_jobs_fail_stale` runs on a schedule (and when a project starts a
job), `training_jobs_fail_running` when the worker starts.
"""

from __future__ import annotations

from datetime import timedelta

from django.utils import timezone

from modeling.models import TrainingJob
from modeling.services.training.state import job_finish
from projects.models import JobStatus, Project

# A running job whose worker has not written for this long is dead (killed, crashed, machine restarted).
STALE_AFTER = timedelta(seconds=120)


def training_jobs_fail_stale(*, project: Project | None = None) -> int:
    """Marks failed every running job whose worker stopped writing (killed, crashed, restarted)."""
    cutoff = timezone.now() - STALE_AFTER
    stale = TrainingJob.objects.filter(status__in=(JobStatus.RUNNING, JobStatus.CANCELLING), heartbeat_at__lt=cutoff)
    if project is not None:
        stale = stale.filter(project=project)
    count = 0
    for job in stale:
        job_finish(
            job,
            JobStatus.FAILED,
            error="The worker running this job stopped before it finished (it was restarted or crashed). "
            "Start the training again.",
        )
        count += 1
    return count


def training_jobs_fail_running() -> int:
    """At worker start-up on a single machine no job can still be running: fail the ones that claim to."""
    count = 0
    for job in TrainingJob.objects.filter(status__in=(JobStatus.RUNNING, JobStatus.CANCELLING)):
        job_finish(
            job, JobStatus.FAILED, error="The worker was restarted while this job ran. Start the training again."
        )
        count += 1
    return count
