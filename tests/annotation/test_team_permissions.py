"""Every team-workflow page and API checks the role on the server: a matrix of role × endpoint, with JSON errors
from the APIs (never an HTML 500) and nothing changed by a refused request."""

import pytest

from annotation.models import Assignment, Document, Label
from tests.annotation.team import api, client_for, doc, send, team_project

ROLES = ["owner", "rita", "ann", "vic", "eve"]  # eve is no member


@pytest.fixture
def team(make_user, owner):
    project, users, types = team_project(make_user, owner)
    users["eve"] = make_user("eve")
    return project, users, types


PAGES = {  # path -> the roles that may open it
    "history": {"owner", "rita", "ann", "vic"},
    "adjudicate": {"owner", "rita"},
    "agreement": {"owner", "rita", "ann", "vic"},
}


@pytest.mark.parametrize("role", ROLES)
@pytest.mark.parametrize("page", sorted(PAGES))
def test_pages_per_role(team, role, page):
    project, users, _ = team
    document = doc(project, "01.txt")
    path = {
        "history": f"/projects/{project.name}/documents/{document.pk}/history/",
        "adjudicate": f"/projects/{project.name}/documents/{document.pk}/adjudicate/",
        "agreement": f"/projects/{project.name}/agreement/",
    }[page]
    status = client_for(users[role]).get(path).status_code
    if role in PAGES[page]:
        assert status == 200
    else:
        assert status == (404 if role == "eve" else 403)


APIS = {  # name -> (roles allowed, body)
    "review": ({"owner", "rita"}, {"status": "reviewed"}),
    "adjudication": ({"owner", "rita"}, {"labels": []}),
    "assignments": ({"owner"}, None),
}


@pytest.mark.parametrize("role", ROLES)
@pytest.mark.parametrize("name", sorted(APIS))
def test_apis_per_role(team, role, name):
    project, users, _ = team
    document = doc(project, "01.txt")
    allowed, body = APIS[name]
    if name == "assignments":
        path, body = f"/api/projects/{project.name}/assignments", {"documentIds": [document.pk], "usernames": ["ann"]}
    else:
        path = api(project, document, f"/{name}")
    response = send(client_for(users[role]), "post", path, body)
    assert response["Content-Type"].startswith("application/json")
    if role in allowed:
        assert response.status_code == 200, response.content
        return
    assert response.status_code == (404 if role == "eve" else 403)
    assert response.json()["error"]["message"]
    document.refresh_from_db()
    assert document.review_status == "" and document.adjudicated_at is None
    assert not Assignment.objects.exists()
    assert Label.objects.filter(document=document).count() == 1


@pytest.mark.parametrize("name", ["review", "adjudication"])
def test_apis_answer_json_for_a_missing_document_and_a_bad_body(team, name):
    project, users, _ = team
    client = client_for(users["owner"])
    missing = send(client, "post", f"/api/projects/{project.name}/documents/99999/{name}", {})
    assert missing.status_code == 404 and missing.json()["error"]["code"] == "NotFound"
    bad = send(client, "post", api(project, doc(project, "01.txt"), f"/{name}"), raw="{not json")
    assert bad.status_code == 400 and bad.json()["error"]["message"]
    assert Document.objects.filter(review_status="").count() == 3


@pytest.mark.parametrize("role", ROLES)
def test_reading_the_review_is_for_members(team, role):
    project, users, _ = team
    response = client_for(users[role]).get(api(project, doc(project, "01.txt"), "/review"))
    assert response["Content-Type"].startswith("application/json")
    assert response.status_code == (404 if role == "eve" else 200)
