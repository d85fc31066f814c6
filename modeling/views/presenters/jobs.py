"""The training jobs list and a job's page: status labels, durations, epochs done of epochs planned."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from modeling import config as configs
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


STOP_NOTES = {"learning_rate": "the learning rate annealed to its minimum"}


def job_epochs(job: TrainingJob) -> dict:
    """Epochs done of epochs planned, as the job's page shows them while it runs and after it ends."""
    progress = job.progress or {}
    config = configs.CONFIGS.get(job.training_config_version)
    planned = progress.get("total_epochs") or (config.max_epochs if config else None)
    current = progress.get("epoch") or None
    done = progress.get("epochs_run")
    stop_reason = progress.get("stop_reason")
    of = f" of {planned}" if planned else ""
    if done is not None:
        text = f"{done}{of} epochs"
    elif job.training_status == JobStatus.SUCCEEDED and current:
        done, text = current, f"{current}{of} epochs"
    elif current:
        ended = job.status not in ACTIVE_STATUSES
        text = f"Stopped in epoch {current}{of}" if ended else f"Epoch {current}{of}"
    else:
        text = f"{planned} epochs planned" if planned else "—"
    return {
        "current": current,
        "done": done,
        "planned": planned,
        "stopReason": stop_reason,
        "text": text,
        "note": f"({STOP_NOTES[stop_reason]})" if done is not None and stop_reason in STOP_NOTES else "",
    }
