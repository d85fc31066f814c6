"""Label edits one at a time: limits, the overlap rule, who did it, and refusals with clear messages."""

import pytest

from annotation.formats import DocumentData
from annotation.models import Label
from annotation.services.entity_types import entity_type_create
from annotation.services.imports import documents_import
from annotation.services.labels import label_create, label_delete, label_update
from projects.models import Role
from projects.services.projects import membership_set, project_create
from studio.exceptions import InvalidInput, NotFound, PermissionDenied

TEXT = "Loan to John Smith for $5,000."


@pytest.fixture
def project(owner):
    project = project_create(user=owner, name="loans")
    entity_type_create(project=project, user=owner, name="Borrower", shortcut="b")
    entity_type_create(project=project, user=owner, name="Amount", shortcut="a")
    documents_import(user=owner, project=project, documents=[DocumentData("01.txt", TEXT), DocumentData("02.txt", "x")])
    return project


@pytest.fixture
def document(project):
    return project.documents.get(location="01.txt")


def type_id(project, name):
    return project.entity_types.get(name=name).pk


def test_create_records_the_label_and_who_made_it(owner, project, document):
    label = label_create(document=document, user=owner, entity_type_id=type_id(project, "Borrower"), start=8, end=18)
    assert (label.start, label.end, label.entity_type.name) == (8, 18, "Borrower")
    assert label.created_by == owner and label.updated_by == owner
    assert TEXT[label.start : label.end] == "John Smith"


def test_overlap_is_refused_with_409_naming_both_spans(owner, project, document):
    label_create(document=document, user=owner, entity_type_id=type_id(project, "Borrower"), start=8, end=18)
    with pytest.raises(InvalidInput) as refused:
        label_create(document=document, user=owner, entity_type_id=type_id(project, "Amount"), start=13, end=22)
    assert refused.value.status == 409 and refused.value.code == "Conflict"
    assert str(refused.value) == (
        "The Amount label 'Smith for' overlaps the Borrower label 'John Smith'; labels in one document cannot overlap."
    )
    assert Label.objects.count() == 1


def test_adjacent_labels_do_not_overlap(owner, project, document):
    label_create(document=document, user=owner, entity_type_id=type_id(project, "Borrower"), start=8, end=13)
    label_create(document=document, user=owner, entity_type_id=type_id(project, "Borrower"), start=13, end=18)
    assert Label.objects.count() == 2


@pytest.mark.parametrize(
    "start,end,message",
    [
        (20, 31, r"Label \[20, 31\) is outside the document \(length 30\)"),
        (-1, 3, r"outside the document"),
        (5, 5, r"is empty"),
        ("8", 18, r"Label offsets must be integers"),
        (None, None, r"Label offsets must be integers"),
    ],
)
def test_out_of_bounds_and_malformed_spans_are_refused(owner, project, document, start, end, message):
    with pytest.raises(InvalidInput, match=message):
        label_create(document=document, user=owner, entity_type_id=type_id(project, "Borrower"), start=start, end=end)


def test_labels_longer_than_500_characters_are_refused(owner, project):
    documents_import(user=owner, project=project, documents=[DocumentData("long.txt", "a" * 600)])
    long = project.documents.get(location="long.txt")
    label_create(document=long, user=owner, entity_type_id=type_id(project, "Borrower"), start=0, end=500)
    with pytest.raises(InvalidInput, match=r"is 501 characters long; the limit is 500"):
        label_create(document=long, user=owner, entity_type_id=type_id(project, "Amount"), start=0, end=501)


def test_entity_type_of_another_project_is_refused(owner, project, document):
    other = project_create(user=owner, name="other")
    foreign = entity_type_create(project=other, user=owner, name="Borrower")
    with pytest.raises(InvalidInput, match=r"Entity type \d+ is not in project 'loans'"):
        label_create(document=document, user=owner, entity_type_id=foreign.pk, start=8, end=18)


def test_update_retypes_and_records_the_editor(owner, make_user, project, document):
    label = label_create(document=document, user=owner, entity_type_id=type_id(project, "Borrower"), start=8, end=18)
    annotator = make_user("ann")
    membership_set(project=project, user=owner, username="ann", role=Role.ANNOTATOR)
    updated = label_update(
        document=document, user=annotator, label_id=label.pk, entity_type_id=type_id(project, "Amount")
    )
    updated.refresh_from_db()
    assert updated.entity_type.name == "Amount"
    assert updated.created_by == owner and updated.updated_by == annotator


def test_update_may_move_a_label_but_not_onto_another(owner, project, document):
    first = label_create(document=document, user=owner, entity_type_id=type_id(project, "Borrower"), start=8, end=12)
    label_create(document=document, user=owner, entity_type_id=type_id(project, "Amount"), start=23, end=29)
    moved = label_update(document=document, user=owner, label_id=first.pk, end=18)
    assert (moved.start, moved.end) == (8, 18)
    with pytest.raises(InvalidInput, match="overlaps the Amount label '"):
        label_update(document=document, user=owner, label_id=first.pk, end=25)


def test_update_or_delete_of_a_removed_label_is_404(owner, project, document):
    label = label_create(document=document, user=owner, entity_type_id=type_id(project, "Borrower"), start=8, end=18)
    label_delete(document=document, user=owner, label_id=label.pk)
    assert not Label.objects.exists()
    with pytest.raises(NotFound, match=r"Label \d+ is no longer in document '01.txt'; someone may have removed it"):
        label_update(document=document, user=owner, label_id=label.pk, entity_type_id=type_id(project, "Amount"))
    with pytest.raises(NotFound):
        label_delete(document=document, user=owner, label_id=label.pk)


def test_a_label_of_another_document_is_not_found(owner, project, document):
    other = project.documents.get(location="02.txt")
    label = label_create(document=other, user=owner, entity_type_id=type_id(project, "Borrower"), start=0, end=1)
    with pytest.raises(NotFound):
        label_delete(document=document, user=owner, label_id=label.pk)
    assert Label.objects.filter(pk=label.pk).exists()


def test_viewers_cannot_edit_labels(owner, make_user, project, document):
    viewer = make_user("vic")
    membership_set(project=project, user=owner, username="vic", role=Role.VIEWER)
    with pytest.raises(PermissionDenied, match=r"Your role \(viewer\) does not allow you to label documents"):
        label_create(document=document, user=viewer, entity_type_id=type_id(project, "Borrower"), start=8, end=18)
