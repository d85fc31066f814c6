"""flair trainer plugins, one per concern, and the order `training.train` attaches them in.

- `run.TrainingRun`: the shared record of the run (epochs, their seconds, why it stopped, how far along it is);
  attached first, since the others read what it recorded for the epoch.
- `progress.ProgressPlugin`: reports percent, epoch, loss and dev score to the caller.
- `cancel.CancelPlugin`: stops within one mini-batch once the caller asks.
- `limit.SafetyLimitPlugin`: fails a run that outlasts the caller's safety limit (never shortens one).
- `schedule.LinearSchedulePlugin`: the linear learning-rate decay (only with ``lr_schedule="linear"``).
- `averaging.AveragingPlugin`: snapshots the weights of the later epochs for `averaging.WeightAverager`.

These modules import flair at module level (they subclass its plugin base), so only `training.train` imports
this package, inside the function.
"""

from __future__ import annotations

from dataclasses import dataclass

from flair.trainers.plugins.base import TrainerPlugin

from modeling.config import TrainingConfig
from modeling.ml.callbacks import CancelCheck, ProgressCallback
from modeling.ml.plugins.averaging import AveragingPlugin
from modeling.ml.plugins.cancel import CancelPlugin
from modeling.ml.plugins.limit import SafetyLimitPlugin
from modeling.ml.plugins.progress import ProgressPlugin
from modeling.ml.plugins.run import TrainingRun
from modeling.ml.plugins.schedule import LinearSchedulePlugin


@dataclass(frozen=True)
class StudioPlugins:
    """The plugins of one training run; `train` reads the results off `run`, `progress` and `averaging`."""

    run: TrainingRun
    progress: ProgressPlugin
    averaging: AveragingPlugin
    # To attach in this order: on a shared event flair calls plugins in the order they were attached (and
    # its own annealing plugin after them). The run records the epoch, progress reports it, and only then
    # may cancellation or the safety limit end training.
    ordered: list[TrainerPlugin]


def studio_plugins(
    config: TrainingConfig,
    started: float,
    on_progress: ProgressCallback | None,
    should_cancel: CancelCheck | None,
    time_limit_seconds: float | None = None,
    planned_epochs: int | None = None,
) -> StudioPlugins:
    """The plugins for a run with ``config`` that began at ``started`` (time.monotonic())."""
    run = TrainingRun(config, started, planned_epochs)
    progress = ProgressPlugin(run, on_progress)
    averaging = AveragingPlugin(run)
    ordered: list[TrainerPlugin] = [
        run,
        progress,
        CancelPlugin(should_cancel),
        SafetyLimitPlugin(run, time_limit_seconds),
    ]
    if config.lr_schedule == "linear":
        ordered.append(LinearSchedulePlugin(run))
    ordered.append(averaging)
    return StudioPlugins(run, progress, averaging, ordered)


__all__ = ["StudioPlugins", "studio_plugins"]
