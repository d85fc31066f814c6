"""Who may create projects (a studio-level permission), and names that do not reveal projects one cannot see."""

from __future__ import annotations

from django.test import Client

from projects.models import Project
from projects.services.api_keys import api_key_create
from projects.services.projects import project_create
from tests.conftest import AzureClient, small_project

NOT_ALLOWED = "You may not create projects; a studio administrator can allow you to."


def signed_in(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


def test_the_create_page_sample_and_list_refuse_users_without_the_permission(make_user):
    client = signed_in(make_user("ann", create_projects=False))
    page = client.get("/new/")
    assert page.status_code == 403 and NOT_ALLOWED in page.content.decode()
    assert client.post("/new/", {"name": "x", "language": "en-us"}).status_code == 403
    assert client.post("/sample/").status_code == 403
    listing = client.get("/").content.decode()
    assert 'href="/new/"' not in listing and "Load the sample project" not in listing
    assert "a studio administrator can allow you to create projects" in listing
    assert not Project.objects.exists()


def test_the_authoring_api_refuses_create_and_import_into_a_new_project(make_user):
    api = AzureClient(api_key_create(user=make_user("ann", create_projects=False), name="k"))
    for response in (
        api.patch("/projects/new", {"language": "en-us", "projectKind": "CustomEntityRecognition"}),
        api.post("/projects/new/:import", small_project("new")),
    ):
        assert response.status_code == 403
        assert response.json()["error"] == {
            "code": "Forbidden",
            "message": NOT_ALLOWED,
            "innererror": {"code": "Forbidden", "message": NOT_ALLOWED},
        }
        assert response["x-ms-error-code"] == "Forbidden"
    assert not Project.objects.exists()


def test_granted_users_and_administrators_may_create(make_user):
    assert signed_in(make_user("bo")).post("/new/", {"name": "mine", "language": "en-us"}).status_code == 302
    root = AzureClient(api_key_create(user=make_user("root", superuser=True), name="k"))
    assert root.patch("/projects/rooted", {"language": "en-us"}).status_code == 201


def test_a_taken_name_is_not_confirmed_to_someone_who_cannot_see_it(make_user):
    owner = make_user("olga")
    project_create(user=owner, name="secret")
    other = make_user("bo")
    page = signed_in(other).post("/new/", {"name": "secret", "language": "en-us"})
    assert page.status_code == 400
    body = page.content.decode()
    assert "The name &#x27;secret&#x27; is not available; choose another." in body and "already exists" not in body
    api = AzureClient(api_key_create(user=other, name="k"))
    for response in (
        api.patch("/projects/secret", {"language": "en-us"}),
        api.post("/projects/secret/:import", small_project("secret")),
    ):
        assert response.status_code == 409
        assert response.json()["error"]["message"] == "The name 'secret' is not available; choose another."
    # Its owner is told plainly.
    mine = signed_in(owner).post("/new/", {"name": "secret", "language": "en-us"})
    assert "A project named &#x27;secret&#x27; already exists." in mine.content.decode()
    assert Project.objects.get(name="secret").description == ""
