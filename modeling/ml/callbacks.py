"""What a caller of `training.train` hands in and gets out besides data: its callbacks and the cancel error.

A module of its own so that `training` and the plugins both import it, and neither imports the other.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

# Called with ``{"epoch", "total_epochs", "loss", "dev_score", "percent"}``; may write to a database.
ProgressCallback = Callable[[dict[str, Any]], None]
# Answers True once the run should stop; polled before and after every mini-batch.
CancelCheck = Callable[[], bool]


class TrainingCancelled(Exception):
    """Raised out of `train` when ``should_cancel`` answered True; no model is left behind."""


class TrainingTimedOut(Exception):
    """Raised out of `train` when a run outlasts the caller's safety limit; no model is left behind.

    Training length is the config's epochs, never the clock: a slow or busy machine makes training slower,
    not shorter. This limit only stops a run that would otherwise hold the worker for hours, and says so.
    """

    def __init__(self, *, limit_seconds: float, epochs_run: int, max_epochs: int) -> None:
        self.limit_seconds = limit_seconds
        self.epochs_run = epochs_run
        self.max_epochs = max_epochs
        minutes = limit_seconds / 60
        super().__init__(
            f"Training stopped at the safety limit of {minutes:.0f} minutes after {epochs_run} of {max_epochs} "
            "epochs, so no model was kept (a shorter run would be a different, weaker model). The machine may be "
            "busy or the project large: train again when the worker is less loaded, or raise "
            "STUDIO_TRAINING_TIME_LIMIT."
        )
