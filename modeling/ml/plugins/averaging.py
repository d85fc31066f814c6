"""Stochastic weight averaging: the mean of the weights of the epochs past ``average_weights_from``."""

from __future__ import annotations

from typing import Any

from flair.trainers.plugins.base import TrainerPlugin

from modeling.ml.plugins.run import TrainingRun


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


class AveragingPlugin(TrainerPlugin):
    """After each training epoch past ``config.average_weights_from`` of the run, adds a snapshot to `averager`.

    Does nothing when ``average_weights_from`` is None; `train` loads the average into the model at the end.
    """

    def __init__(self, run: TrainingRun) -> None:
        super().__init__()
        self.run = run
        self.averager = WeightAverager()

    @TrainerPlugin.hook
    def after_training_epoch(self, epoch: int, **kw: Any) -> None:
        start = self.run.config.average_weights_from
        if start is not None and self.run.fraction_done(epoch) > start:
            self.averager.add(self.trainer.model)
