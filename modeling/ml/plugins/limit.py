"""The wall-clock time budget (``TrainingConfig.time_budget_seconds``), counted from the call to `train`."""

from __future__ import annotations

import time
from typing import Any

from flair.trainers.plugins.base import TrainerPlugin, TrainingInterrupt

from modeling.ml.plugins.run import TrainingRun


class TimeBudgetPlugin(TrainerPlugin):
    """Stops training when the budget is used up, or at an epoch's end when the next epoch would overrun it.

    It raises flair's `TrainingInterrupt`, so flair ends the loop and keeps the model as it is; the run's
    ``stop_reason`` becomes ``"time_budget"``.
    """

    def __init__(self, run: TrainingRun) -> None:
        super().__init__()
        self.run = run

    @TrainerPlugin.hook
    def after_training_batch(self, **kw: Any) -> None:
        if time.monotonic() - self.run.started > self.run.config.time_budget_seconds:
            # A hard stop mid-epoch (an epoch on a large project can be long); flair keeps the model as is.
            self.run.stop_reason = "time_budget"
            raise TrainingInterrupt("time budget used up - stopping training")

    @TrainerPlugin.hook
    def after_evaluation(self, **kw: Any) -> None:
        # Another epoch as long as the last one would end past the budget.
        run = self.run
        if run.epoch_ended + run.last_epoch_seconds - run.started > run.config.time_budget_seconds:
            run.stop_reason = "time_budget"
            raise TrainingInterrupt("time budget reached - stopping training")
