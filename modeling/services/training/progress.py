"""What the worker writes while it trains: a heartbeat (so a live job is never taken for dead), progress from
the ML core's callbacks (percent, epochs, loss curve, ETA), and whether it must stop: the owner asked it to, or the
job is no longer the worker's (it went with its project, or a sweep ended it)."""

from __future__ import annotations

import threading
import time
from datetime import timedelta

from django.db import close_old_connections, models
from django.utils import timezone

from modeling.models import TrainingJob
from projects.models import ACTIVE_STATUSES

HEARTBEAT_SECONDS = 15
CANCEL_CHECK_SECONDS = 1.0


def job_run_state(model: type[models.Model], job_pk: int) -> tuple[bool, bool]:
    """(ended, cancel requested) of a job a worker runs (a training or a loop job), from its row. `ended`: the row is
    gone (it went with its project) or no longer active (a sweep ended it, or it was cancelled outright), so nobody
    waits for the run any more, which stops as a cancel does."""
    row = model.objects.filter(pk=job_pk).values_list("status", "cancel_requested").first()
    if row is None or row[0] not in ACTIVE_STATUSES:
        return True, False
    return False, row[1]


class Cancelled(Exception):
    """The owner cancelled the job; the worker stops and records it cancelled."""


class Heartbeat:
    """Writes `heartbeat_at` every few seconds from a thread, so a live job is never taken for dead. `model` is
    the job's model (any with a `heartbeat_at`: training jobs, loop jobs)."""

    def __init__(self, job_pk: int, model: type[models.Model] = TrainingJob) -> None:
        self.job_pk = job_pk
        self.model = model
        self.stop = threading.Event()
        self.thread = threading.Thread(target=self._run, daemon=True, name=f"heartbeat-{job_pk}")

    def _run(self) -> None:
        try:
            while not self.stop.wait(HEARTBEAT_SECONDS):
                self.model.objects.filter(pk=self.job_pk).update(heartbeat_at=timezone.now())
        finally:
            close_old_connections()

    def __enter__(self) -> Heartbeat:
        self.thread.start()
        return self

    def __exit__(self, *exc) -> None:
        self.stop.set()
        self.thread.join(timeout=5)


class Progress:
    """Turns ML-core callbacks into job updates: percent, epochs, loss curve, ETA; polls for cancel, and notices a
    job that is gone (its project deleted) or ended by a sweep (`ended`), which stops the run as a cancel does."""

    def __init__(self, job: TrainingJob) -> None:
        self.job = job
        self.started = time.monotonic()
        self.last_cancel_check = 0.0
        self.cancelled = False
        self.ended = False  # the job's row is gone, or no longer active: nobody waits for this run

    def on_progress(self, report: dict) -> None:
        percent = max(0, min(99, int(report.get("percent") or 0)))
        progress = dict(self.job.progress)
        epoch = report.get("epoch")
        progress["epoch"] = epoch
        progress["total_epochs"] = report.get("total_epochs")
        # One point per epoch for the loss curve; reports within an epoch refine its running loss.
        curve = [p for p in progress.get("curve", []) if p["epoch"] != epoch]
        if epoch:
            curve.append({"epoch": epoch, "loss": report.get("loss"), "dev_score": report.get("dev_score")})
        progress["curve"] = curve
        now = timezone.now()
        elapsed = time.monotonic() - self.started
        fields = {"progress": progress, "training_percent": percent, "heartbeat_at": now, "updated_at": now}
        if percent > 0:
            # Evaluation is about a tenth of the work; the ETA covers both.
            fields["estimated_end_at"] = now + timedelta(seconds=elapsed * (100 - percent) / percent * 1.1)
        self._written(TrainingJob.objects.filter(pk=self.job.pk, status__in=ACTIVE_STATUSES).update(**fields))
        self.job.progress = progress

    def on_evaluation_progress(self, percent: int) -> None:
        updated = TrainingJob.objects.filter(pk=self.job.pk, status__in=ACTIVE_STATUSES).update(
            evaluation_percent=percent, heartbeat_at=timezone.now()
        )
        self._written(updated)

    def _written(self, rows: int) -> None:
        if not rows:
            self.ended = True

    def should_cancel(self) -> bool:
        """Whether the run must stop: a cancel was asked for, or the job `ended` (asks at most once a second)."""
        now = time.monotonic()
        if not (self.cancelled or self.ended) and now - self.last_cancel_check >= CANCEL_CHECK_SECONDS:
            self.last_cancel_check = now
            self.ended, self.cancelled = job_run_state(TrainingJob, self.job.pk)
        return self.cancelled or self.ended
