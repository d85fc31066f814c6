"""A project that requires review trains only on reviewed documents: the job's split leaves the others out (with
a warning), the start check counts only reviewed labeled documents, and the estimate counts only those."""

from __future__ import annotations

import pytest

from annotation.formats import DocumentData
from annotation.models import ReviewStatus
from annotation.services.entity_types import entity_type_create
from annotation.services.imports import documents_import, project_data
from annotation.services.reviews import project_set_require_review
from annotation.spans import Span
from modeling.services.training.estimate import document_counts
from modeling.services.training.options import EvaluationOptions
from modeling.services.training.split import job_split
from modeling.services.training.start import training_job_start
from projects.services.projects import project_create
from studio.exceptions import InvalidInput

TEXT = "Ana Lopez borrowed $5,000."


@pytest.fixture
def project(owner):
    project = project_create(user=owner, name="loans")
    entity_type_create(project=project, user=owner, name="Borrower")
    documents_import(
        user=owner,
        project=project,
        documents=[
            DocumentData(
                f"d{i:02d}.txt", TEXT, dataset="Test" if i % 4 == 0 else "Train", labels=[Span(0, 9, "Borrower")]
            )
            for i in range(16)
        ],
    )
    return project


def start(owner, project, kind="manual"):
    return training_job_start(
        user=owner, project=project, model_label="m1", config_version=None, evaluation=EvaluationOptions(kind=kind)
    )


def test_only_reviewed_documents_train_and_test_when_review_is_required(owner, project):
    reviewed = [f"d{i:02d}.txt" for i in range(16) if i % 4 != 3]  # 12: d03, d07, d11 and d15 are not
    project.documents.filter(location__in=reviewed).update(review_status=ReviewStatus.REVIEWED)
    project.documents.filter(location="d03.txt").update(review_status=ReviewStatus.NEEDS_CHANGES)
    project_set_require_review(project=project, user=owner, required=True)
    job = start(owner, project)
    split, warnings = job_split(job, project_data(project=project))
    assert sorted(d.location for d in split.train + split.test) == reviewed
    assert sorted(d.location for d in split.test) == ["d00.txt", "d04.txt", "d08.txt", "d12.txt"]
    assert any(
        w["code"] == "UnreviewedDocumentsLeftOut" and "4 documents not reviewed" in w["message"] for w in warnings
    )
    counts = document_counts(project=project)
    assert (counts.train_documents, counts.test_documents) == (8, 4)


def test_without_the_requirement_every_document_trains(owner, project):
    job = start(owner, project)
    split, warnings = job_split(job, project_data(project=project))
    assert len(split.train) + len(split.test) == 16
    assert not any(w["code"] == "UnreviewedDocumentsLeftOut" for w in warnings)
    assert document_counts(project=project).train_documents == 12


def test_starting_says_why_when_nothing_is_reviewed(owner, project):
    project_set_require_review(project=project, user=owner, required=True)
    with pytest.raises(InvalidInput, match="trains only on reviewed documents and no reviewed document has labels"):
        start(owner, project)
    project.documents.filter(location="d01.txt").update(review_status=ReviewStatus.REVIEWED)
    with pytest.raises(InvalidInput, match=r"at least \d+ labeled documents; the project has 1 reviewed"):
        start(owner, project)


def test_the_train_page_says_that_only_reviewed_documents_train(owner, project, client):
    client.force_login(owner)
    assert "review-required-note" not in client.get(f"/projects/{project.name}/train/").content.decode()
    project_set_require_review(project=project, user=owner, required=True)
    assert "trains only on reviewed documents" in client.get(f"/projects/{project.name}/train/").content.decode()
