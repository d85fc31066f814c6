"""The safety limit: the worker gives the ML core the configured limit, and a run past it fails the job with
how many of its epochs ran (training is never cut short into a weaker model)."""

from __future__ import annotations

from modeling.ml.callbacks import TrainingTimedOut
from modeling.services.training.worker import training_job_run
from projects.models import JobStatus
from tests.modeling.services.test_training_split import make_project, start_percentage_job


def test_a_run_past_the_safety_limit_fails_the_job_and_says_why(make_user, monkeypatch, settings, tmp_path):
    from modeling.ml import training as ml_training

    settings.MODELS_DIR = str(tmp_path)
    settings.STUDIO_TRAINING_TIME_LIMIT = 1234
    owner = make_user("owner")
    job = start_percentage_job(owner, make_project(owner, [""] * 30))
    limits = []

    def fake_train(config, train, dev, workdir, *, time_limit_seconds, **callbacks):
        limits.append(time_limit_seconds)
        raise TrainingTimedOut(limit_seconds=time_limit_seconds, epochs_run=3, max_epochs=config.max_epochs)

    monkeypatch.setattr(ml_training, "train", fake_train)
    training_job_run(job_pk=job.pk)

    job.refresh_from_db()
    assert limits == [1234]
    assert job.status == JobStatus.FAILED and job.training_status == JobStatus.FAILED
    message = job.errors[-1]["message"]
    assert "safety limit of 21 minutes after 3 of" in message and "STUDIO_TRAINING_TIME_LIMIT" in message
    assert not list(tmp_path.rglob("*.json"))  # the run's folder (snapshot included) is gone
    assert not job.project.trained_models.exists()
