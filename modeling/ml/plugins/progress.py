"""Progress reports to the caller: after each epoch, at most every few seconds within one, and 100 % at the end."""

from __future__ import annotations

import time
from typing import Any

from flair.trainers.plugins.base import TrainerPlugin

from modeling.ml.callbacks import ProgressCallback
from modeling.ml.plugins.run import TrainingRun

# Batch-level reports are throttled: the callback may write to a database.
_REPORT_EVERY_SECONDS = 2.0


class ProgressPlugin(TrainerPlugin):
    """Calls ``on_progress`` with ``{"epoch", "total_epochs", "loss", "dev_score", "percent"}``."""

    def __init__(self, run: TrainingRun, on_progress: ProgressCallback | None) -> None:
        super().__init__()
        self.run = run
        self.on_progress = on_progress
        self._last_report = 0.0
        self._loss_sum = 0.0
        self._loss_batches = 0
        self._last: dict[str, Any] = {"epoch": 0, "loss": None, "dev_score": None}

    @TrainerPlugin.hook
    def before_training_epoch(self, epoch: int, **kw: Any) -> None:
        self._loss_sum, self._loss_batches = 0.0, 0

    @TrainerPlugin.hook
    def metric_recorded(self, record: Any) -> None:
        if tuple(record.name.parts) == ("train", "batch_loss"):
            self._loss_sum += float(record.value)
            self._loss_batches += 1

    @TrainerPlugin.hook
    def after_training_batch(self, batch_no: int, total_number_of_batches: int, epoch: int, **kw: Any) -> None:
        if time.monotonic() - self._last_report >= _REPORT_EVERY_SECONDS:
            epochs = epoch - 1 + (batch_no + 1) / total_number_of_batches
            self._report(epoch, self._running_loss(), self._last["dev_score"], epochs)

    @TrainerPlugin.hook
    def after_evaluation(self, epoch: int, validation_scores: tuple, **kw: Any) -> None:
        loss = self._running_loss()
        # With a dev set flair passes (dev score, dev loss); without one, (training loss,).
        dev_score = float(validation_scores[0]) if len(validation_scores) == 2 else None
        self._last = {"epoch": epoch, "loss": loss, "dev_score": dev_score}
        self._report(epoch, loss, dev_score, epoch)

    def report_done(self) -> None:
        """Final 100 % report, after the model has been saved and verified."""
        self._report(self._last["epoch"], self._last["loss"], self._last["dev_score"], self.run.epochs_run, done=True)

    def _running_loss(self) -> float | None:
        return self._loss_sum / self._loss_batches if self._loss_batches else None

    def _report(self, epoch: int, loss: float | None, dev_score: float | None, epochs: float, done=False) -> None:
        self._last_report = time.monotonic()
        if self.on_progress is None:
            return
        # Training ends at max_epochs (or earlier, by plateau annealing); 100 % is only reported once the
        # model is saved and checked.
        percent = 100.0 if done else min(99.0, 100.0 * self.run.fraction_done(epochs))
        self.on_progress(
            {
                "epoch": epoch,
                "total_epochs": self.run.planned_epochs,
                "loss": loss,
                "dev_score": dev_score,
                "percent": round(percent, 1),
            }
        )
