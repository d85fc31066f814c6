"""The training plugins, driven through flair's own event dispatch in the order its training loop fires them.

No model is trained here (that is `test_training.py`, marked slow): a stand-in trainer holds a tiny module and
an optimizer's parameter groups, and the tests fire flair's events at the plugins `train` attaches.
"""

from __future__ import annotations

import dataclasses
import time
from types import SimpleNamespace

import pytest
import torch
from flair.trainers.plugins.base import Pluggable
from flair.trainers.plugins.metric_records import MetricRecord

from modeling.config import CONFIGS
from modeling.ml.callbacks import TrainingCancelled, TrainingTimedOut
from modeling.ml.plugins import StudioPlugins, studio_plugins
from modeling.ml.plugins.schedule import LinearSchedulePlugin

CONFIG = dataclasses.replace(CONFIGS["2026-11-01-fast"], max_epochs=4, learning_rate=0.1)


class StandInTrainer(Pluggable):
    """What the plugins use of flair's ModelTrainer: events, ``model`` and ``optimizer``."""

    def __init__(self, plugins: StudioPlugins) -> None:
        self.model = torch.nn.Linear(2, 2)
        self.model.weight.grad = torch.zeros(2, 2)
        self.optimizer = SimpleNamespace(param_groups=[{"lr": CONFIG.learning_rate}])
        super().__init__(plugins=plugins.ordered)

    def epoch(self, epoch: int, batches: int = 2, losses: tuple[float, ...] = (3.0, 1.0), scores=(0.5, 0.2)):
        """One epoch as flair's loop fires it: batches (with their losses), end of epoch, evaluation."""
        self.dispatch("before_training_epoch", epoch=epoch)
        for batch_no in range(batches):
            batch = {"batch_no": batch_no, "total_number_of_batches": batches, "epoch": epoch}
            self.dispatch("before_training_batch", **batch)
            self.dispatch("metric_recorded", MetricRecord.scalar(("train", "batch_loss"), losses[batch_no], 1))
            self.dispatch("after_training_batch", **batch)
        self.dispatch("after_training_epoch", epoch=epoch)
        self.dispatch("after_evaluation", epoch=epoch, current_model_is_best=True, validation_scores=scores)


def plugins_for(
    config=CONFIG, started: float | None = None, should_cancel=None, limit: float | None = None
) -> tuple[StudioPlugins, list]:
    reports: list[dict] = []
    started = time.monotonic() if started is None else started
    return studio_plugins(config, started, reports.append, should_cancel, limit), reports


def test_each_epoch_is_recorded_and_reported_and_the_end_is_100_percent():
    plugins, reports = plugins_for()
    trainer = StandInTrainer(plugins)
    trainer.epoch(1)
    trainer.epoch(2, scores=(0.75, 0.1))

    run = plugins.run
    assert run.epochs_run == 2 and len(run.epoch_seconds) == 2 and run.stop_reason == "learning_rate"
    assert reports[-1] == {"epoch": 2, "total_epochs": 4, "loss": 2.0, "dev_score": 0.75, "percent": 50.0}
    plugins.progress.report_done()
    assert reports[-1] == {"epoch": 2, "total_epochs": 4, "loss": 2.0, "dev_score": 0.75, "percent": 100.0}


def test_without_a_dev_set_there_is_no_dev_score_and_the_last_epoch_ends_at_max_epochs():
    plugins, reports = plugins_for(dataclasses.replace(CONFIG, max_epochs=1))
    StandInTrainer(plugins).epoch(1, scores=(2.0,))  # flair passes (training loss,) without a dev set
    assert reports[-1]["dev_score"] is None and reports[-1]["percent"] == 99.0
    assert plugins.run.stop_reason == "max_epochs"


def test_cancel_stops_within_a_mini_batch():
    calls = 0

    def should_cancel() -> bool:
        nonlocal calls
        calls += 1
        return calls > 2  # before batch 0, after batch 0, before batch 1

    plugins, _ = plugins_for(should_cancel=should_cancel)
    with pytest.raises(TrainingCancelled, match="cancelled"):
        StandInTrainer(plugins).epoch(1)
    assert calls == 3


def test_an_epoch_is_reported_before_a_cancel_at_its_end():
    plugins, reports = plugins_for(should_cancel=lambda: plugins.run.epochs_run == 1)
    with pytest.raises(TrainingCancelled):
        StandInTrainer(plugins).epoch(1)
    assert reports[-1]["epoch"] == 1 and reports[-1]["loss"] == 2.0


def test_the_safety_limit_fails_the_run_mid_epoch_with_how_far_it_got():
    plugins, _ = plugins_for(started=time.monotonic() - 601, limit=600)
    trainer = StandInTrainer(plugins)
    with pytest.raises(TrainingTimedOut, match="safety limit of 10 minutes after 0 of 4 epochs"):
        trainer.epoch(1)


def test_time_never_shortens_a_run():
    """Hours late, with no safety limit, every epoch still runs and the share done counts epochs only."""
    plugins, reports = plugins_for(started=time.monotonic() - 10 * 3600)
    trainer = StandInTrainer(plugins)
    for epoch in range(1, 5):
        trainer.epoch(epoch)
    assert plugins.run.epochs_run == 4 and plugins.run.stop_reason == "max_epochs"
    assert plugins.run.fraction_done(2) == 0.5
    assert [r["percent"] for r in reports if r.get("epoch") == 2][-1] == 50.0


def test_the_linear_schedule_decays_the_learning_rate_batch_by_batch():
    plugins, _ = plugins_for(dataclasses.replace(CONFIG, lr_schedule="linear"))
    assert any(isinstance(p, LinearSchedulePlugin) for p in plugins.ordered)
    trainer = StandInTrainer(plugins)
    trainer.dispatch("before_training_batch", batch_no=1, total_number_of_batches=2, epoch=2)
    # 1.5 of 4 epochs done: 0.1 * (1 - 0.375)
    assert trainer.optimizer.param_groups[0]["lr"] == pytest.approx(0.0625)


def test_plateau_annealing_is_left_to_flair():
    plugins, _ = plugins_for(dataclasses.replace(CONFIG, lr_schedule="plateau"))
    assert not any(isinstance(p, LinearSchedulePlugin) for p in plugins.ordered)


def test_weights_are_averaged_over_the_epochs_past_average_weights_from():
    plugins, _ = plugins_for(dataclasses.replace(CONFIG, average_weights_from=0.5))
    trainer = StandInTrainer(plugins)
    for epoch in range(1, 5):
        trainer.epoch(epoch)
    assert plugins.averaging.averager.count == 2  # epochs 3 and 4: past half of max_epochs


def test_no_averaging_without_average_weights_from():
    plugins, _ = plugins_for(dataclasses.replace(CONFIG, average_weights_from=None))
    trainer = StandInTrainer(plugins)
    for epoch in range(1, 5):
        trainer.epoch(epoch)
    assert plugins.averaging.averager.count == 0
