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
