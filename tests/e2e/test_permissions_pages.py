"""Roles in the browser: controls a role cannot use are hidden, and the server refuses forged requests."""

from annotation.models import EntityType
from annotation.services.entity_types import entity_type_create
from projects.models import Project, Role
from projects.services.projects import membership_set, project_create


def team(make_user) -> dict:
    """The project "shared" and its members by username."""
    owner = make_user("owner")
    project = project_create(user=owner, name="shared")
    entity_type_create(project=project, user=owner, name="Person")
    users = {"owner": owner}
    for username, role in (("annie", Role.ANNOTATOR), ("vic", Role.VIEWER)):
        users[username] = make_user(username)
        membership_set(project=project, user=owner, username=username, role=role)
    return users


def csrf_token(page) -> str:
    return page.locator("input[name=csrfmiddlewaretoken]").first.input_value()


def test_annotator_cannot_delete_the_project(live_server, page, login, make_user):
    login(team(make_user)["annie"])
    page.goto(f"{live_server.url}/projects/shared/settings/")
    assert page.get_by_role("button", name="Delete project").count() == 0
    response = page.request.post(
        f"{live_server.url}/projects/shared/delete/",
        form={"csrfmiddlewaretoken": csrf_token(page), "confirm_name": "shared"},
    )
    assert response.status == 403
    assert "does not allow you to" in response.text()
    assert Project.objects.filter(name="shared").exists()


def test_viewer_sees_no_edit_controls_and_the_server_refuses(live_server, page, login, make_user):
    login(team(make_user)["vic"])
    page.goto(f"{live_server.url}/projects/shared/schema/")
    assert page.get_by_role("button", name="Add entity type").count() == 0
    assert page.locator("input[name=name]").count() == 0
    assert page.locator(".badge.role-viewer").inner_text() == "Viewer"
    page.goto(f"{live_server.url}/projects/shared/documents/")
    assert page.get_by_role("link", name="Upload documents").count() == 0
    token = csrf_token(page)
    for path, form in [
        ("schema/", {"name": "Sneaky"}),
        ("documents/bulk/", {"action": "delete", "scope": "filter", "confirm": "on"}),
        ("settings/", {"language": "de"}),
    ]:
        response = page.request.post(
            f"{live_server.url}/projects/shared/{path}", form={"csrfmiddlewaretoken": token, **form}
        )
        assert response.status == 403, path
    assert list(EntityType.objects.values_list("name", flat=True)) == ["Person"]
    assert Project.objects.get(name="shared").language == "en-us"
