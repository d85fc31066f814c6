"""Review: reviewers (and owners) mark a document reviewed or send it back with a comment; the status shows and
filters in the documents list; a label change un-reviews a document; owners set "train only on reviewed"."""

import pytest

from annotation.models import Document, ReviewStatus
from annotation.selectors import label_all_preview
from annotation.services.assignments import documents_assign
from annotation.services.consistency import label_batch_create, label_batch_undo
from annotation.services.entity_types import entity_type_delete
from annotation.services.labels import label_create
from tests.annotation.team import api, client_for, doc, send, team_project


@pytest.fixture
def team(make_user, owner):
    return team_project(make_user, owner)


@pytest.mark.parametrize("who", ["rita", "owner"])
def test_a_reviewer_or_owner_marks_reviewed_and_sends_back(team, who):
    project, users, _ = team
    document = doc(project, "01.txt")
    client = client_for(users[who])
    ok = send(client, "post", api(project, document, "/review"), {"status": "reviewed"})
    assert ok.status_code == 200 and ok.json()["status"] == "reviewed" and ok.json()["by"] == who
    back = send(
        client, "post", api(project, document, "/review"), {"status": "needs_changes", "comment": "Add the date."}
    )
    assert back.status_code == 200
    document.refresh_from_db()
    assert (document.review_status, document.review_comment) == (ReviewStatus.NEEDS_CHANGES, "Add the date.")


@pytest.mark.parametrize("who", ["ann", "vic"])
def test_annotators_and_viewers_cannot_review(team, who):
    project, users, _ = team
    document = doc(project, "01.txt")
    response = send(client_for(users[who]), "post", api(project, document, "/review"), {"status": "reviewed"})
    assert response.status_code == 403 and "does not allow you to review" in response.json()["error"]["message"]
    assert Document.objects.get(pk=document.pk).review_status == ""


@pytest.mark.parametrize(
    ("body", "message"),
    [
        ({"status": "approved"}, "status must be 'reviewed' or 'needs_changes'"),
        ({"status": "needs_changes"}, "needs a comment"),
        ({"status": "needs_changes", "comment": 5}, "comment must be text"),
        ({"status": "needs_changes", "comment": "x" * 2001}, "over 2,000 characters"),
        ([1, 2], "must be a JSON object"),
    ],
)
def test_bad_verdicts_are_400_json_and_change_nothing(team, body, message):
    project, users, _ = team
    document = doc(project, "01.txt")
    response = send(client_for(users["rita"]), "post", api(project, document, "/review"), body)
    assert response.status_code == 400 and message in response.json()["error"]["message"]
    assert Document.objects.get(pk=document.pk).review_status == ""


def test_a_label_change_unreviews_a_reviewed_document(team):
    project, users, types = team
    document = doc(project, "02.txt")
    send(client_for(users["rita"]), "post", api(project, document, "/review"), {"status": "reviewed"})
    label_create(document=document, user=users["ann"], entity_type_id=types["Person"], start=0, end=9)
    assert Document.objects.get(pk=document.pk).review_status == ""


def test_status_shows_and_filters_in_the_documents_list(team):
    project, users, _ = team
    send(client_for(users["rita"]), "post", api(project, doc(project, "01.txt"), "/review"), {"status": "reviewed"})
    send(client_for(users["rita"]), "post", api(project, doc(project, "02.txt"), "/review"),
         {"status": "needs_changes", "comment": "Label the lender."})  # fmt: skip
    client = client_for(users["ann"])
    html = client.get(f"/projects/{project.name}/documents/").content.decode()
    assert 'review-reviewed">Reviewed' in html and 'review-needs_changes">Needs changes' in html
    assert 'review-unlabeled">Unlabeled' in html
    for review, shown in (("reviewed", "01.txt"), ("needs_changes", "02.txt")):
        page = client.get(f"/projects/{project.name}/documents/", {"review": review}).content.decode()
        table = page[page.index("documents-table") :]
        assert shown in table and sum(name in table for name in ("01.txt", "02.txt", "03.txt")) == 1


def test_the_labeling_view_shows_the_verdict_and_offers_review_to_reviewers_only(team):
    project, users, _ = team
    document = doc(project, "02.txt")
    send(client_for(users["rita"]), "post", api(project, document, "/review"),
         {"status": "needs_changes", "comment": "Label the lender."})  # fmt: skip
    url = f"/projects/{project.name}/documents/{document.pk}/label/"
    annotator = client_for(users["ann"]).get(url).content.decode()
    assert "Sent back: Label the lender." in annotator and 'id="review-accept"' not in annotator
    assert 'id="review-accept"' in client_for(users["rita"]).get(url).content.decode()


@pytest.mark.parametrize(("who", "status"), [("owner", 302), ("rita", 403), ("ann", 403), ("vic", 403)])
def test_only_owners_set_train_only_on_reviewed(team, who, status):
    project, users, _ = team
    response = client_for(users[who]).post(f"/projects/{project.name}/settings/review/", {"require_review": "on"})
    assert response.status_code == status
    project.refresh_from_db()
    assert project.require_review is (status == 302)


def test_the_settings_page_shows_the_review_setting(team):
    project, users, _ = team
    html = client_for(users["owner"]).get(f"/projects/{project.name}/settings/").content.decode()
    assert 'id="require-review"' in html
    client_for(users["owner"]).post(f"/projects/{project.name}/settings/review/", {"require_review": "on"})
    html = client_for(users["owner"]).get(f"/projects/{project.name}/settings/").content.decode()
    assert 'id="require-review" checked' in html
    client_for(users["owner"]).post(f"/projects/{project.name}/settings/review/", {})
    project.refresh_from_db()
    assert project.require_review is False


def test_an_independently_labeled_document_is_reviewed_through_adjudication_only(team):
    project, users, types = team
    document = doc(project, "02.txt")
    documents_assign(project=project, user=users["owner"], documents=project.documents.filter(pk=document.pk),
                     usernames=["ann", "bob"])  # fmt: skip
    response = send(client_for(users["rita"]), "post", api(project, document, "/review"), {"status": "reviewed"})
    assert response.status_code == 409 and "adjudicate it" in response.json()["error"]["message"]
    assert Document.objects.get(pk=document.pk).review_status == ""
    back = send(client_for(users["rita"]), "post", api(project, document, "/review"),
                {"status": "needs_changes", "comment": "Both of you: label the lender."})  # fmt: skip
    assert back.status_code == 200


def test_the_labeling_view_says_why_a_changed_document_needs_review_again(team):
    project, users, types = team
    document = doc(project, "02.txt")
    url = f"/projects/{project.name}/documents/{document.pk}/label/"
    never = client_for(users["ann"]).get(api(project, document, "/review")).json()
    assert never["reopened"] is False and never["note"] == ""
    send(client_for(users["rita"]), "post", api(project, document, "/review"), {"status": "reviewed"})
    assert 'id="review-reopened" hidden' in client_for(users["ann"]).get(url).content.decode()
    label_create(document=document, user=users["ann"], entity_type_id=types["Person"], start=0, end=9)
    review = client_for(users["ann"]).get(api(project, document, "/review")).json()
    assert review["status"] == "" and review["reopened"] is True
    assert review["note"] == (
        "Back to labeled: the labels changed after rita marked it reviewed, so it needs reviewing again."
    )
    page = client_for(users["ann"]).get(url).content.decode()
    assert 'id="review-reopened">Back to labeled: the labels changed after rita' in page
    listed = client_for(users["ann"]).get(f"/projects/{project.name}/documents/", {"review": "to_review"})
    assert "02.txt" in listed.content.decode()
    send(client_for(users["rita"]), "post", api(project, document, "/review"), {"status": "reviewed"})
    assert client_for(users["ann"]).get(api(project, document, "/review")).json()["reopened"] is False


def test_label_all_its_undo_and_deleting_a_type_unreview_the_documents_they_change(team):
    project, users, types = team
    two, three = doc(project, "02.txt"), doc(project, "03.txt")
    for document in (two, three):
        send(client_for(users["rita"]), "post", api(project, document, "/review"), {"status": "reviewed"})
    entity_type = project.entity_types.get(name="Person")
    plan = label_all_preview(project=project, surface="Ana Lopez", entity_type=entity_type, user=users["ann"])
    batch = label_batch_create(project=project, user=users["ann"], surface="Ana Lopez",
                               entity_type_id=entity_type.pk, fingerprint=plan.fingerprint)  # fmt: skip
    assert Document.objects.get(pk=two.pk).review_status == ""
    assert Document.objects.get(pk=three.pk).review_status == ReviewStatus.REVIEWED  # not labeled by it
    send(client_for(users["rita"]), "post", api(project, two, "/review"), {"status": "reviewed"})
    label_batch_undo(project=project, user=users["ann"], batch_id=batch.pk)
    assert Document.objects.get(pk=two.pk).review_status == ""
    label_create(document=three, user=users["ann"], entity_type_id=types["Amount"], start=0, end=7)
    send(client_for(users["rita"]), "post", api(project, three, "/review"), {"status": "reviewed"})
    entity_type_delete(entity_type=project.entity_types.get(name="Amount"), user=users["owner"])
    assert Document.objects.get(pk=three.pk).review_status == ""
