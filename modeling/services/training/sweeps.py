"""Recovery from dead workers and lost tasks: jobs that claim to run but whose worker stopped writing are failed,
and jobs waiting for a worker that none has claimed are handed to the queue again.

Both go by the job's `heartbeat_at`, never by which machine asks, so any host may run them at any time (several
hosts share one database: a host that starts never fails what another host runs). Nothing here runs inside a GET:
the sweeps run on a django-q2 schedule (`modeling.tasks.sweep`), when `runstudio` starts or its worker stops, and
`training_jobs_fail_stale` also when a project starts a job.
"""

from __future__ import annotations

import logging
from datetime import timedelta

from django.db.models import Q
from django.utils import timezone

from modeling.models import TrainingJob
from modeling.services.training.state import job_enqueue, job_finish
from projects.models import JobStatus, Project

logger = logging.getLogger(__name__)

# A running job whose worker has not written for this long is dead (killed, crashed, machine restarted). Workers
# write every `progress.HEARTBEAT_SECONDS` (15 s).
STALE_AFTER = timedelta(seconds=120)
# A job still waiting this long after it was last handed to the queue goes to the queue again. Redis delivers a task
# at most once: a worker host that dies holding it (django-q2 takes a few tasks ahead) loses it, and a busy host holds
# the tasks it took while other hosts idle. The copy that comes second finds the job claimed and does nothing.
REQUEUE_AFTER = timedelta(seconds=120)


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


def training_jobs_requeue_waiting() -> int:
    """Hands to the queue again every job that has waited `REQUEUE_AFTER` since it was last handed over, unclaimed.
    Returns how many went; a queue that cannot be reached leaves them for the next sweep."""
    now = timezone.now()
    cutoff = now - REQUEUE_AFTER
    waiting = TrainingJob.objects.filter(
        Q(heartbeat_at__lt=cutoff) | Q(heartbeat_at__isnull=True, created_at__lt=cutoff),
        status=JobStatus.NOT_STARTED,
    )
    count = 0
    for job in waiting:
        try:
            job_enqueue(job)
        except Exception as error:  # whatever the broker raises; the job waits for the next sweep
            logger.warning("Could not hand training job %s to the queue again: %r", job.job_id, error)
            break
        # Only while it still waits: a worker may have claimed it (and written its own heartbeat) meanwhile.
        count += TrainingJob.objects.filter(pk=job.pk, status=JobStatus.NOT_STARTED).update(heartbeat_at=now)
    if count:
        logger.info("Handed %d waiting training job(s) to the queue again.", count)
    return count
