"""Independent labeling and adjudication: a document assigned to two or more annotators is labeled by each on
their own (each sees only their own labels); those labels never train, evaluate or export until a reviewer
adjudicates them into the document's labels; the agreement page reports F1 and alpha."""

import pytest

from annotation.models import IndependentLabel, Label, LabelChange, ReviewStatus
from annotation.services.assignments import documents_assign
from annotation.services.imports import project_data
from annotation.services.labels import label_create
from tests.annotation.team import api, client_for, doc, send, team_project


@pytest.fixture
def team(make_user, owner):
    project, users, types = team_project(make_user, owner)
    documents_assign(
        project=project,
        user=owner,
        documents=project.documents.filter(location__in=["01.txt", "02.txt"]),
        usernames=["ann", "bob"],
    )
    return project, users, types


def test_each_annotator_labels_on_their_own_and_sees_only_their_labels(team):
    project, users, types = team
    document = doc(project, "02.txt")
    ann, bob = client_for(users["ann"]), client_for(users["bob"])
    made = send(ann, "post", api(project, document, "/labels"), {"entityTypeId": types["Person"], "start": 0, "end": 9})
    assert made.status_code == 201 and made.json()["createdBy"] == "ann"
    # bob may label the same span differently: his labels are his own (no overlap with ann's)
    other = send(
        bob, "post", api(project, document, "/labels"), {"entityTypeId": types["Amount"], "start": 0, "end": 3}
    )
    assert other.status_code == 201
    assert [x["start"] for x in ann.get(api(project, document, "/labels")).json()["labels"]] == [0]
    assert [x["end"] for x in bob.get(api(project, document, "/labels")).json()["labels"]] == [3]
    page = ann.get(api(project, document)).json()
    assert page["independent"] is True and page["ownLabels"] is True and page["assignees"] == ["ann", "bob"]
    # the document's own labels are untouched, so nothing trains or exports from the independent ones
    assert not Label.objects.filter(document=document).exists()
    assert IndependentLabel.objects.filter(document=document).count() == 2
    exported = {d.location: d.labels for d in project_data(project=project).documents}
    assert exported["02.txt"] == []
    # someone not assigned (the reviewer) sees the document's labels, not theirs
    assert client_for(users["rita"]).get(api(project, document, "/labels")).json()["labels"] == []
    # ann's history shows her own, not bob's
    history = ann.get(f"/projects/{project.name}/documents/{document.pk}/history/").content.decode()
    assert "“Ana Lopez”" in history and "“Ana”" not in history


def test_a_reviewer_adjudicates_side_by_side_into_the_documents_labels(team):
    project, users, types = team
    document = doc(project, "02.txt")
    label_create(document=document, user=users["ann"], entity_type_id=types["Person"], start=0, end=9)
    label_create(document=document, user=users["bob"], entity_type_id=types["Person"], start=0, end=9)
    label_create(document=document, user=users["ann"], entity_type_id=types["Amount"], start=19, end=22)
    page = client_for(users["rita"]).get(f"/projects/{project.name}/documents/{document.pk}/adjudicate/")
    html = page.content.decode()
    assert page.status_code == 200 and "All agree" in html and "Disagreement" in html
    response = send(client_for(users["rita"]), "post", api(project, document, "/adjudication"),
                    {"labels": [[0, 9, types["Person"]], [19, 22, types["Amount"]]]})  # fmt: skip
    assert response.status_code == 200 and response.json()["count"] == 2 and response.json()["status"] == "reviewed"
    assert sorted(Label.objects.filter(document=document).values_list("start", "end")) == [(0, 9), (19, 22)]
    document.refresh_from_db()
    assert document.adjudicated_at is not None and document.review_status == ReviewStatus.REVIEWED
    assert LabelChange.objects.filter(document=document, action="adjudicate").count() == 2
    # adjudicated: everyone sees (and edits) the document's labels now
    assert len(client_for(users["ann"]).get(api(project, document, "/labels")).json()["labels"]) == 2
    assert {d.location: len(d.labels) for d in project_data(project=project).documents}["02.txt"] == 2


@pytest.mark.parametrize("who", ["ann", "vic"])
def test_only_reviewers_adjudicate(team, who):
    project, users, types = team
    document = doc(project, "02.txt")
    response = send(client_for(users[who]), "post", api(project, document, "/adjudication"),
                    {"labels": [[0, 9, types["Person"]]]})  # fmt: skip
    assert response.status_code == 403 and response.json()["error"]["message"]
    page = client_for(users[who]).get(f"/projects/{project.name}/documents/{document.pk}/adjudicate/")
    assert page.status_code == 403
    assert not Label.objects.filter(document=document).exists()


@pytest.mark.parametrize(
    ("labels", "message"),
    [
        ("all", "list of [start, end, entityTypeId]"),
        ([[0, 9]], "Each final label is [start, end, entityTypeId]"),
        ([[0, 9, 999]], "Entity type 999 is not in project"),
        ([[0, 500, "TYPE"]], "Each final label"),
        ([[0, 9, "P"], [3, 12, "P"]], "overlaps"),
    ],
)
def test_bad_adjudications_are_refused_and_change_nothing(team, labels, message):
    project, users, types = team
    document = doc(project, "01.txt")
    if isinstance(labels, list):
        labels = [[x if x != "P" else types["Person"] for x in item] for item in labels]
    before = list(Label.objects.filter(document=document).values_list("start", "end"))
    response = send(client_for(users["rita"]), "post", api(project, document, "/adjudication"), {"labels": labels})
    expected = 409 if message == "overlaps" else 400  # an overlap is a conflict, as when labeling
    assert response.status_code == expected and message in response.json()["error"]["message"], response.content
    assert list(Label.objects.filter(document=document).values_list("start", "end")) == before
    document.refresh_from_db()
    assert document.adjudicated_at is None


def test_the_agreement_page_reports_f1_and_alpha(team):
    project, users, types = team
    one, two = doc(project, "01.txt"), doc(project, "02.txt")
    label_create(document=one, user=users["ann"], entity_type_id=types["Person"], start=8, end=18)
    label_create(document=one, user=users["bob"], entity_type_id=types["Person"], start=8, end=18)
    label_create(document=two, user=users["ann"], entity_type_id=types["Person"], start=0, end=9)
    label_create(document=two, user=users["bob"], entity_type_id=types["Person"], start=0, end=3)
    html = client_for(users["vic"]).get(f"/projects/{project.name}/agreement/").content.decode()
    # span F1 for the one pair: 1 agreed of 2 + 2 spans -> 0.5
    assert 'id="agreement-f1">0.500<' in html
    assert 'id="agreement-alpha">' in html and "Person" in html


def test_the_team_pages_and_reads_never_write(team):
    import re

    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    project, users, types = team
    document = doc(project, "02.txt")
    label_create(document=document, user=users["ann"], entity_type_id=types["Person"], start=0, end=9)
    write = re.compile(r"^\s*(INSERT|UPDATE|DELETE|REPLACE)\b", re.IGNORECASE)
    client = client_for(users["rita"])
    paths = [
        f"/projects/{project.name}/documents/{document.pk}/history/",
        f"/projects/{project.name}/documents/{document.pk}/adjudicate/",
        f"/projects/{project.name}/agreement/",
        f"/projects/{project.name}/",
        f"/projects/{project.name}/documents/?assigned=me&review=to_review",
        f"/projects/{project.name}/documents/{document.pk}/label/",
        api(project, document),
        api(project, document, "/labels"),
        api(project, document, "/review"),
        f"/projects/{project.name}/consistency/label-all/?surface=Ana+Lopez&type={types['Person']}",
    ]
    for path in paths:
        with CaptureQueriesContext(connection) as queries:
            response = client.get(path)
        assert response.status_code == 200, path
        assert not [q["sql"] for q in queries.captured_queries if write.match(q["sql"])], path


def test_adjudication_preselects_a_choice_that_can_be_saved_as_it_is(team):
    from annotation.selectors_team import adjudication_get
    from annotation.services.adjudication import document_adjudicate

    project, users, types = team
    document = doc(project, "01.txt")  # "Loan to John Smith for $5,000 on Monday.", imported with Person "John Smith"
    label_create(document=document, user=users["ann"], entity_type_id=types["Person"], start=8, end=12)
    label_create(document=document, user=users["bob"], entity_type_id=types["Amount"], start=8, end=18)
    label_create(document=document, user=users["ann"], entity_type_id=types["Amount"], start=23, end=29)
    label_create(document=document, user=users["bob"], entity_type_id=types["Amount"], start=23, end=29)
    rows = adjudication_get(document=document).rows
    assert [(r.text, r.current, r.chosen, r.agreed) for r in rows] == [
        ("John", "", "", False),  # overlaps the document's own label, which is shown and kept by default
        ("John Smith", "Person", "Person", False),
        ("$5,000", "", "Amount", True),
    ]
    chosen = [[r.start, r.end, types[r.chosen]] for r in rows if r.chosen]
    assert document_adjudicate(document=document, user=users["rita"], labels=chosen) == 2
    assert sorted(Label.objects.filter(document=document).values_list("start", "end")) == [(8, 18), (23, 29)]


def test_all_agree_only_when_every_annotator_labeled_the_span_alike(team):
    from annotation.selectors_team import adjudication_get

    project, users, types = team
    document = doc(project, "02.txt")
    documents_assign(project=project, user=users["owner"], documents=project.documents.filter(pk=document.pk),
                     usernames=["rita"])  # fmt: skip
    label_create(document=document, user=users["ann"], entity_type_id=types["Person"], start=0, end=9)
    label_create(document=document, user=users["bob"], entity_type_id=types["Person"], start=0, end=9)
    (row,) = adjudication_get(document=document).rows
    assert row.annotators == 3 and not row.agreed and row.chosen == "Person"
    label_create(document=document, user=users["rita"], entity_type_id=types["Person"], start=0, end=9)
    assert adjudication_get(document=document).rows[0].agreed


def test_adjudicating_from_a_page_older_than_the_labels_is_refused(team):
    from annotation.selectors import label_version

    project, users, types = team
    document = doc(project, "01.txt")  # its own label: "John Smith", Person
    label_create(document=document, user=users["ann"], entity_type_id=types["Person"], start=8, end=18)
    page = client_for(users["rita"]).get(f"/projects/{project.name}/documents/{document.pk}/adjudicate/")
    seen = label_version(document=document)
    assert f'data-labels-version="{seen}"' in page.content.decode()
    # Meanwhile the document's labels change (an import's label removed, as a deleted type would).
    Label.objects.filter(document=document).delete()
    body = {"labels": [[8, 18, types["Amount"]]], "labelsVersion": seen}
    stale = send(client_for(users["rita"]), "post", api(project, document, "/adjudication"), body)
    assert stale.status_code == 409 and stale.json()["error"]["innererror"]["code"] == "LabelVersionConflict"
    assert not Label.objects.filter(document=document).exists()
    body["labelsVersion"] = label_version(document=document)
    fresh = send(client_for(users["rita"]), "post", api(project, document, "/adjudication"), body)
    assert fresh.status_code == 200 and fresh.json()["labelsVersion"] == label_version(document=document)
    bad = send(
        client_for(users["rita"]), "post", api(project, document, "/adjudication"), {"labels": [], "labelsVersion": 3}
    )
    assert bad.status_code == 400 and "labelsVersion" in bad.json()["error"]["message"]
