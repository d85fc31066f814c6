"""Every page and every POST checks the user's role on the server; the UI only hides what the role cannot use."""

from __future__ import annotations

from dataclasses import dataclass

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.urls import resolve

from annotation.formats import DocumentData
from annotation.models import Document, EntityType, Label
from annotation.services.entity_types import entity_type_create
from annotation.services.imports import documents_import
from annotation.spans import Span
from projects.context_processors import project_permissions
from projects.models import Membership, Project, Role
from projects.services.projects import membership_set, project_create


@dataclass
class Team:
    """A project with one user per role, and a user outside it."""

    project: Project
    owner: object
    annotator: object
    viewer: object
    outsider: object

    def client(self, who: str) -> Client:
        client = Client()
        client.force_login(getattr(self, who))
        return client


def make_team(make_user, name: str = "loans", documents: int = 3) -> Team:
    owner = make_user("owner")
    project = project_create(user=owner, name=name)
    team = Team(project, owner, make_user("annie"), make_user("vic"), make_user("stranger"))
    membership_set(project=project, user=owner, username="annie", role=Role.ANNOTATOR)
    membership_set(project=project, user=owner, username="vic", role=Role.VIEWER)
    entity_type_create(project=project, user=owner, name="Person", shortcut="p")
    docs = [
        DocumentData(location=f"doc-{i:03d}.txt", text=f"Ann Lee signed note {i}.", labels=[Span(0, 7, "Person")])
        for i in range(documents)
    ]
    documents_import(user=owner, project=project, documents=docs)
    return team


def state() -> tuple:
    return (
        list(Project.objects.values_list("name", "language", "description")),
        list(EntityType.objects.values_list("name", "color", "shortcut")),
        list(Document.objects.values_list("location", "dataset")),
        list(Label.objects.values_list("document_id", "entity_type_id", "start", "end")),
        list(Membership.objects.values_list("user__username", "role")),
    )


def posts(team: Team) -> dict[str, tuple[str, dict]]:
    """Every POST of the pages, keyed by what it does."""
    base = f"/projects/{team.project.name}"
    entity_type = team.project.entity_types.get()
    document = team.project.documents.first()
    membership = Membership.objects.get(project=team.project, user=team.viewer)
    return {
        "settings": (f"{base}/settings/", {"language": "de", "description": "changed"}),
        "delete": (f"{base}/delete/", {"confirm_name": team.project.name}),
        "member-add": (f"{base}/members/", {"username": "stranger", "role": "owner"}),
        "member-remove": (f"{base}/members/{membership.pk}/remove/", {}),
        "schema-add": (f"{base}/schema/", {"name": "Date", "color": "#123456", "shortcut": "d"}),
        "schema-update": (f"{base}/schema/{entity_type.pk}/", {"name": "Renamed", "color": "#123456"}),
        "schema-delete": (f"{base}/schema/{entity_type.pk}/delete/", {"confirm": "on"}),
        "bulk-assign": (f"{base}/documents/bulk/", {"action": "assign", "to_dataset": "Test", "ids": [document.pk]}),
        "bulk-delete": (f"{base}/documents/bulk/", {"action": "delete", "ids": [document.pk], "confirm": "on"}),
        "upload": (f"{base}/documents/upload/", {"files": "new.txt", "format": "auto"}),
        "split": (f"{base}/split/", {"test_percent": "50", "seed": "1", "scope": "all", "stratify": "on"}),
    }


def send(client: Client, url: str, data: dict):
    if data.get("files") == "new.txt":
        data = {**data, "files": SimpleUploadedFile("new.txt", b"Fresh text.", content_type="text/plain")}
    return client.post(url, data)


ALL_ACTIONS = [
    "settings",
    "delete",
    "member-add",
    "member-remove",
    "schema-add",
    "schema-update",
    "schema-delete",
    "bulk-assign",
    "bulk-delete",
    "upload",
    "split",
]
MANAGE_ONLY = ["settings", "delete", "member-add", "member-remove", "schema-add", "schema-update", "schema-delete"]
MANAGE_ONLY += ["bulk-delete"]


@pytest.mark.parametrize("action", ALL_ACTIONS)
def test_viewer_gets_403_on_every_post_and_nothing_changes(make_user, action):
    team = make_team(make_user)
    url, data = posts(team)[action]
    before = state()
    response = send(team.client("viewer"), url, data)
    assert response.status_code == 403, (action, response.content[:500])
    assert b"does not allow you to" in response.content
    assert state() == before


@pytest.mark.parametrize("action", MANAGE_ONLY)
def test_annotator_gets_403_on_owner_actions(make_user, action):
    team = make_team(make_user)
    url, data = posts(team)[action]
    before = state()
    response = send(team.client("annotator"), url, data)
    assert response.status_code == 403, (action, response.content[:500])
    assert state() == before


@pytest.mark.parametrize("action", ["bulk-assign", "upload", "split"])
def test_annotator_may_assign_upload_and_split(make_user, action):
    team = make_team(make_user)
    url, data = posts(team)[action]
    response = send(team.client("annotator"), url, data)
    assert response.status_code == 302, (action, response.content[:1000])


@pytest.mark.parametrize("action", ALL_ACTIONS)
def test_owner_may_do_everything(make_user, action):
    team = make_team(make_user)
    url, data = posts(team)[action]
    response = send(team.client("owner"), url, data)
    assert response.status_code == 302, (action, response.content[:1000])


PAGES = [
    "",
    "documents/",
    "documents/?status=labeled",
    "schema/",
    "distribution/",
    "members/",
    "settings/",
    "export/",
    "export/?format=jsonl",
]


@pytest.mark.parametrize("page", PAGES)
def test_every_role_reads_every_page(make_user, page):
    team = make_team(make_user)
    for who in ("owner", "annotator", "viewer"):
        response = team.client(who).get(f"/projects/loans/{page}")
        assert response.status_code == 200, (who, page)


@pytest.mark.parametrize("page", [*PAGES, "documents/upload/", "schema/1/delete/"])
def test_non_member_gets_404_on_every_page(make_user, page):
    team = make_team(make_user)
    response = team.client("outsider").get(f"/projects/loans/{page}")
    assert response.status_code == 404
    assert b"could not be found" in response.content


def test_non_member_gets_404_on_every_post_and_nothing_changes(make_user):
    team = make_team(make_user)
    client = team.client("outsider")
    for action, (url, data) in posts(team).items():
        before = state()
        response = send(client, url, data)
        assert response.status_code == 404, action
        assert state() == before


def test_unknown_project_is_404_like_a_foreign_one(make_user):
    team = make_team(make_user)
    assert team.client("owner").get("/projects/nope/").status_code == 404


def test_pages_need_sign_in(make_user):
    make_team(make_user)
    for url in ("/", "/new/", "/projects/loans/", "/projects/loans/documents/"):
        response = Client().get(url)
        assert response.status_code == 302 and response["Location"].startswith("/login/")
    assert Client().post("/projects/loans/delete/", {"confirm_name": "loans"}).status_code == 302
    assert Project.objects.filter(name="loans").exists()


def test_forms_the_role_cannot_use_are_absent(make_user):
    team = make_team(make_user)
    viewer, annotator, owner = (team.client(who) for who in ("viewer", "annotator", "owner"))

    documents = viewer.get("/projects/loans/documents/").content.decode()
    assert 'name="ids"' not in documents and "Upload documents" not in documents
    assert "Add an entity type" not in viewer.get("/projects/loans/schema/").content.decode()
    settings = viewer.get("/projects/loans/settings/").content.decode()
    assert "Delete project" not in settings and "Save settings" not in settings
    assert "Add a member" not in viewer.get("/projects/loans/members/").content.decode()
    assert "Automatic split" not in viewer.get("/projects/loans/distribution/").content.decode()
    assert viewer.get("/projects/loans/documents/upload/").status_code == 403

    documents = annotator.get("/projects/loans/documents/").content.decode()
    assert 'value="assign"' in documents and 'value="delete"' not in documents
    assert "Upload documents" in documents
    assert "Delete project" not in annotator.get("/projects/loans/settings/").content.decode()
    assert "Automatic split" in annotator.get("/projects/loans/distribution/").content.decode()
    entity_type = team.project.entity_types.get()
    assert annotator.get(f"/projects/loans/schema/{entity_type.pk}/delete/").status_code == 403

    documents = owner.get("/projects/loans/documents/").content.decode()
    assert 'value="delete"' in documents
    assert "Delete project" in owner.get("/projects/loans/settings/").content.decode()


def test_nav_shows_the_role(make_user):
    team = make_team(make_user)
    page = team.client("viewer").get("/projects/loans/documents/").content.decode()
    assert 'class="badge role role-viewer"' in page
    assert 'aria-current="page">Documents<' in page


def test_context_processor_gives_any_project_page_the_role(make_user, rf):
    team = make_team(make_user)
    request = rf.get("/projects/loans/documents/")
    request.resolver_match = resolve("/projects/loans/documents/")
    for who, role, manage in (("annotator", "annotator", False), ("owner", "owner", True), ("outsider", None, False)):
        request.user = getattr(team, who)
        perms = project_permissions(request)["project_perms"]
        assert (perms.role, perms.manage, perms.view) == (role, manage, role is not None)
    request = rf.get("/")
    request.resolver_match = resolve("/")
    request.user = team.owner
    assert project_permissions(request) == {}
