"""The job's state machine moves the worker and the sweeps share: notStarted -> running (claim) and
running -> succeeded | failed | cancelled (finish)."""

from __future__ import annotations

from django.utils import timezone

from modeling.models import TrainingJob
from projects.models import ACTIVE_STATUSES, JobStatus


def job_claim(job_pk: int) -> TrainingJob | None:
    """notStarted -> running, atomically, so a task delivered twice trains once."""
    now = timezone.now()
    claimed = TrainingJob.objects.filter(pk=job_pk, status=JobStatus.NOT_STARTED).update(
        status=JobStatus.RUNNING,
        training_status=JobStatus.RUNNING,
        training_started_at=now,
        heartbeat_at=now,
        updated_at=now,
    )
    return TrainingJob.objects.select_related("project").get(pk=job_pk) if claimed else None


def job_finish(job: TrainingJob, status: str, *, error: str | None = None) -> None:
    """Ends the job and whichever of its phases is still active with `status`, recording `error`."""
    now = timezone.now()
    job.status = status
    for phase in ("training", "evaluation"):
        if getattr(job, f"{phase}_status") in ACTIVE_STATUSES:
            setattr(job, f"{phase}_status", status)
            if getattr(job, f"{phase}_started_at"):
                setattr(job, f"{phase}_ended_at", now)
    if error:
        code = "OperationCancelled" if status == JobStatus.CANCELLED else "InternalServerError"
        job.errors = [*job.errors, {"code": code, "message": error}]
    job.save()
