"""A training whose job is no longer the worker's stops at its next check, not at its end, and leaves no files:
its project was deleted while it trained, or a sweep ended the job (its heartbeat lapsed while it ran on)."""

from __future__ import annotations

import pytest

from modeling.ml.callbacks import TrainingCancelled
from modeling.models import TrainedModel, TrainingJob
from modeling.services.training import progress as training_progress
from modeling.services.training.worker import training_job_run
from projects.models import JobStatus
from projects.services.projects import project_delete
from tests.modeling.services.test_training_split import make_project, start_percentage_job

STEPS = 1000  # mini-batches the stand-in training would run to its end


def _project_deleted(job: TrainingJob, capture) -> None:
    with capture(execute=True):  # the project's files go once its deletion commits, as in a request
        project_delete(project=job.project)


def _failed_by_a_sweep(job: TrainingJob, capture) -> None:
    TrainingJob.objects.filter(pk=job.pk).update(status=JobStatus.FAILED, training_status=JobStatus.FAILED)


@pytest.mark.parametrize("end", [_project_deleted, _failed_by_a_sweep], ids=["project deleted", "failed by a sweep"])
def test_a_training_whose_job_ended_stops_early_and_leaves_no_files(
    end, make_user, monkeypatch, settings, tmp_path, django_capture_on_commit_callbacks
):
    from modeling.ml import training as ml_training

    settings.MODELS_DIR = str(tmp_path)
    monkeypatch.setattr(training_progress, "CANCEL_CHECK_SECONDS", 0)
    owner = make_user("owner")
    job = start_percentage_job(owner, make_project(owner, [""] * 30))
    stopped_at = []

    def fake_train(config, train, dev, workdir, *, on_progress, should_cancel, time_limit_seconds):
        (workdir / "best-model.pt").write_bytes(b"a model in training")
        for step in range(1, STEPS + 1):
            if step == 3:
                end(job, django_capture_on_commit_callbacks)
            on_progress({"percent": 100 * step / STEPS, "epoch": 1, "total_epochs": 1})
            if should_cancel():
                stopped_at.append(step)
                raise TrainingCancelled()
        raise AssertionError("trained to the end")

    monkeypatch.setattr(ml_training, "train", fake_train)
    training_job_run(job_pk=job.pk)

    assert stopped_at == [3]
    assert not TrainedModel.objects.exists()
    assert not [path for path in tmp_path.rglob("*")]  # neither the run's folder nor its project's
    current = TrainingJob.objects.filter(pk=job.pk).first()
    assert current is None or (current.status, current.errors) == (JobStatus.FAILED, [])  # as the sweep left it
