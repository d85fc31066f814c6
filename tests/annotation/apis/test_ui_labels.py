"""The labeling view's JSON API: code-point offsets, per-label edits, Azure-style errors, roles and CSRF."""

import json

import pytest
from django.test import Client

from annotation.formats import DocumentData
from annotation.models import Label
from annotation.services.entity_types import entity_type_create
from annotation.services.imports import documents_import
from annotation.services.labels import label_create
from projects.models import Role
from projects.services.projects import membership_set, project_create

EMOJI_TEXT = "😀 Ana Lopez borrowed 😀😀 $20."


@pytest.fixture
def project(owner):
    project = project_create(user=owner, name="loans")
    entity_type_create(project=project, user=owner, name="Borrower", shortcut="b")
    entity_type_create(project=project, user=owner, name="Amount")
    documents_import(
        user=owner,
        project=project,
        documents=[
            DocumentData("01.txt", "Loan to John Smith for $5,000."),
            DocumentData("02.txt", EMOJI_TEXT, dataset="Test"),
            DocumentData("03.txt", "Nothing here."),
        ],
    )
    return project


@pytest.fixture
def types(project):
    return {t.name: t.pk for t in project.entity_types.all()}


def doc(project, location):
    return project.documents.get(location=location)


def client_for(user, *, csrf: bool = False) -> Client:
    client = Client(enforce_csrf_checks=csrf)
    client.force_login(user)
    return client


def member(make_user, owner, project, name, role):
    user = make_user(name)
    membership_set(project=project, user=owner, username=name, role=role)
    return user


def url(project, document, suffix=""):
    return f"/api/projects/{project.name}/documents/{document.pk}{suffix}"


def send(client, method, path, body=None):
    return getattr(client, method)(
        path, json.dumps(body) if body is not None else None, content_type="application/json"
    )


def test_get_returns_text_labels_in_code_points_and_neighbours(owner, project, types):
    emoji = doc(project, "02.txt")
    label_create(document=emoji, user=owner, entity_type_id=types["Borrower"], start=6, end=11)
    response = client_for(owner).get(url(project, emoji))
    assert response.status_code == 200
    body = response.json()
    assert body["text"] == EMOJI_TEXT and body["dataset"] == "Test"
    assert [(x["start"], x["end"], x["entityTypeId"], x["createdBy"]) for x in body["labels"]] == [
        (6, 11, types["Borrower"], "owner")
    ]
    assert EMOJI_TEXT[6:11] == "Lopez"
    assert body["previousId"] == doc(project, "01.txt").pk and body["nextId"] == doc(project, "03.txt").pk
    assert body["canLabel"] is True and body["role"] == "owner"
    # Amount has no shortcut, so it gets the first free digit.
    assert [(t["name"], t["key"]) for t in body["entityTypes"]] == [("Borrower", "b"), ("Amount", "1")]


def test_create_update_delete_one_label(owner, project, types):
    client = client_for(owner)
    document = doc(project, "02.txt")
    created = send(
        client, "post", url(project, document, "/labels"), {"entityTypeId": types["Borrower"], "start": 6, "end": 11}
    )
    assert created.status_code == 201, created.content
    label_id = created.json()["id"]
    assert created.json() == {
        "id": label_id,
        "entityTypeId": types["Borrower"],
        "start": 6,
        "end": 11,
        "version": 1,
        "createdBy": "owner",
        "updatedBy": "owner",
    }
    retyped = send(client, "patch", url(project, document, f"/labels/{label_id}"), {"entityTypeId": types["Amount"]})
    assert retyped.status_code == 200 and retyped.json()["entityTypeId"] == types["Amount"]
    assert client.get(url(project, document, "/labels")).json()["labels"][0]["entityTypeId"] == types["Amount"]
    assert client.delete(url(project, document, f"/labels/{label_id}")).status_code == 204
    assert not Label.objects.exists()


def test_overlap_is_409_with_a_message_naming_both_spans(owner, make_user, project, types):
    document = doc(project, "01.txt")
    label_create(document=document, user=owner, entity_type_id=types["Borrower"], start=8, end=18)
    other = member(make_user, owner, project, "ann", Role.ANNOTATOR)
    response = send(
        client_for(other),
        "post",
        url(project, document, "/labels"),
        {"entityTypeId": types["Amount"], "start": 13, "end": 18},
    )
    assert response.status_code == 409
    assert response.json() == {
        "error": {
            "code": "Conflict",
            "message": "The Amount label 'Smith' overlaps the Borrower label 'John Smith'; "
            "labels in one document cannot overlap.",
        }
    }


@pytest.mark.parametrize(
    "body,message",
    [
        ({"start": 25, "end": 31}, "is outside the document (length 30)"),
        ({"start": 0, "end": "4"}, "Label offsets must be integers"),
        ({"start": 0, "end": 4, "entityTypeId": None}, "entityTypeId must be an entity type's id"),
    ],
)
def test_bad_spans_are_400(owner, project, types, body, message):
    payload = {"entityTypeId": types["Borrower"], **body}
    response = send(client_for(owner), "post", url(project, doc(project, "01.txt"), "/labels"), payload)
    assert response.status_code == 400
    assert response.json()["error"]["code"] == "InvalidArgument"
    assert message in response.json()["error"]["message"]


def test_labels_over_500_characters_are_400(owner, project, types):
    documents_import(user=owner, project=project, documents=[DocumentData("long.txt", "word " * 200)])
    response = send(
        client_for(owner),
        "post",
        url(project, doc(project, "long.txt"), "/labels"),
        {"entityTypeId": types["Borrower"], "start": 0, "end": 501},
    )
    assert response.status_code == 400
    assert "is 501 characters long; the limit is 500" in response.json()["error"]["message"]


def test_non_json_object_body_is_400(owner, project):
    response = send(client_for(owner), "post", url(project, doc(project, "01.txt"), "/labels"), [1, 2])
    assert response.status_code == 400 and "must be a JSON object" in response.json()["error"]["message"]


def test_removed_label_is_404_with_a_clear_message(owner, project, types):
    document = doc(project, "01.txt")
    label = label_create(document=document, user=owner, entity_type_id=types["Borrower"], start=8, end=18)
    client = client_for(owner)
    assert client.delete(url(project, document, f"/labels/{label.pk}")).status_code == 204
    for response in (
        client.delete(url(project, document, f"/labels/{label.pk}")),
        send(client, "patch", url(project, document, f"/labels/{label.pk}"), {"entityTypeId": types["Amount"]}),
    ):
        assert response.status_code == 404
        assert response.json()["error"]["code"] == "NotFound"
        assert "someone may have removed it" in response.json()["error"]["message"]


def test_wrong_project_or_document_is_404(owner, project, types):
    client = client_for(owner)
    other = project_create(user=owner, name="other")
    documents_import(user=owner, project=other, documents=[DocumentData("x.txt", "Elsewhere.")])
    foreign_doc = other.documents.get()
    assert client.get(f"/api/projects/loans/documents/{foreign_doc.pk}").status_code == 404
    assert client.get("/api/projects/nope/documents/1").status_code == 404
    response = send(
        client,
        "post",
        f"/api/projects/loans/documents/{foreign_doc.pk}/labels",
        {"entityTypeId": types["Borrower"], "start": 0, "end": 4},
    )
    assert response.status_code == 404
    assert response.json()["error"]["message"] == f"Document {foreign_doc.pk} does not exist in project 'loans'."
    assert not Label.objects.exists()


def test_non_members_get_404_and_viewers_403_on_writes(owner, make_user, project, types):
    document = doc(project, "01.txt")
    label = label_create(document=document, user=owner, entity_type_id=types["Borrower"], start=8, end=18)
    stranger = client_for(make_user("eve"))
    assert stranger.get(url(project, document)).status_code == 404
    viewer = client_for(member(make_user, owner, project, "vic", Role.VIEWER))
    assert viewer.get(url(project, document)).json()["canLabel"] is False
    refusals = [
        send(
            viewer, "post", url(project, document, "/labels"), {"entityTypeId": types["Amount"], "start": 23, "end": 29}
        ),
        send(viewer, "patch", url(project, document, f"/labels/{label.pk}"), {"entityTypeId": types["Amount"]}),
        viewer.delete(url(project, document, f"/labels/{label.pk}")),
        send(viewer, "patch", url(project, document), {"dataset": "Train"}),
    ]
    for response in refusals:
        assert response.status_code == 403
        assert response.json()["error"]["code"] == "Forbidden"
        assert "Your role (viewer) does not allow you to" in response.json()["error"]["message"]
    assert Label.objects.get().entity_type_id == types["Borrower"]


def test_annotators_may_label_and_are_recorded(owner, make_user, project, types):
    document = doc(project, "01.txt")
    annotator = member(make_user, owner, project, "ann", Role.ANNOTATOR)
    client = client_for(annotator)
    created = send(
        client, "post", url(project, document, "/labels"), {"entityTypeId": types["Amount"], "start": 23, "end": 29}
    )
    assert created.status_code == 201
    label = Label.objects.get()
    assert label.created_by == annotator and label.updated_by == annotator


def test_dataset_can_be_set_and_cleared(owner, make_user, project):
    document = doc(project, "01.txt")
    client = client_for(member(make_user, owner, project, "ann", Role.ANNOTATOR))
    response = send(client, "patch", url(project, document), {"dataset": "Train"})
    assert response.status_code == 200 and response.json() == {"id": document.pk, "dataset": "Train"}
    document.refresh_from_db()
    assert document.dataset == "Train"
    assert send(client, "patch", url(project, document), {"dataset": ""}).json()["dataset"] == ""
    bad = send(client, "patch", url(project, document), {"dataset": "Validation"})
    assert bad.status_code == 400 and "is not one of Train, Test or unassigned" in bad.json()["error"]["message"]
    assert send(client, "patch", url(project, document), {}).status_code == 400


def test_session_writes_need_the_csrf_token(owner, project, types):
    client = client_for(owner, csrf=True)
    path = url(project, doc(project, "01.txt"), "/labels")
    body = {"entityTypeId": types["Borrower"], "start": 8, "end": 18}
    refused = send(client, "post", path, body)
    assert refused.status_code == 403 and "CSRF" in refused.json()["error"]["message"]
    page = client.get(f"/projects/loans/documents/{doc(project, '01.txt').pk}/label/")
    token = page.cookies["csrftoken"].value
    accepted = client.post(path, json.dumps(body), content_type="application/json", headers={"X-CSRFToken": token})
    assert accepted.status_code == 201


def test_signed_out_requests_are_401(project):
    response = Client().get("/api/projects/loans/documents/1")
    assert response.status_code == 401


def test_labeling_page_embeds_the_document_for_the_script(owner, project, types):
    document = doc(project, "02.txt")
    label_create(document=document, user=owner, entity_type_id=types["Borrower"], start=6, end=11)
    response = client_for(owner).get(f"/projects/loans/documents/{document.pk}/label/")
    assert response.status_code == 200
    html = response.content.decode()
    assert 'id="editor-data"' in html and 'type="module"' in html and "annotation/editor.js" in html
    data = json.loads(html.split('<script id="editor-data" type="application/json">')[1].split("</script>")[0])
    assert data["text"] == EMOJI_TEXT and data["labels"][0]["start"] == 6 and data["username"] == "owner"
    assert f'data-type-id="{types["Borrower"]}"' in html


def test_labeling_page_is_404_for_non_members(make_user, project):
    client = client_for(make_user("eve"))
    assert client.get(f"/projects/loans/documents/{doc(project, '01.txt').pk}/label/").status_code == 404
