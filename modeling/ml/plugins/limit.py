"""The safety limit on a run's wall-clock time: it fails the run, it never shortens it."""

from __future__ import annotations

import time
from typing import Any

from flair.trainers.plugins.base import TrainerPlugin

from modeling.ml.callbacks import TrainingTimedOut
from modeling.ml.plugins.run import TrainingRun


class SafetyLimitPlugin(TrainerPlugin):
    """Raises `TrainingTimedOut` once the run has taken longer than ``limit_seconds`` (checked after every
    mini-batch). A run is as long as its config says; this only stops one that would hold the worker for
    hours on an overloaded machine, and the caller fails the job with the error's message.
    """

    def __init__(self, run: TrainingRun, limit_seconds: float | None) -> None:
        super().__init__()
        self.run = run
        self.limit_seconds = limit_seconds

    @TrainerPlugin.hook
    def after_training_batch(self, **kw: Any) -> None:
        if self.limit_seconds is not None and time.monotonic() - self.run.started > self.limit_seconds:
            raise TrainingTimedOut(
                limit_seconds=self.limit_seconds, epochs_run=self.run.epochs_run, max_epochs=self.run.planned_epochs
            )
