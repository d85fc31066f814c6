"""Cancellation: the caller's check is polled around every mini-batch, so a run stops within one."""

from __future__ import annotations

from typing import Any

from flair.trainers.plugins.base import TrainerPlugin

from modeling.ml.callbacks import CancelCheck, TrainingCancelled


class CancelPlugin(TrainerPlugin):
    """Raises `TrainingCancelled` (out of flair's loop, which only catches its own interrupt) once asked."""

    def __init__(self, should_cancel: CancelCheck | None) -> None:
        super().__init__()
        self.should_cancel = should_cancel

    def check(self) -> None:
        if self.should_cancel is not None and self.should_cancel():
            raise TrainingCancelled("Training was cancelled.")

    @TrainerPlugin.hook
    def before_training_batch(self, **kw: Any) -> None:
        self.check()

    @TrainerPlugin.hook
    def after_training_batch(self, **kw: Any) -> None:
        self.check()

    @TrainerPlugin.hook
    def after_training_epoch(self, **kw: Any) -> None:
        self.check()

    @TrainerPlugin.hook
    def after_evaluation(self, **kw: Any) -> None:
        self.check()
