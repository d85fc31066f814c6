"""Cancelling a job, as on Azure: it stops before its next task, and cancelling a job that has ended is an error."""

from __future__ import annotations

from django.db import transaction

from modeling.models import AnalyzeJob
from modeling.services.runtime.jobs.records import UNFINISHED, job_end
from projects.models import JobStatus
from studio.exceptions import ApplicationError


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
    job_end(job, JobStatus.CANCELLED)
    job.save(update_fields=["status", "tasks", "updated_at"])
    return job
