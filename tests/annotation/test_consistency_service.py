"""Label all occurrences of a string and undo it: the overlap rule, the preview's fingerprint, the batch record,
activity, permissions, and an undo that removes exactly the labels still as created."""

from __future__ import annotations

import pytest

from annotation import selectors
from annotation.formats import DocumentData
from annotation.models import Label, LabelBatch
from annotation.services.consistency import label_batch_create, label_batch_undo
from annotation.services.entity_types import entity_type_create
from annotation.services.imports import documents_import
from annotation.services.labels import label_create, label_delete, label_update
from annotation.services.sample import sample_project_create
from annotation.spans import Span
from projects.models import Activity, Role
from projects.services.projects import membership_set, project_create
from studio.exceptions import Conflict, InvalidInput, PermissionDenied


@pytest.fixture
def project(owner):
    project = project_create(user=owner, name="loans")
    entity_type_create(project=project, user=owner, name="Lender", shortcut="l")
    entity_type_create(project=project, user=owner, name="Borrower", shortcut="b")
    documents_import(
        user=owner,
        project=project,
        documents=[
            DocumentData("01.txt", "Acme Bank lent it.", labels=[Span(0, 9, "Lender")]),
            DocumentData("02.txt", "Acme Bank approved; Acme Bank wrote."),
            DocumentData("03.txt", "Ask Acme Bank, not ACME BANK."),
            DocumentData("04.txt", "Acme Bank borrowed.", labels=[Span(0, 9, "Borrower")]),
            DocumentData("05.txt", "Nothing here."),
        ],
    )
    return project


def lender(project) -> int:
    return project.entity_types.get(name="Lender").pk


def apply(project, user, surface="Acme Bank", *, case_sensitive=True, fingerprint=None):
    entity_type = project.entity_types.get(name="Lender")
    if fingerprint is None:
        fingerprint = selectors.label_all_preview(
            project=project, surface=surface, entity_type=entity_type, case_sensitive=case_sensitive
        ).fingerprint
    return label_batch_create(
        project=project,
        user=user,
        surface=surface,
        entity_type_id=entity_type.pk,
        case_sensitive=case_sensitive,
        fingerprint=fingerprint,
    )


def lender_labels(project) -> list[tuple[str, int, int]]:
    rows = Label.objects.filter(document__project=project, entity_type__name="Lender")
    return sorted(rows.values_list("document__location", "start", "end"))


def test_findings_of_the_project(project):
    [finding] = selectors.consistency_findings(project=project)
    assert finding.surface == "Acme Bank"
    assert [(t.category, t.count) for t in finding.types] == [("Borrower", 1), ("Lender", 1)]
    assert (finding.unlabeled, finding.unlabeled_documents) == (3, 2)
    [finding] = selectors.consistency_findings(project=project, case_sensitive=False)
    assert (finding.unlabeled, finding.unlabeled_documents) == (4, 2)


def test_preview_counts_and_skips(project):
    plan = selectors.label_all_preview(
        project=project, surface="Acme Bank", entity_type=project.entity_types.get(name="Lender")
    )
    assert (len(plan.create), plan.already, len(plan.skipped), plan.documents) == (3, 1, 1, 2)
    assert plan.skipped[0].occurrence.location == "04.txt"
    assert "overlaps the Borrower label 'Acme Bank'" in plan.skipped[0].reason


def test_label_all_creates_records_and_reports(owner, project):
    batch = apply(project, owner)
    assert lender_labels(project) == [("01.txt", 0, 9), ("02.txt", 0, 9), ("02.txt", 20, 29), ("03.txt", 4, 13)]
    assert (len(batch.labels), batch.documents, batch.skipped_count, batch.type_name) == (3, 2, 1, "Lender")
    assert batch.skipped[0][1] == "04.txt" and "cannot overlap" in batch.skipped[0][4]
    created = Label.objects.filter(pk__in=[row[0] for row in batch.labels])
    assert all(label.created_by == owner and label.updated_by == owner for label in created)
    assert Activity.objects.filter(project=project, verb="labeled").latest("id").summary == (
        "labeled all 3 unlabeled occurrences of 'Acme Bank' as Lender in 2 documents; skipped 1 overlapping a label"
    )
    # The check now finds only the other-type label.
    [finding] = selectors.consistency_findings(project=project)
    assert (finding.unlabeled, finding.other_type) == (0, 1)


def test_label_all_ignoring_case(owner, project):
    batch = apply(project, owner, case_sensitive=False)
    assert len(batch.labels) == 4 and ("03.txt", 19, 28) in lender_labels(project)


def test_a_change_since_the_preview_refuses_and_creates_nothing(owner, project):
    stale = selectors.label_all_preview(
        project=project, surface="Acme Bank", entity_type=project.entity_types.get(name="Lender")
    ).fingerprint
    document = project.documents.get(location="02.txt")
    label_create(document=document, user=owner, entity_type_id=lender(project), start=0, end=9)
    with pytest.raises(Conflict, match="changed since the preview .* Preview again"):
        apply(project, owner, fingerprint=stale)
    assert len(lender_labels(project)) == 2
    assert not LabelBatch.objects.exists()


def test_nothing_left_to_label_is_refused(owner, project):
    apply(project, owner)
    with pytest.raises(
        InvalidInput, match="No occurrence of 'Acme Bank' is left to label: each is labeled Lender already, overlaps"
    ):
        apply(project, owner)


def test_unknown_type_is_refused(owner, project):
    with pytest.raises(InvalidInput, match="Entity type 999 is not in project 'loans'"):
        label_batch_create(project=project, user=owner, surface="Acme Bank", entity_type_id=999, fingerprint="x")


def test_viewers_cannot_label_all_or_undo(owner, project, make_user):
    viewer = make_user("vera")
    membership_set(project=project, user=owner, username="vera", role=Role.VIEWER)
    with pytest.raises(PermissionDenied, match=r"Your role \(viewer\) does not allow you to label documents"):
        apply(project, viewer)
    batch = apply(project, owner)
    with pytest.raises(PermissionDenied):
        label_batch_undo(project=project, user=viewer, batch_id=batch.pk)
    annotator = make_user("ann")
    membership_set(project=project, user=owner, username="ann", role=Role.ANNOTATOR)
    assert label_batch_undo(project=project, user=annotator, batch_id=batch.pk).removed == 3


def test_undo_removes_exactly_the_batch_labels_still_as_created(owner, project):
    before = lender_labels(project)
    batch = apply(project, owner)
    ids = {row[1]: row[0] for row in batch.labels}  # document id -> a label of the batch
    doc2 = project.documents.get(location="02.txt")
    doc3 = project.documents.get(location="03.txt")
    changed = next(row[0] for row in batch.labels if row[1] == doc2.pk)
    label_update(
        document=doc2, user=owner, label_id=changed, entity_type_id=project.entity_types.get(name="Borrower").pk
    )
    label_delete(document=doc3, user=owner, label_id=ids[doc3.pk])
    other = label_create(document=doc3, user=owner, entity_type_id=lender(project), start=19, end=28)  # not the batch's

    result = label_batch_undo(project=project, user=owner, batch_id=batch.pk)

    assert (result.removed, result.changed, result.gone) == (1, 1, 1)
    assert result.message == (
        "Removed 1 label. 1 label was changed since and kept (undo them in the labeling view). 1 was already removed."
    )
    assert lender_labels(project) == sorted([*before, ("03.txt", other.start, other.end)])
    assert Label.objects.filter(pk=changed, entity_type__name="Borrower").exists()
    batch.refresh_from_db()
    assert batch.undone_at is not None and batch.undone_by == owner
    assert Activity.objects.filter(project=project).latest("id").summary == (
        "undid labeling 'Acme Bank' as Lender: removed 1 label; kept 1 changed since"
    )
    with pytest.raises(Conflict, match="was already undone"):
        label_batch_undo(project=project, user=owner, batch_id=batch.pk)


def test_the_sample_project_has_an_inconsistency_to_fix(make_user):
    user = make_user("newcomer")
    project = sample_project_create(user=user)
    findings = selectors.consistency_findings(project=project)
    assert [(f.surface, f.type, f.labeled, f.unlabeled, f.unlabeled_documents) for f in findings] == [
        ("Oakwood Community Bank", "LenderName", 1, 2, 2)
    ]
    assert [e.location for e in findings[0].examples] == ["practice-01.txt", "practice-02.txt", "loan-008.txt"]
    project_labels = Label.objects.filter(document__project=project).count()
    batch = apply_sample(project, user)
    assert Label.objects.filter(document__project=project).count() == project_labels + 2
    assert selectors.consistency_findings(project=project) == []
    label_batch_undo(project=project, user=user, batch_id=batch.pk)
    assert Label.objects.filter(document__project=project).count() == project_labels


def apply_sample(project, user):
    entity_type = project.entity_types.get(name="LenderName")
    plan = selectors.label_all_preview(project=project, surface="Oakwood Community Bank", entity_type=entity_type)
    assert (len(plan.create), plan.already, plan.skipped) == (2, 1, [])
    return label_batch_create(
        project=project,
        user=user,
        surface="Oakwood Community Bank",
        entity_type_id=entity_type.pk,
        fingerprint=plan.fingerprint,
    )
