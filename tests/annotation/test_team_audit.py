"""The audit trail: every label change (one at a time, accepted suggestions, bulk paths) is recorded with who,
when, before and after; a document's history page shows it, filterable by user, to those who may see it."""

import pytest

from annotation.formats import DocumentData, ProjectData
from annotation.models import LabelChange, LabelChangeAction
from annotation.selectors import label_all_preview
from annotation.services.assignments import documents_assign
from annotation.services.consistency import label_batch_create, label_batch_undo
from annotation.services.documents import documents_delete
from annotation.services.entity_types import entity_type_delete
from annotation.services.imports import documents_import, project_import
from annotation.services.labels import label_create, label_delete, label_update
from annotation.spans import Span
from projects.models import Activity
from tests.annotation.team import client_for, doc, team_project


@pytest.fixture
def team(make_user, owner):
    return team_project(make_user, owner)


def test_create_retype_resize_delete_and_accept_are_recorded_with_before_and_after(team):
    project, users, types = team
    document = doc(project, "02.txt")
    ann = users["ann"]
    label = label_create(document=document, user=ann, entity_type_id=types["Person"], start=0, end=3)
    label_update(document=document, user=ann, label_id=label.pk, entity_type_id=types["Amount"])
    label_update(document=document, user=users["bob"], label_id=label.pk, end=9)
    label_delete(document=document, user=ann, label_id=label.pk)
    label_create(document=document, user=ann, entity_type_id=types["Amount"], start=19, end=22, source="model m1")
    rows = list(LabelChange.objects.filter(document=document).order_by("id"))
    assert [(r.action, r.user.username) for r in rows] == [
        ("create", "ann"),
        ("update", "ann"),
        ("update", "bob"),
        ("delete", "ann"),
        ("accept", "ann"),
    ]
    assert rows[0].before is None and rows[0].after == {"type": "Person", "start": 0, "end": 3, "text": "Ana"}
    assert rows[1].before["type"] == "Person" and rows[1].after["type"] == "Amount"
    assert rows[2].before["end"] == 3 and rows[2].after == {"type": "Amount", "start": 0, "end": 9, "text": "Ana Lopez"}
    assert rows[3].before["text"] == "Ana Lopez" and rows[3].after is None
    assert rows[4].summary == "from model m1" and rows[4].after["text"] == "$20"
    assert all(r.created_at is not None and r.label_id for r in rows)


def test_an_edit_that_changes_nothing_is_not_recorded(team):
    project, users, types = team
    document = doc(project, "02.txt")
    label = label_create(document=document, user=users["ann"], entity_type_id=types["Person"], start=0, end=3)
    label_update(document=document, user=users["ann"], label_id=label.pk, entity_type_id=types["Person"])
    assert LabelChange.objects.filter(document=document).count() == 1


def test_label_all_and_its_undo_record_one_row_per_label(team):
    project, users, types = team
    documents_import(
        user=users["owner"],
        project=project,
        documents=[DocumentData("04.txt", "Bank Corp and Bank Corp."), DocumentData("05.txt", "Bank Corp again.")],
    )
    entity_type = project.entity_types.get(name="Person")
    plan = label_all_preview(project=project, surface="Bank Corp", entity_type=entity_type)
    batch = label_batch_create(
        project=project,
        user=users["ann"],
        surface="Bank Corp",
        entity_type_id=entity_type.pk,
        fingerprint=plan.fingerprint,
    )
    created = LabelChange.objects.filter(action=LabelChangeAction.BULK_CREATE, user=users["ann"], count=1)
    assert created.count() == len(batch.labels) >= 2
    assert {r.location for r in created} == {location for location in ("02.txt", "04.txt", "05.txt")
                                              if doc(project, location).labels.exists()}  # fmt: skip
    assert all(r.after["text"] == "Bank Corp" and r.after["type"] == "Person" for r in created)
    label_batch_undo(project=project, user=users["bob"], batch_id=batch.pk)
    removed = LabelChange.objects.filter(action=LabelChangeAction.BULK_DELETE, user=users["bob"])
    assert removed.count() == len(batch.labels) and all(
        r.before["text"] == "Bank Corp" and r.after is None for r in removed
    )


def test_batch_deletes_and_type_deletes_record_counts(team):
    project, users, types = team
    owner = users["owner"]
    label_create(document=doc(project, "02.txt"), user=owner, entity_type_id=types["Amount"], start=19, end=22)
    documents_delete(project=project, user=owner, document_ids=[doc(project, "01.txt").pk, doc(project, "02.txt").pk])
    row = LabelChange.objects.get(action=LabelChangeAction.BULK_DELETE)
    assert row.count == 2 and row.summary == "deleted 2 documents: 2 labels went with it" and row.user == owner
    assert LabelChange.objects.filter(location="02.txt", document=None).exists()  # the history outlives the document
    label_create(document=doc(project, "03.txt"), user=owner, entity_type_id=types["Amount"], start=0, end=7)
    entity_type_delete(entity_type=project.entity_types.get(name="Amount"), user=owner)
    row = LabelChange.objects.filter(action=LabelChangeAction.BULK_DELETE).latest("id")
    assert row.count == 1 and "deleted entity type Amount" in row.summary


def test_imports_record_what_they_replace_and_add(team):
    project, users, types = team
    owner = users["owner"]
    data = ProjectData(
        name="team",
        language="en-us",
        entity_types=["Person"],
        documents=[DocumentData("x.txt", "Ann Lee", labels=[Span(0, 3, "Person"), Span(4, 7, "Person")])],
    )
    project_import(user=owner, name="team", data=data)
    replaced = LabelChange.objects.get(project=project, action=LabelChangeAction.BULK_DELETE, independent=False)
    assert replaced.count == 1 and "import replaced" in replaced.summary
    assert not LabelChange.objects.filter(independent=True).exists()  # none were made on one's own
    added = LabelChange.objects.filter(project=project, action=LabelChangeAction.BULK_CREATE).latest("id")
    assert added.count == 2 and added.summary == "imported 1 documents with 2 labels"


def test_history_page_lists_changes_and_filters_by_user(team):
    project, users, types = team
    document = doc(project, "02.txt")
    label_create(document=document, user=users["ann"], entity_type_id=types["Person"], start=0, end=3)
    label_create(document=document, user=users["bob"], entity_type_id=types["Amount"], start=19, end=22)
    url = f"/projects/{project.name}/documents/{document.pk}/history/"
    page = client_for(users["vic"]).get(url)  # a viewer may read it
    assert page.status_code == 200
    html = page.content.decode()
    assert "ann" in html and "bob" in html and "“Ana”" in html and "“$20”" in html
    only_bob = client_for(users["owner"]).get(url, {"user": "bob"}).content.decode()
    assert "“$20”" in only_bob and "“Ana”" not in only_bob


def test_history_page_refuses_non_members(team, make_user):
    project, users, types = team
    stranger = make_user("stranger")
    response = client_for(stranger).get(f"/projects/{project.name}/documents/{doc(project, '02.txt').pk}/history/")
    assert response.status_code == 404


def test_deleting_documents_or_types_records_the_independent_labels_that_go_too(team):
    project, users, types = team
    owner = users["owner"]
    documents_assign(project=project, user=owner, documents=project.documents.all(), usernames=["ann", "bob"])
    label_create(document=doc(project, "02.txt"), user=users["ann"], entity_type_id=types["Amount"], start=19, end=22)
    label_create(document=doc(project, "03.txt"), user=users["bob"], entity_type_id=types["Amount"], start=0, end=7)
    label_create(document=doc(project, "03.txt"), user=users["ann"], entity_type_id=types["Person"], start=0, end=7)
    entity_type_delete(entity_type=project.entity_types.get(name="Amount"), user=owner)
    row = LabelChange.objects.get(action=LabelChangeAction.BULK_DELETE, independent=True)
    assert row.count == 2 and "deleted entity type Amount: 2 labels annotators made on their own" in row.summary
    documents_delete(project=project, user=owner, document_ids=[doc(project, "03.txt").pk])
    row = LabelChange.objects.filter(action=LabelChangeAction.BULK_DELETE, independent=True).latest("id")
    assert row.count == 1 and row.summary.startswith("deleted 1 documents: 1 labels annotators made on their own")
    label_create(document=doc(project, "02.txt"), user=users["bob"], entity_type_id=types["Person"], start=0, end=3)
    data = ProjectData(name="team", language="en-us", entity_types=["Person"], documents=[DocumentData("x.txt", "x")])
    project_import(user=owner, name="team", data=data)
    row = LabelChange.objects.filter(action=LabelChangeAction.BULK_DELETE, independent=True).latest("id")
    assert row.count == 1 and "an import replaced the project: 1 labels annotators made on their own" in row.summary


def test_the_project_activity_does_not_show_what_someone_labeled_on_their_own(team):
    project, users, types = team
    document = doc(project, "02.txt")
    documents_assign(project=project, user=users["owner"], documents=project.documents.filter(pk=document.pk),
                     usernames=["ann", "bob"])  # fmt: skip
    label = label_create(document=document, user=users["bob"], entity_type_id=types["Amount"], start=19, end=22)
    label_update(document=document, user=users["bob"], label_id=label.pk, entity_type_id=types["Person"])
    label_delete(document=document, user=users["bob"], label_id=label.pk)
    summaries = list(Activity.objects.filter(user=users["bob"]).values_list("summary", flat=True))
    assert summaries == ["changed their own labels in 02.txt (independent labeling)"] * 3
    overview = client_for(users["ann"]).get(f"/projects/{project.name}/").content.decode()
    assert "changed their own labels in 02.txt (independent labeling)" in overview


def test_the_history_filter_names_only_people_whose_changes_one_may_see(team):
    project, users, types = team
    document = doc(project, "02.txt")
    documents_assign(project=project, user=users["owner"], documents=project.documents.filter(pk=document.pk),
                     usernames=["ann", "bob"])  # fmt: skip
    label_create(document=document, user=users["bob"], entity_type_id=types["Amount"], start=19, end=22)
    label_create(document=document, user=users["ann"], entity_type_id=types["Person"], start=0, end=9)
    url = f"/projects/{project.name}/documents/{document.pk}/history/"
    anns = client_for(users["ann"]).get(url).content.decode()
    assert '<option value="ann"' in anns and '<option value="bob"' not in anns
    ritas = client_for(users["rita"]).get(url).content.decode()
    assert '<option value="ann"' in ritas and '<option value="bob"' in ritas
