"""A loop job that is no longer the worker's stops between its units of work (batches, folds), not at its end, and
leaves no working folder: its project was deleted while it ran, or a sweep ended the job, as a training does
(`tests/modeling/services/test_training_ended.py`)."""

from __future__ import annotations

import threading
from types import SimpleNamespace

import pytest

from modeling.ml import cross_validation
from modeling.ml import uncertainty as ml_uncertainty
from modeling.ml.callbacks import TrainingCancelled
from modeling.models import LabelIssue, LoopJob, Suggestion, UncertaintyScore
from modeling.services.loop import jobs
from modeling.services.loop import learning_curve as curve_service
from modeling.services.loop import prelabel as prelabel_service
from modeling.services.loop import suggestions as suggestion_service
from modeling.services.loop import uncertainty as uncertainty_service
from modeling.services.loop.jobs import loop_job_run, loop_job_start
from projects.models import JobStatus
from projects.services.projects import project_delete
from tests.modeling.factories import trained_model_files
from tests.modeling.test_pages import make_model, make_team

SWEEP_ERROR = "The worker running this job stopped before it finished."


def _project_deleted(job: LoopJob, capture) -> None:
    with capture(execute=True):  # the project's files go once its deletion commits, as in a request
        project_delete(project=job.project)


def _failed_by_a_sweep(job: LoopJob, capture) -> None:
    LoopJob.objects.filter(pk=job.pk).update(status=JobStatus.FAILED, message="Failed", error=SWEEP_ERROR)


def _cancelled(job: LoopJob, capture) -> None:
    LoopJob.objects.filter(pk=job.pk).update(status=JobStatus.CANCELLED, message="Cancelled")


ENDS = pytest.mark.parametrize(
    "end", [_project_deleted, _failed_by_a_sweep, _cancelled], ids=["project deleted", "failed by a sweep", "cancelled"]
)


@pytest.fixture
def runs(monkeypatch, settings, tmp_path):
    settings.MODELS_DIR = str(tmp_path)
    monkeypatch.setattr(jobs, "CANCEL_CHECK_SECONDS", 0)
    monkeypatch.setattr(jobs, "_enqueue", lambda job: None)
    return tmp_path


def _left_as_it_was_ended(job: LoopJob, end) -> None:
    current = LoopJob.objects.filter(pk=job.pk).first()
    if end is _project_deleted:
        assert current is None
    elif end is _failed_by_a_sweep:
        assert (current.status, current.error, current.result) == (JobStatus.FAILED, SWEEP_ERROR, {})
    else:
        assert (current.status, current.result) == (JobStatus.CANCELLED, {})


@ENDS
def test_an_uncertainty_job_that_ended_stops_after_its_batch_and_stores_no_scores(
    end, runs, make_user, monkeypatch, django_capture_on_commit_callbacks
):
    team = make_team(make_user, documents=8, labeled=False)
    model = trained_model_files(team.project)
    job = loop_job_start(user=team.owner, project=team.project, kind="uncertainty", trained_model=model)
    monkeypatch.setattr(uncertainty_service, "BATCH_DOCUMENTS", 2)
    monkeypatch.setattr(
        uncertainty_service.serving,
        "loaded",
        lambda *a: SimpleNamespace(lock=threading.Lock(), tagger=None, config=None),
    )
    batches = []

    def score(tagger, texts, config):
        batches.append(len(texts))
        if len(batches) == 1:
            end(job, django_capture_on_commit_callbacks)
        return [{"margin": 0.5, "entropy": 0.5} for _ in texts]

    monkeypatch.setattr(ml_uncertainty, "document_uncertainty", score)
    loop_job_run(job_pk=job.pk)

    assert batches == [2]  # of 4 batches
    assert not UncertaintyScore.objects.exists()
    _left_as_it_was_ended(job, end)
    assert not [path for path in (runs / "loop").rglob("*")]


@ENDS
def test_a_label_errors_check_that_ended_stops_between_folds_and_leaves_no_files(
    end, runs, make_user, monkeypatch, django_capture_on_commit_callbacks
):
    team = make_team(make_user, documents=12)
    job = loop_job_start(user=team.annotator, project=team.project, kind="label-errors", params={"folds": 5})
    stopped_at = []

    def review(config, documents, workdir, *, folds, should_cancel, **_):
        for fold in range(1, folds + 1):
            (workdir / f"fold-{fold}").mkdir(parents=True)
            (workdir / f"fold-{fold}" / "model.pt").write_bytes(b"a fold model")
            if fold == 2:
                end(job, django_capture_on_commit_callbacks)
            if should_cancel():
                stopped_at.append(fold)
                raise TrainingCancelled()
        raise AssertionError("trained every fold")

    monkeypatch.setattr(cross_validation, "out_of_fold_review", review)
    loop_job_run(job_pk=job.pk)

    assert stopped_at == [2]
    assert not LabelIssue.objects.exists()
    _left_as_it_was_ended(job, end)
    assert not [path for path in (runs / "loop").rglob("*")]


@ENDS
def test_a_prelabel_job_that_ended_stops_after_its_batch(
    end, runs, make_user, monkeypatch, django_capture_on_commit_callbacks
):
    team = make_team(make_user, documents=8, labeled=False)
    model = trained_model_files(team.project)
    ids = list(team.project.documents.values_list("pk", flat=True))
    job = loop_job_start(
        user=team.owner, project=team.project, kind="prelabel", params={"documentIds": ids}, trained_model=model
    )
    monkeypatch.setattr(prelabel_service, "BATCH_DOCUMENTS", 2)
    batches = []

    def predict(source, texts):
        batches.append(len(texts))
        if len(batches) == 1:
            end(job, django_capture_on_commit_callbacks)
        return [[(0, 3, "Borrower", 0.9)] for _ in texts]

    monkeypatch.setattr(suggestion_service, "predict", predict)
    loop_job_run(job_pk=job.pk)

    assert batches == [2]  # of 4 batches
    assert Suggestion.objects.count() == (0 if end is _project_deleted else 2)  # the first batch's, kept
    _left_as_it_was_ended(job, end)


@ENDS
def test_a_learning_curve_that_ended_stops_between_its_trainings(
    end, runs, make_user, monkeypatch, django_capture_on_commit_callbacks
):
    team = make_team(make_user, documents=16)
    model = make_model(team.project)
    model.evaluation_options, model.train_documents = {"kind": "manual"}, 12
    model.save()
    job = loop_job_start(user=team.owner, project=team.project, kind="learning-curve", trained_model=model)
    trainings = []

    def train_and_score(*, config, train, test, categories, workdir, on_progress, should_cancel):
        workdir.mkdir(parents=True)
        (workdir / "model.pt").write_bytes(b"a model in training")
        trainings.append(len(train))
        end(job, django_capture_on_commit_callbacks)
        return {"microF1": 0.5, "microPrecision": 0.5, "microRecall": 0.5}

    monkeypatch.setattr(curve_service, "train_and_score", train_and_score)
    loop_job_run(job_pk=job.pk)

    assert trainings == [3]  # 25 % of 12; not the 50 % and 75 % ones
    _left_as_it_was_ended(job, end)
    assert not [path for path in (runs / "loop").rglob("*")]
