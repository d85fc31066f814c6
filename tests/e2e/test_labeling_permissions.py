"""Roles in the labeling view: viewers read but cannot label (no controls, and the server refuses a forged
request); non-members do not learn the project exists."""

from __future__ import annotations

from playwright.sync_api import expect

from annotation.formats import DocumentData
from annotation.models import Label
from annotation.services.entity_types import entity_type_create
from annotation.services.imports import documents_import
from annotation.services.labels import label_create
from projects.models import Role
from projects.services.projects import membership_set, project_create

TEXT = "Loan to John Smith for $5,000."


def setup_project(make_user):
    owner = make_user("olivia")
    project = project_create(user=owner, name="loans")
    person = entity_type_create(project=project, user=owner, name="Person", shortcut="p")
    documents_import(user=owner, project=project, documents=[DocumentData("01.txt", TEXT)])
    document = project.documents.get()
    label_create(document=document, user=owner, entity_type_id=person.pk, start=8, end=18)
    return owner, project, person, document


def test_a_viewer_sees_labels_but_cannot_label(live_server, page, login, make_user):
    owner, project, person, document = setup_project(make_user)
    viewer = make_user("vic")
    membership_set(project=project, user=owner, username="vic", role=Role.VIEWER)
    login(viewer)
    page.goto(f"{live_server.url}/projects/loans/documents/{document.pk}/label/")
    expect(page.locator("#labeler")).to_have_attribute("data-ready", "1")
    expect(page.locator("mark.ent")).to_have_text(["John Smith"])
    expect(page.get_by_role("note")).to_contain_text("your role (viewer) does not allow labeling")
    for control in (".palette", "#undo", "#redo", "#snap", "#dataset"):
        expect(page.locator(control)).to_have_count(0)

    # Selecting and pressing the key changes nothing; the label's popover only informs.
    box = page.locator("#doc-text").bounding_box()
    page.mouse.move(box["x"] + 2, box["y"] + 12)
    page.mouse.down()
    page.mouse.move(box["x"] + 60, box["y"] + 12, steps=5)
    page.mouse.up()
    page.keyboard.press("p")
    page.locator("mark.ent").click()
    expect(page.locator("#label-popover")).to_be_visible()
    expect(page.locator("#label-popover button[data-type-id]")).to_have_count(0)
    expect(page.locator("#label-popover .pop-remove")).to_have_count(0)
    page.keyboard.press("Delete")
    expect(page.locator("#labeler")).to_have_attribute("data-pending", "0")

    # A forged request with the viewer's session and a valid CSRF token is refused by the server.
    csrf = next(c["value"] for c in page.context.cookies() if c["name"] == "csrftoken")
    base = f"{live_server.url}/api/projects/loans/documents/{document.pk}"
    forged = page.request.post(
        f"{base}/labels",
        data={"entityTypeId": person.pk, "start": 0, "end": 4},
        headers={"X-CSRFToken": csrf},
    )
    assert forged.status == 403
    assert forged.json()["error"]["code"] == "Forbidden"
    assert "Your role (viewer) does not allow you to label documents" in forged.json()["error"]["message"]
    assert page.request.delete(f"{base}/labels/{Label.objects.get().pk}", headers={"X-CSRFToken": csrf}).status == 403
    assert [(x.start, x.end) for x in Label.objects.all()] == [(8, 18)]


def test_a_non_member_gets_not_found(live_server, page, login, make_user):
    _, _, _, document = setup_project(make_user)
    login(make_user("eve"))
    response = page.goto(f"{live_server.url}/projects/loans/documents/{document.pk}/label/")
    assert response.status == 404
    api = page.request.get(f"{live_server.url}/api/projects/loans/documents/{document.pk}")
    assert api.status == 404 and api.json()["error"]["code"] == "NotFound"
