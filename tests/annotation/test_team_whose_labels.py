"""Whose labels each write path changes on a document labeled independently (`selectors_team.whose_labels`): an
assignee always writes their own `IndependentLabel`s; nobody writes the document's `Label`s but adjudication, and
every other writer is refused with a clear message (or, label all, skips the document saying why)."""

import pytest

from annotation import selectors
from annotation.formats import DocumentData
from annotation.models import IndependentLabel, Label, LabelChange, LabelChangeAction
from annotation.selectors_team import DOCUMENT, LOCKED, OWN, label_sets, whose_labels
from annotation.services.assignments import documents_assign
from annotation.services.consistency import label_batch_create, label_batch_undo
from annotation.services.imports import documents_import
from annotation.services.labels import label_create, label_delete
from modeling.models import Suggestion, SuggestionStatus
from modeling.services.loop.suggestions import suggestion_accept, suggestions_accept_above
from studio.exceptions import Conflict
from tests.annotation.team import api, client_for, doc, send, team_project


@pytest.fixture
def team(make_user, owner):
    """01.txt (with an imported Person label on "John Smith") and 02.txt are labeled independently by ann and bob;
    04.txt and 05.txt are nobody's."""
    project, users, types = team_project(make_user, owner)
    documents_import(
        user=owner,
        project=project,
        documents=[DocumentData("04.txt", "Ana Lopez met Ana Lopez."), DocumentData("05.txt", "Ana Lopez again.")],
    )
    documents_assign(
        project=project,
        user=owner,
        documents=project.documents.filter(location__in=["01.txt", "02.txt"]),
        usernames=["ann", "bob"],
    )
    return project, users, types


def ordinary(document) -> list[tuple[int, int]]:
    return sorted(Label.objects.filter(document=document).values_list("start", "end"))


def test_the_rule():
    assert whose_labels(independent=False, assigned=False) == DOCUMENT
    assert whose_labels(independent=False, assigned=True) == DOCUMENT
    assert whose_labels(independent=True, assigned=True) == OWN
    assert whose_labels(independent=True, assigned=False) == LOCKED


def test_label_sets_in_one_query(team, django_assert_num_queries):
    project, users, _ = team
    with django_assert_num_queries(1):
        sets = label_sets(documents=project.documents.all(), user=users["ann"])
    assert sets == {doc(project, "01.txt").pk: OWN, doc(project, "02.txt").pk: OWN}
    assert set(label_sets(documents=project.documents.all(), user=users["owner"]).values()) == {LOCKED}


@pytest.mark.parametrize("who", ["owner", "rita"])
def test_someone_not_assigned_may_not_create_change_or_remove_labels(team, who):
    project, users, types = team
    document = doc(project, "01.txt")
    label = Label.objects.get(document=document)
    client = client_for(users[who])
    made = send(
        client, "post", api(project, document, "/labels"), {"entityTypeId": types["Amount"], "start": 23, "end": 29}
    )
    changed = send(client, "patch", api(project, document, f"/labels/{label.pk}"), {"entityTypeId": types["Amount"]})
    removed = client.delete(api(project, document, f"/labels/{label.pk}"))
    for response in (made, changed, removed):
        assert response.status_code == 409, response.content
        error = response.json()["error"]
        assert error["innererror"]["code"] == "IndependentLabeling"
        assert "labeled independently by ann, bob" in error["message"] and "adjudicates" in error["message"]
    assert ordinary(document) == [(8, 18)]
    assert not IndependentLabel.objects.exists()
    assert not LabelChange.objects.filter(document=document).exists()


def test_an_assignee_writes_only_their_own_labels_even_as_owner(team, make_user):
    project, users, types = team
    document = doc(project, "02.txt")
    documents_assign(project=project, user=users["owner"], documents=project.documents.filter(pk=document.pk),
                     usernames=["owner"])  # fmt: skip
    label = label_create(document=document, user=users["owner"], entity_type_id=types["Person"], start=0, end=9)
    assert isinstance(label, IndependentLabel) and label.annotator == users["owner"]
    assert ordinary(document) == []
    # Label ids name rows of the editor's own set only: the owner cannot reach ann's label through its id.
    anns = label_create(document=document, user=users["ann"], entity_type_id=types["Amount"], start=19, end=22)
    with pytest.raises(Exception, match="no longer in document"):
        label_delete(document=document, user=users["owner"], label_id=anns.pk)
    assert IndependentLabel.objects.filter(pk=anns.pk).exists()


def suggest(document, start: int, end: int, category: str, confidence: float = 0.9) -> Suggestion:
    return Suggestion.objects.create(
        document=document,
        start=start,
        end=end,
        category=category,
        confidence=confidence,
        source="model m1",
        model_id="m1",
    )


def test_accepting_a_suggestion_writes_the_assignees_own_label(team):
    project, users, _ = team
    document = doc(project, "02.txt")
    label = suggestion_accept(user=users["ann"], suggestion=suggest(document, 0, 9, "Person"))
    assert isinstance(label, IndependentLabel) and label.annotator == users["ann"]
    assert ordinary(document) == []
    change = LabelChange.objects.get(document=document)
    assert (change.action, change.independent) == (LabelChangeAction.ACCEPT, True)


def test_accepting_suggestions_in_bulk_writes_the_assignees_own_labels(team):
    project, users, _ = team
    document = doc(project, "02.txt")
    suggest(document, 0, 9, "Person")
    suggest(document, 19, 22, "Amount")
    labels = suggestions_accept_above(user=users["bob"], document=document, threshold=0.5)
    assert len(labels) == 2 and all(isinstance(x, IndependentLabel) and x.annotator == users["bob"] for x in labels)
    assert ordinary(document) == []


def test_accepting_a_suggestion_is_refused_to_someone_not_assigned(team):
    project, users, _ = team
    document = doc(project, "02.txt")
    suggestion = suggest(document, 0, 9, "Person")
    with pytest.raises(Conflict, match="labeled independently by ann, bob"):
        suggestion_accept(user=users["owner"], suggestion=suggestion)
    with pytest.raises(Conflict, match="labeled independently by ann, bob"):
        suggestions_accept_above(user=users["rita"], document=document, threshold=0.5)
    assert ordinary(document) == [] and not IndependentLabel.objects.exists()
    suggestion.refresh_from_db()
    assert suggestion.status == SuggestionStatus.OPEN


def label_all(project, user, surface: str = "Ana Lopez", type_name: str = "Person"):
    entity_type = project.entity_types.get(name=type_name)
    plan = selectors.label_all_preview(project=project, surface=surface, entity_type=entity_type, user=user)
    batch = label_batch_create(
        project=project, user=user, surface=surface, entity_type_id=entity_type.pk, fingerprint=plan.fingerprint
    )
    return plan, batch


def test_label_all_labels_an_assignees_own_copy(team):
    project, users, types = team
    bobs = label_create(
        document=doc(project, "02.txt"), user=users["bob"], entity_type_id=types["Amount"], start=0, end=3
    )
    plan, batch = label_all(project, users["ann"])
    two = doc(project, "02.txt")
    assert ordinary(two) == []  # nothing trains from ann's own copy
    assert list(IndependentLabel.objects.filter(document=two, annotator=users["ann"]).values_list("start", "end")) == [
        (0, 9)
    ]
    assert ordinary(doc(project, "04.txt")) == [(0, 9), (14, 23)] and ordinary(doc(project, "05.txt")) == [(0, 9)]
    assert len(batch.labels) == 4 and not plan.skipped
    assert IndependentLabel.objects.filter(pk=bobs.pk, start=0, end=3).exists()  # bob's copy is his
    own = LabelChange.objects.get(document=two, user=users["ann"])
    assert own.action == LabelChangeAction.BULK_CREATE and own.independent
    by_ann = LabelChange.objects.filter(action=LabelChangeAction.BULK_CREATE, user=users["ann"], independent=False)
    assert sorted(by_ann.values_list("location", flat=True)) == ["04.txt", "04.txt", "05.txt"]


def test_label_all_skips_documents_others_label_independently(team):
    project, users, _ = team
    plan, batch = label_all(project, users["owner"])
    assert ordinary(doc(project, "02.txt")) == [] and not IndependentLabel.objects.exists()
    assert [(s.occurrence.location, s.reason) for s in plan.skipped] == [("02.txt", selectors.LOCKED_REASON)]
    assert len(batch.labels) == 3 and batch.skipped_count == 1
    page = client_for(users["owner"]).get(f"/projects/{project.name}/consistency/batches/{batch.pk}/").content.decode()
    assert "Labeled independently by others" in page


def test_the_label_all_preview_shows_what_each_person_would_do(team):
    project, users, types = team
    query = {"surface": "Ana Lopez", "type": types["Person"]}
    url = f"/projects/{project.name}/consistency/label-all/"
    anns = client_for(users["ann"]).get(url, query).content.decode()
    owners = client_for(users["owner"]).get(url, query).content.decode()
    assert 'id="count-create">4<' in anns and 'id="count-skipped">0<' in anns
    assert 'id="count-create">3<' in owners and 'id="count-skipped">1<' in owners
    assert "Labeled independently by others" in owners


def test_a_preview_for_someone_else_does_not_apply(team):
    project, users, _ = team
    entity_type = project.entity_types.get(name="Person")
    owners = selectors.label_all_preview(
        project=project, surface="Ana Lopez", entity_type=entity_type, user=users["owner"]
    )
    with pytest.raises(Conflict, match="changed since the preview"):
        label_batch_create(project=project, user=users["ann"], surface="Ana Lopez", entity_type_id=entity_type.pk,
                           fingerprint=owners.fingerprint)  # fmt: skip


def test_undoing_label_all_removes_own_labels_and_only_their_author_may(team):
    project, users, _ = team
    _, batch = label_all(project, users["ann"])
    with pytest.raises(Conflict, match="also labeled ann's own copies .* only ann can undo it"):
        label_batch_undo(project=project, user=users["bob"], batch_id=batch.pk)
    result = label_batch_undo(project=project, user=users["ann"], batch_id=batch.pk)
    assert result.removed == 4
    assert not IndependentLabel.objects.exists() and not Label.objects.exclude(document=doc(project, "01.txt")).exists()
    undone = LabelChange.objects.filter(action=LabelChangeAction.BULK_DELETE)
    assert sorted(undone.values_list("location", "independent")) == [
        ("02.txt", True),
        ("04.txt", False),
        ("04.txt", False),
        ("05.txt", False),
    ]


def test_undo_keeps_labels_of_documents_labeled_independently_since(team):
    project, users, _ = team
    _, batch = label_all(project, users["owner"])
    documents_assign(project=project, user=users["owner"], documents=project.documents.filter(location="05.txt"),
                     usernames=["ann", "bob"])  # fmt: skip
    result = label_batch_undo(project=project, user=users["owner"], batch_id=batch.pk)
    assert (result.removed, result.locked) == (2, 1)
    assert "1 in documents labeled independently since was kept" in result.message
    assert ordinary(doc(project, "05.txt")) == [(0, 9)]


def test_the_labeling_view_of_a_locked_document_is_read_only_and_says_why(team):
    project, users, _ = team
    document = doc(project, "02.txt")
    data = client_for(users["owner"]).get(api(project, document)).json()
    assert (data["canLabel"], data["labelSet"], data["ownLabels"]) == (False, LOCKED, False)
    assert client_for(users["ann"]).get(api(project, document)).json()["canLabel"] is True
    page = client_for(users["owner"]).get(f"/projects/{project.name}/documents/{document.pk}/label/").content.decode()
    assert 'id="read-only-note"' in page and "ann, bob label it independently" in page
    assert "does not allow labeling" not in page


def test_the_batch_page_lists_documents_of_an_authors_own_copy_to_the_author_and_reviewers_only(team):
    project, users, _ = team
    _, batch = label_all(project, users["ann"])
    url = f"/projects/{project.name}/consistency/batches/{batch.pk}/"
    for who, sees in (("ann", True), ("rita", True), ("bob", False), ("vic", False)):
        page = client_for(users[who]).get(url).content.decode()
        listed = page[page.index('id="documents-title"') :]
        assert ("02.txt" in listed) is sees, who
        assert "04.txt" in listed and "05.txt" in listed


def test_emoji_offsets_stay_code_points_through_own_labels_history_and_adjudication(team):
    from annotation.selectors_team import adjudication_get
    from annotation.services.adjudication import document_adjudicate

    project, users, types = team
    documents_import(user=users["owner"], project=project, documents=[DocumentData("e.txt", "😀 Ana Lopez 👍 paid.")])
    document = doc(project, "e.txt")
    documents_assign(project=project, user=users["owner"], documents=project.documents.filter(pk=document.pk),
                     usernames=["ann", "bob"])  # fmt: skip
    for who in ("ann", "bob"):
        made = send(client_for(users[who]), "post", api(project, document, "/labels"),
                    {"entityTypeId": types["Person"], "start": 2, "end": 11})  # fmt: skip
        assert made.status_code == 201 and (made.json()["start"], made.json()["end"]) == (2, 11)
    assert LabelChange.objects.filter(document=document).first().after["text"] == "Ana Lopez"
    (row,) = adjudication_get(document=document).rows
    assert (row.text, row.agreed, row.chosen) == ("Ana Lopez", True, "Person")
    document_adjudicate(document=document, user=users["rita"], labels=[[2, 11, types["Person"]]])
    assert ordinary(document) == [(2, 11)]
