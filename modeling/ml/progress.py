"""A flair trainer plugin that reports progress, honours cancellation and enforces the time budget.

Imports flair at module level (it subclasses flair's plugin base), so only `training.train` imports it.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from typing import Any

from flair.trainers.plugins.base import TrainerPlugin, TrainingInterrupt

from modeling.config import TrainingConfig
from modeling.ml.training import ProgressCallback, TrainingCancelled

# Batch-level reports are throttled: the callback may write to a database.
_REPORT_EVERY_SECONDS = 2.0


class StudioPlugin(TrainerPlugin):
    """Reports progress, stops within one mini-batch when cancelled, and ends training on time."""

    def __init__(
        self,
        config: TrainingConfig,
        started: float,
        on_progress: ProgressCallback | None,
        should_cancel: Callable[[], bool] | None,
    ) -> None:
        super().__init__()
        self.config = config
        self.started = started
        self.on_progress = on_progress
        self.should_cancel = should_cancel
        self.epochs_run = 0
        self.epoch_seconds: list[float] = []
        self.stop_reason = "max_epochs"
        self._epoch_started = started
        self._last_epoch_seconds = 0.0
        self._last_report = 0.0
        self._loss_sum = 0.0
        self._loss_batches = 0
        self._last = {"epoch": 0, "loss": None, "dev_score": None}
        self.averager = WeightAverager()

    def _check_cancel(self) -> None:
        if self.should_cancel is not None and self.should_cancel():
            raise TrainingCancelled("Training was cancelled.")

    @TrainerPlugin.hook
    def before_training_epoch(self, epoch: int, **kw: Any) -> None:
        self._epoch_started = time.monotonic()
        self._loss_sum, self._loss_batches = 0.0, 0

    @TrainerPlugin.hook
    def before_training_batch(self, batch_no: int, total_number_of_batches: int, epoch: int, **kw: Any) -> None:
        self._check_cancel()
        if self.config.lr_schedule == "linear":
            done = self._fraction_done(epoch - 1 + batch_no / total_number_of_batches)
            for group in self.trainer.optimizer.param_groups:
                group["lr"] = self.config.learning_rate * max(0.0, 1.0 - done)

    def _fraction_done(self, epochs: float) -> float:
        """Share of the training run behind us: of max_epochs or of the time budget, whichever is ahead."""
        elapsed = (time.monotonic() - self.started) / max(self.config.time_budget_seconds, 1)
        return min(1.0, max(epochs / self.config.max_epochs, elapsed))

    @TrainerPlugin.hook
    def metric_recorded(self, record: Any) -> None:
        if tuple(record.name.parts) == ("train", "batch_loss"):
            self._loss_sum += float(record.value)
            self._loss_batches += 1

    @TrainerPlugin.hook
    def after_training_batch(self, batch_no: int, total_number_of_batches: int, epoch: int, **kw: Any) -> None:
        self._check_cancel()
        now = time.monotonic()
        if now - self.started > self.config.time_budget_seconds:
            # A hard stop mid-epoch (an epoch on a large project can be long); flair keeps the model as is.
            self.stop_reason = "time_budget"
            raise TrainingInterrupt("time budget used up - stopping training")
        if now - self._last_report >= _REPORT_EVERY_SECONDS:
            loss = self._loss_sum / self._loss_batches if self._loss_batches else None
            self._report(epoch, loss, self._last["dev_score"], epoch - 1 + (batch_no + 1) / total_number_of_batches)

    @TrainerPlugin.hook
    def after_evaluation(self, epoch: int, validation_scores: tuple, **kw: Any) -> None:
        now = time.monotonic()
        self.epochs_run = epoch
        self._last_epoch_seconds = now - self._epoch_started
        self.epoch_seconds.append(round(self._last_epoch_seconds, 1))
        loss = self._loss_sum / self._loss_batches if self._loss_batches else None
        # With a dev set flair passes (dev score, dev loss); without one, (training loss,).
        dev_score = float(validation_scores[0]) if len(validation_scores) == 2 else None
        self._last = {"epoch": epoch, "loss": loss, "dev_score": dev_score}
        self._report(epoch, loss, dev_score, epoch)
        self._check_cancel()
        # This plugin's hooks run before flair's annealing plugin (attached later), which raises
        # TrainingInterrupt when the learning rate falls below the minimum: assume that reason until
        # the loop tells otherwise.
        self.stop_reason = "learning_rate" if epoch < self.config.max_epochs else "max_epochs"
        if now + self._last_epoch_seconds - self.started > self.config.time_budget_seconds:
            self.stop_reason = "time_budget"
            raise TrainingInterrupt("time budget reached - stopping training")

    @TrainerPlugin.hook
    def after_training_epoch(self, epoch: int, **kw: Any) -> None:
        self._check_cancel()
        start = self.config.average_weights_from
        if start is not None and self._fraction_done(epoch) > start:
            self.averager.add(self.trainer.model)

    def report_done(self) -> None:
        """Final 100 % report, after the model has been saved and verified."""
        self._report(self._last["epoch"], self._last["loss"], self._last["dev_score"], self.epochs_run, done=True)

    def _report(self, epoch: int, loss: float | None, dev_score: float | None, epochs: float, done=False) -> None:
        self._last_report = time.monotonic()
        if self.on_progress is None:
            return
        # Training ends at max_epochs or at the time budget (or earlier, by plateau annealing), so the
        # further ahead of the two is the estimate; 100 % is only reported once the model is saved.
        percent = 100.0 if done else min(99.0, 100.0 * self._fraction_done(epochs))
        self.on_progress(
            {
                "epoch": epoch,
                "total_epochs": self.config.max_epochs,
                "loss": loss,
                "dev_score": dev_score,
                "percent": round(percent, 1),
            }
        )


class WeightAverager:
    """Running mean of the trained parameters, one snapshot per epoch (stochastic weight averaging).

    Only parameters the optimizer updated are averaged (those with a gradient); a frozen transformer's
    weights never change, and copying its 22 M parameters every epoch would only cost memory.
    """

    def __init__(self) -> None:
        self.count = 0
        self._mean: dict[str, Any] = {}

    def add(self, model: Any) -> None:
        self.count += 1
        for name, param in model.named_parameters():
            if self.count == 1:
                if param.grad is not None:
                    self._mean[name] = param.detach().clone()
            elif name in self._mean:
                self._mean[name] += (param.detach() - self._mean[name]) / self.count

    def apply_to(self, model: Any) -> bool:
        """Loads the average into ``model``; False (model untouched) with fewer than two snapshots."""
        if self.count < 2:
            return False
        import torch

        with torch.no_grad():
            for name, param in model.named_parameters():
                if name in self._mean:
                    param.copy_(self._mean[name])
        return True
