"""The job's state machine moves the worker and the sweeps share: notStarted -> the queue (enqueue, again by the
sweep while no worker claims it), notStarted -> running (claim) and running -> succeeded | failed | cancelled
(finish), and the folder a run writes into. A job that ends without a model leaves no files behind, whoever ends it
(the worker, or a sweep after its worker died)."""

from __future__ import annotations

import contextlib
import functools
import shutil
from pathlib import Path

from django.db import transaction
from django.utils import timezone

from modeling.models import TrainingJob
from projects.models import ACTIVE_STATUSES, JobStatus
from projects.storage import project_models_directory


def run_directory(job: TrainingJob) -> Path:
    """The folder a job trains into, under its project's folder; the model's folder if the job succeeds."""
    return project_models_directory(job.project_id) / f"{job.model_label}-job{job.pk}"


def run_directory_remove(folder: Path) -> None:
    """Removes a run's folder, and its project's folder if that leaves it empty (a project deleted while the run
    wrote into it)."""
    shutil.rmtree(folder, ignore_errors=True)
    with contextlib.suppress(OSError):
        folder.parent.rmdir()


def job_enqueue(job: TrainingJob) -> None:
    """Hands the job to the task queue. Redis delivers a task at most once, so a job no worker has claimed within
    `sweeps.REQUEUE_AFTER` is handed over again; the claim makes a task delivered twice train once."""
    from django_q.tasks import async_task

    async_task("modeling.tasks.train_model", job.pk, task_name=f"train {job.project_id}/{job.model_label}")


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
    """Ends the job and whichever of its phases is still active with `status` (failed or cancelled), recording
    `error`; the run's files go once that commits."""
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
    transaction.on_commit(functools.partial(run_directory_remove, run_directory(job)))
