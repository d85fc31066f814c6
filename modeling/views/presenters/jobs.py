"""The training jobs list and a job's page: status labels and durations."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from modeling.models import TrainingJob
from modeling.views.presenters.formatting import duration
from projects.models import ACTIVE_STATUSES, JobStatus

STATUS_LABELS = {
    JobStatus.NOT_STARTED: "Queued",
    JobStatus.RUNNING: "Running",
    JobStatus.SUCCEEDED: "Succeeded",
    JobStatus.FAILED: "Failed",
    JobStatus.CANCELLING: "Cancelling",
    JobStatus.CANCELLED: "Cancelled",
}


def job_is_active(job: TrainingJob) -> bool:
    return job.status in ACTIVE_STATUSES


def job_seconds(job: TrainingJob, now: datetime) -> float | None:
    """From the start of training to the end of the last phase that ran (or now, while it runs)."""
    if not job.training_started_at:
        return None
    end = job.evaluation_ended_at or job.training_ended_at
    if job_is_active(job) or end is None:
        end = now if job_is_active(job) else (job.updated_at or now)
    return max(0.0, (end - job.training_started_at).total_seconds())


@dataclass
class JobRow:
    job: TrainingJob
    status_label: str
    duration: str
    active: bool


def job_rows(jobs: list[TrainingJob], now: datetime) -> list[JobRow]:
    return [
        JobRow(job, STATUS_LABELS.get(job.status, job.status), duration(job_seconds(job, now)), job_is_active(job))
        for job in jobs
    ]
