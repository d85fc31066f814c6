"""Retraining a label never breaks a deployment: the label gets the new model, a deployment keeps serving the model
it was given (files included) until no deployment serves it any more, and model files only go after the
database change that stops using them commits. Failed, cancelled and orphaned runs leave no files behind."""

from __future__ import annotations

from pathlib import Path
from types import SimpleNamespace

import pytest
from django.conf import settings

from modeling import selectors
from modeling.models import Deployment, TrainedModel
from modeling.services.deployments import deployment_delete, deployment_deploy, deployments_swap
from modeling.services.training.worker import training_job_run
from projects.models import JobStatus
from tests.modeling.factories import trained_model_files
from tests.modeling.services.test_training_split import make_project, start_percentage_job


@pytest.fixture
def models_dir(settings, tmp_path):
    settings.MODELS_DIR = str(tmp_path)
    settings.STUDIO_PRELOAD_MODELS = False
    return tmp_path


@pytest.fixture
def fake_ml(monkeypatch):
    """The worker's ML core stubbed: `train` writes a model file into its run folder; `fail_with` makes it raise."""
    from modeling.ml import training as ml_training
    from modeling.services import evaluation

    behaviour = SimpleNamespace(fail_with=None, during=None)

    def fake_train(config, train, dev, workdir, on_progress, should_cancel, **kwargs):
        (workdir / "model.pt").write_bytes(b"new")
        if behaviour.during:
            behaviour.during()
        if behaviour.fail_with:
            raise behaviour.fail_with
        return SimpleNamespace(
            model_path=workdir / "model.pt", warnings=[], config={}, seconds=1.0, epochs_run=1, epochs_planned=1,
            stop_reason="max_epochs", averaged_epochs=0,
        )  # fmt: skip

    monkeypatch.setattr(ml_training, "train", fake_train)
    monkeypatch.setattr(evaluation, "evaluate_model", lambda **kwargs: ({}, []))
    return behaviour


def folder_of(model: TrainedModel) -> Path:
    return Path(settings.MODELS_DIR) / model.path


def test_retraining_a_deployed_label_keeps_the_deployment_serving_its_model(
    owner, models_dir, fake_ml, django_capture_on_commit_callbacks
):
    project = make_project(owner, [""] * 30)
    old = trained_model_files(project, "m1", deployment="prod")
    job = start_percentage_job(owner, project)

    with django_capture_on_commit_callbacks(execute=True):
        training_job_run(job_pk=job.pk)

    job.refresh_from_db()
    assert job.status == JobStatus.SUCCEEDED, job.errors
    new = selectors.trained_model_get(project=project, label="m1")
    assert new.pk != old.pk and (folder_of(new) / "model.pt").read_bytes() == b"new"
    # The deployment serves what it was given, and its files are all there.
    prod = Deployment.objects.get(project=project, name="prod")
    assert prod.trained_model_id == old.pk
    assert (folder_of(old) / "model.pt").read_bytes() == b"stand-in"
    old.refresh_from_db()
    assert old.replaced_at is not None
    assert [m.pk for m in selectors.trained_model_list(project=project)] == [new.pk]

    # Redeploying the label serves the new model; the replaced one goes, files after the commit.
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        deployment_deploy(user=owner, project=project, name="prod", model_label="m1")
        assert folder_of(old).exists()
    for callback in callbacks:
        callback()
    assert not TrainedModel.objects.filter(pk=old.pk).exists()
    assert not folder_of(old).exists() and folder_of(new).exists()
    assert Deployment.objects.get(project=project, name="prod").trained_model_id == new.pk


def test_the_deployments_page_says_a_deployment_serves_an_earlier_training(owner, models_dir, fake_ml):
    from django.test import Client
    from django.urls import reverse

    project = make_project(owner, [""] * 30)
    trained_model_files(project, "m1", deployment="prod")
    training_job_run(job_pk=start_percentage_job(owner, project).pk)
    client = Client()
    client.force_login(owner)

    response = client.get(reverse("deployment-list", args=["loans"]))
    assert "earlier training: redeploy m1 to serve the latest" in response.content.decode()
    assert response.context["deployed_models"] == {"prod": "m1 (earlier training)"}


def test_retraining_an_undeployed_label_removes_the_old_files_only_after_commit(
    owner, models_dir, fake_ml, django_capture_on_commit_callbacks
):
    project = make_project(owner, [""] * 30)
    old = trained_model_files(project, "m1")
    job = start_percentage_job(owner, project)

    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        training_job_run(job_pk=job.pk)
        assert (folder_of(old) / "model.pt").exists(), "files went before the commit"
    for callback in callbacks:
        callback()

    assert not TrainedModel.objects.filter(pk=old.pk).exists() and not folder_of(old).exists()
    assert folder_of(selectors.trained_model_get(project=project, label="m1")).exists()


def test_a_replaced_model_goes_when_its_last_deployment_does(owner, models_dir, fake_ml):
    project = make_project(owner, [""] * 30)
    old = trained_model_files(project, "m1", deployment="prod")
    Deployment.objects.create(project=project, name="staging", trained_model=old, deployed_at=old.trained_at)
    other = trained_model_files(project, "m2", deployment="other")
    training_job_run(job_pk=start_percentage_job(owner, project).pk)

    # A swap moves the replaced model to another name: still served, still there.
    deployments_swap(user=owner, project=project, first="prod", second="other")
    deployment_delete(user=owner, project=project, name="staging")
    assert TrainedModel.objects.filter(pk=old.pk).exists()
    deployment_delete(user=owner, project=project, name="other")
    assert not TrainedModel.objects.filter(pk=old.pk).exists()
    assert TrainedModel.objects.filter(pk=other.pk).exists()


def test_a_replaced_model_does_not_count_against_the_model_limit(owner, models_dir, fake_ml):
    from modeling.services.training.options import EvaluationOptions
    from modeling.services.training.start import training_job_start
    from studio import limits

    project = make_project(owner, [""] * 30)
    trained_model_files(project, "m1", deployment="prod")
    training_job_run(job_pk=start_percentage_job(owner, project).pk)
    for i in range(2, limits.MODELS_MAX):
        trained_model_files(project, f"m{i}")
    assert project.trained_models.count() == limits.MODELS_MAX  # one of them the replaced m1

    job = training_job_start(
        user=owner, project=project, model_label="new", config_version=None, evaluation=EvaluationOptions()
    )
    assert job.model_label == "new"


@pytest.mark.parametrize(
    "failure, status",
    [(ValueError("stopped by the test"), JobStatus.FAILED), ("cancel", JobStatus.CANCELLED)],
)
def test_failed_and_cancelled_runs_leave_no_files(owner, models_dir, fake_ml, failure, status):
    from modeling.ml import training as ml_training

    project = make_project(owner, [""] * 30)
    fake_ml.fail_with = ml_training.TrainingCancelled() if failure == "cancel" else failure
    job = start_percentage_job(owner, project)
    training_job_run(job_pk=job.pk)

    job.refresh_from_db()
    assert job.status == status
    assert not list(models_dir.iterdir()), "the run's folder (or an empty project folder) was left behind"


def test_a_project_deleted_while_it_trains_leaves_no_files(owner, models_dir, fake_ml):
    from projects.services.projects import project_delete

    project = make_project(owner, [""] * 30)
    job = start_percentage_job(owner, project)
    fake_ml.during = lambda: project_delete(project=project)

    training_job_run(job_pk=job.pk)  # no error: the job went with its project

    assert not TrainedModel.objects.exists()
    assert not list(models_dir.iterdir())


def test_the_sweep_removes_the_files_of_a_job_whose_worker_died(owner, models_dir, django_capture_on_commit_callbacks):
    from datetime import timedelta

    from django.utils import timezone

    from modeling.models import TrainingJob
    from modeling.services.training.state import job_claim, run_directory
    from modeling.services.training.sweeps import training_jobs_fail_stale

    project = make_project(owner, [""] * 30)
    job = job_claim(start_percentage_job(owner, project).pk)
    run_directory(job).mkdir(parents=True)
    (run_directory(job) / "snapshot.json").write_text("{}")
    TrainingJob.objects.filter(pk=job.pk).update(heartbeat_at=timezone.now() - timedelta(hours=1))

    with django_capture_on_commit_callbacks(execute=True):
        assert training_jobs_fail_stale() == 1

    assert not list(models_dir.iterdir())


def test_a_worker_whose_job_was_swept_records_no_model(owner, models_dir, fake_ml):
    from modeling.models import TrainingJob

    project = make_project(owner, [""] * 30)
    job = start_percentage_job(owner, project)
    fake_ml.during = lambda: TrainingJob.objects.filter(pk=job.pk).update(status=JobStatus.FAILED)

    training_job_run(job_pk=job.pk)

    job.refresh_from_db()
    assert job.status == JobStatus.FAILED and not TrainedModel.objects.exists()
    assert not list(models_dir.iterdir())
