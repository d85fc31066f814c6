"""The one object the plugins share: what the run has done so far and how far along it is."""

from __future__ import annotations

import time
from typing import Any

from flair.trainers.plugins.base import TrainerPlugin

from modeling.config import TrainingConfig


class TrainingRun(TrainerPlugin):
    """Records each epoch (number, seconds) and why training ended; the other plugins read it.

    Attach it before the others: on ``after_evaluation`` they rely on the epoch it has just recorded.
    """

    def __init__(self, config: TrainingConfig, started: float, planned_epochs: int | None = None) -> None:
        super().__init__()
        self.config = config
        # `config.epochs_for(sentences)`: max_epochs, or more for a small project (min_steps).
        self.planned_epochs = planned_epochs or config.max_epochs
        # time.monotonic() when `train` was called: the safety limit counts preparation too.
        self.started = started
        self.epochs_run = 0
        # Wall-clock seconds of each epoch, its evaluation included, rounded to 0.1 s.
        self.epoch_seconds: list[float] = []
        # "max_epochs" or "learning_rate" (annealed to the minimum).
        self.stop_reason = "max_epochs"
        self.epoch_started = started

    def fraction_done(self, epochs: float) -> float:
        """Share of the training run behind us, in epochs: the config's length, never the clock."""
        return min(1.0, epochs / self.planned_epochs)

    @TrainerPlugin.hook
    def before_training_epoch(self, epoch: int, **kw: Any) -> None:
        self.epoch_started = time.monotonic()

    @TrainerPlugin.hook
    def after_evaluation(self, epoch: int, **kw: Any) -> None:
        self.epochs_run = epoch
        self.epoch_seconds.append(round(time.monotonic() - self.epoch_started, 1))
        # These hooks run before flair's annealing plugin (attached after ours), which raises TrainingInterrupt
        # when the learning rate falls below the minimum: assume that reason until the loop tells otherwise.
        self.stop_reason = "learning_rate" if epoch < self.planned_epochs else "max_epochs"
