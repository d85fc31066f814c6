"""One train/test split: the distribution page's preview is exactly what a `percentage` training job trains and
tests on (the worker's own split, and the documents it hands to the ML core)."""

from __future__ import annotations

import re

import pytest
from django.test import Client

from annotation.formats import DocumentData
from annotation.services.entity_types import entity_type_create
from annotation.services.imports import documents_import, project_data
from annotation.services.splits import split_assignments, split_preview
from annotation.spans import Span
from modeling.models import TrainingJob
from modeling.services.training.options import EvaluationOptions
from modeling.services.training.split import job_split
from modeling.services.training.start import training_job_start
from modeling.services.training.worker import training_job_run
from projects.models import JobStatus
from projects.services.projects import project_create

TEXT = "Ana Lopez borrowed $5,000 from Acme Bank."
BORROWER, AMOUNT, LENDER = Span(0, 9, "Borrower"), Span(19, 25, "Amount"), Span(31, 40, "Lender")


def labels_of(i: int) -> list[Span]:
    """Every document has a Borrower, some an Amount, a few the rare Lender; every seventh has no labels."""
    if i % 7 == 6:
        return []
    return [BORROWER] + ([AMOUNT] if i % 3 == 0 else []) + ([LENDER] if i % 8 == 0 else [])


@pytest.fixture
def owner(make_user):
    return make_user("owner")


def make_project(owner, datasets: list[str]):
    project = project_create(user=owner, name="loans")
    for name in ("Borrower", "Amount", "Lender"):
        entity_type_create(project=project, user=owner, name=name)
    documents = [
        DocumentData(f"loan-{i:03d}.txt", TEXT, dataset=dataset, labels=labels_of(i))
        for i, dataset in enumerate(datasets)
    ]
    documents_import(user=owner, project=project, documents=documents)
    return project


def start_percentage_job(owner, project, training_percent: int = 80) -> TrainingJob:
    return training_job_start(
        user=owner,
        project=project,
        model_label="m1",
        config_version=None,
        evaluation=EvaluationOptions(kind="percentage", training_percent=training_percent),
    )


def locations(project, pks) -> set[str]:
    return set(project.documents.filter(pk__in=pks).values_list("location", flat=True))


def test_the_preview_of_unassigned_documents_is_the_split_a_percentage_job_trains_on(owner):
    project = make_project(owner, [""] * 45)
    preview = split_preview(project=project, test_percent=20, seed=42, scope="unassigned")
    previewed_test = locations(project, [pk for pk, dataset in preview.assignments.items() if dataset == "Test"])
    assert len(previewed_test) == 9

    job = start_percentage_job(owner, project)
    assert job.split_seed == 42
    split, warnings = job_split(job, project_data(project=project))

    assert {d.location for d in split.test} == previewed_test
    assert {d.location for d in split.train} == locations(project, preview.assignments) - previewed_test
    assert warnings == []


def test_a_percentage_job_splits_train_and_unassigned_documents_and_leaves_test_ones_out(owner):
    datasets = ["Train" if i % 3 == 0 else "Test" if i % 10 == 1 else "" for i in range(40)]
    project = make_project(owner, datasets)
    expected = split_assignments(project=project, test_percent=25, seed=42, datasets=("Train", ""))

    job = start_percentage_job(owner, project, training_percent=75)
    split, warnings = job_split(job, project_data(project=project))

    assert {d.location for d in split.test} == locations(project, [pk for pk, ds in expected.items() if ds == "Test"])
    assert len(split.train) + len(split.test) == datasets.count("Train") + datasets.count("")
    assert {d.location for d in split.ignored} == {f"loan-{i:03d}.txt" for i in (1, 11, 31)}
    assert warnings == [
        {
            "code": "DocumentsIgnored",
            "message": "3 documents assigned to Test were left out of the percentage split.",
        }
    ]


def test_the_worker_trains_on_the_previewed_train_documents(owner, monkeypatch, settings, tmp_path):
    """Through `training_job_run`: the ML core receives exactly the documents the preview put in Train."""
    from modeling.ml import training as ml_training

    settings.MODELS_DIR = str(tmp_path)
    project = make_project(owner, [""] * 30)
    preview = split_preview(project=project, test_percent=20, seed=42, scope="unassigned")
    previewed_train = locations(project, [pk for pk, dataset in preview.assignments.items() if dataset == "Train"])
    job = start_percentage_job(owner, project)
    received = []

    def fake_train(config, train, dev, workdir, **callbacks):
        received.extend(train)
        raise ValueError("stopped by the test")

    monkeypatch.setattr(ml_training, "train", fake_train)
    training_job_run(job_pk=job.pk)

    assert {d.doc_id for d in received} == previewed_train and len(received) == 24
    job.refresh_from_db()
    assert job.status == JobStatus.FAILED and job.errors[-1]["message"] == "stopped by the test"


def test_the_train_page_links_to_the_preview_of_the_split_it_trains_on(owner):
    project = make_project(owner, [""] * 20)
    client = Client()
    client.force_login(owner)
    page = client.get("/projects/loans/train/").content.decode()
    assert "The 20 Train and unassigned documents are split at random with seed 42" in page
    link = re.search(r'<a href="([^"]+)" data-split-preview>', page).group(1).replace("&amp;", "&")
    assert link == "/projects/loans/distribution/?test_percent=20&seed=42&scope=unassigned&stratify=on#split"
    preview = client.get(link).context["preview"]
    job = start_percentage_job(owner, project)
    split, _ = job_split(job, project_data(project=project))
    assert {d.location for d in split.test} == locations(
        project, [pk for pk, dataset in preview.assignments.items() if dataset == "Test"]
    )
    # With documents already in Train, the page's "unassigned" preview is not the pool: no link then.
    project.documents.filter(location="loan-000.txt").update(dataset="Train")
    assert "data-split-preview" not in client.get("/projects/loans/train/").content.decode()


def test_the_worker_records_a_model_of_the_split_it_trained_and_tested_on(owner, monkeypatch, settings, tmp_path):
    """The whole worker path with the ML core stubbed: the model records the previewed split's sizes."""
    from types import SimpleNamespace

    from modeling.ml import training as ml_training
    from modeling.models import TrainedModel
    from modeling.services import evaluation

    settings.MODELS_DIR = str(tmp_path)
    project = make_project(owner, [""] * 30)
    preview = split_preview(project=project, test_percent=20, seed=42, scope="unassigned")
    previewed_test = locations(project, [pk for pk, dataset in preview.assignments.items() if dataset == "Test"])
    job = start_percentage_job(owner, project)
    tested = []

    def fake_train(config, train, dev, workdir, on_progress, should_cancel, **kwargs):
        on_progress({"percent": 50, "epoch": 1, "total_epochs": 2, "loss": 1.5})
        return SimpleNamespace(
            model_path=workdir / "model.pt", warnings=[], config={}, seconds=1.0, epochs_run=2, epochs_planned=2,
            stop_reason="max_epochs", averaged_epochs=0,
        )  # fmt: skip

    def fake_evaluate(*, test, on_progress, **kwargs):
        tested.extend(d.location for d in test)
        on_progress(100)
        return {"microF1": 1.0}, []

    monkeypatch.setattr(ml_training, "train", fake_train)
    monkeypatch.setattr(evaluation, "evaluate_model", fake_evaluate)
    training_job_run(job_pk=job.pk)

    job.refresh_from_db()
    assert job.status == JobStatus.SUCCEEDED, job.errors
    assert set(tested) == previewed_test
    model = TrainedModel.objects.get(label="m1")
    assert (model.train_documents, model.test_documents) == (24, 6)
    assert model.evaluation_options == job.evaluation_options == EvaluationOptions().as_stored()
    assert (tmp_path / model.path / "snapshot.json").exists()
    assert job.progress["curve"] == [{"epoch": 1, "loss": 1.5, "dev_score": None}]


def start_manual_job(owner, project) -> TrainingJob:
    return training_job_start(
        user=owner, project=project, model_label="m1", config_version=None, evaluation=EvaluationOptions(kind="manual")
    )


def test_a_manual_split_trains_on_train_tests_on_test_and_leaves_unassigned_documents_out(owner):
    """The distribution page says unassigned documents are left out of a manual split; the job does so."""
    project = make_project(owner, ["Train"] * 12 + [""] * 3 + ["Test"] * 2)
    job = start_manual_job(owner, project)
    split, warnings = job_split(job, project_data(project=project))
    assert [d.location for d in split.train] == [f"loan-{i:03d}.txt" for i in range(12)]
    assert [d.location for d in split.test] == ["loan-015.txt", "loan-016.txt"]
    assert [d.location for d in split.ignored] == ["loan-012.txt", "loan-013.txt", "loan-014.txt"]
    assert warnings == [
        {
            "code": "DocumentsIgnored",
            "message": "3 unassigned documents were not used (a manual split trains on Train and tests on Test).",
        }
    ]


def test_a_manual_split_without_train_documents_says_what_to_do(owner):
    from studio.exceptions import InvalidInput

    project = make_project(owner, [""] * 12 + ["Test"] * 2)
    with pytest.raises(InvalidInput, match="A manual split trains on Train documents and there are none"):
        start_manual_job(owner, project)
    # Documents moved out of Train after the job was queued: the worker says the same.
    make_project_train = project.documents.filter(location__in=["loan-000.txt"])
    make_project_train.update(dataset="Train")
    job = start_manual_job(owner, project)
    make_project_train.update(dataset="")
    with pytest.raises(InvalidInput, match="A manual split trains on Train documents and there are none"):
        job_split(job, project_data(project=project))
