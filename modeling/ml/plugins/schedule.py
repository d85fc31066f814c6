"""The linear learning-rate schedule (``lr_schedule="linear"``); "plateau" is flair's own annealing plugin."""

from __future__ import annotations

from typing import Any

from flair.trainers.plugins.base import TrainerPlugin

from modeling.ml.plugins.run import TrainingRun


class LinearSchedulePlugin(TrainerPlugin):
    """Before every mini-batch, sets the learning rate to ``learning_rate * (1 - share of the run done)``."""

    def __init__(self, run: TrainingRun) -> None:
        super().__init__()
        self.run = run

    @TrainerPlugin.hook
    def before_training_batch(self, batch_no: int, total_number_of_batches: int, epoch: int, **kw: Any) -> None:
        done = self.run.fraction_done(epoch - 1 + batch_no / total_number_of_batches)
        for group in self.trainer.optimizer.param_groups:
            group["lr"] = self.run.config.learning_rate * max(0.0, 1.0 - done)
