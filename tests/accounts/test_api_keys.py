"""API keys: scoped to projects and a role, shown once, revoked, last use recorded cheaply; pages and command."""

from __future__ import annotations

import re
from datetime import timedelta
from io import StringIO

import pytest
from django.core.management import CommandError, call_command
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext

from projects.authentication import hash_key
from projects.models import ApiKey, Project, Role
from projects.services.api_keys import api_key_create, api_key_project_remove
from projects.services.projects import membership_set, project_create
from studio.exceptions import InvalidInput
from tests.conftest import AzureClient, small_project


@pytest.fixture
def team(make_user):
    owner = make_user("olga")
    p1 = project_create(user=owner, name="p1")
    p2 = project_create(user=owner, name="p2")
    viewer = make_user("vic", create_projects=False)
    membership_set(project=p1, user=owner, username="vic", role=Role.VIEWER)
    return {"owner": owner, "viewer": viewer, "p1": p1, "p2": p2}


def signed_in(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


def test_a_viewer_key_only_reads_its_project_whatever_its_creator_may_do(team):
    api = AzureClient(api_key_create(user=team["owner"], name="reader", projects=[team["p1"]], role=Role.VIEWER))
    assert api.get("/projects/p1").status_code == 200
    assert [p["projectName"] for p in api.get("/projects").json()["value"]] == ["p1"]
    refused = api.patch("/projects/p1", {"description": "changed"})
    assert refused.status_code == 403 and refused.json()["error"]["code"] == "Forbidden"
    assert "(viewer)" in refused.json()["error"]["message"]
    assert api.delete("/projects/p1").status_code == 403
    other = api.get("/projects/p2")
    assert other.status_code == 404 and other.json()["error"]["innererror"]["code"] == "ProjectNotFound"
    created = api.patch("/projects/new-one", {"language": "en-us"})
    assert created.status_code == 403
    assert created.json()["error"]["message"] == "This API key is scoped to its projects and cannot create projects."


def test_an_owner_key_is_narrowed_to_its_users_role(team):
    """A key acts as its user: when the user is made viewer, an owner key of theirs only reads."""
    owner2 = team["owner"]
    membership_set(project=team["p1"], user=owner2, username="vic", role=Role.OWNER)
    api = AzureClient(api_key_create(user=team["viewer"], name="vic owner", projects=[team["p1"]], role=Role.OWNER))
    assert api.patch("/projects/p1", {"description": "by key"}).status_code == 200
    membership_set(project=team["p1"], user=owner2, username="vic", role=Role.VIEWER)
    assert api.patch("/projects/p1", {"description": "again"}).status_code == 403
    assert api.get("/projects/p1").status_code == 200


def test_a_key_cannot_be_made_for_more_than_its_user_may_do(team):
    with pytest.raises(InvalidInput, match="Your role in project 'p1' does not allow a key with role annotator"):
        api_key_create(user=team["viewer"], name="x", projects=[team["p1"]], role=Role.ANNOTATOR)
    with pytest.raises(InvalidInput, match="Your role in project 'p2' does not allow"):
        api_key_create(user=team["viewer"], name="x", projects=[team["p2"]], role=Role.VIEWER)
    with pytest.raises(InvalidInput, match="Choose at least one project"):
        api_key_create(user=team["viewer"], name="x", projects=[], role=Role.VIEWER)
    with pytest.raises(InvalidInput, match="Name the key"):
        api_key_create(user=team["viewer"], name="  ", projects=[team["p1"]], role=Role.VIEWER)
    assert not ApiKey.objects.exists()


def test_a_revoked_key_is_refused_and_stays_listed(team):
    raw = api_key_create(user=team["owner"], name="gone", projects=[team["p1"]], role=Role.VIEWER)
    key = ApiKey.objects.get(name="gone")
    response = signed_in(team["owner"]).post(f"/account/api-keys/{key.pk}/revoke/")
    assert response.status_code == 302
    refused = AzureClient(raw).get("/projects/p1")
    assert refused.status_code == 401 and "invalid subscription key" in refused.json()["error"]["message"]
    page = signed_in(team["owner"]).get("/account/").content.decode()
    assert "gone" in page and "Revoked" in page


def test_someone_elses_key_cannot_be_revoked_from_the_account_page(team):
    api_key_create(user=team["owner"], name="olgas", projects=[team["p1"]], role=Role.VIEWER)
    key = ApiKey.objects.get()
    assert signed_in(team["viewer"]).post(f"/account/api-keys/{key.pk}/revoke/").status_code == 404
    assert ApiKey.objects.get().revoked_at is None


def test_last_use_is_written_at_most_once_a_minute_and_only_by_authentication(team):
    raw = api_key_create(user=team["owner"], name="poller", projects=[team["p1"]], role=Role.VIEWER)
    api = AzureClient(raw)
    api.get("/projects/p1")
    first = ApiKey.objects.get().last_used_at
    assert first is not None
    with CaptureQueriesContext(connection) as queries:
        api.get("/projects/p1")
    assert not [q for q in queries if q["sql"].lstrip().upper().startswith("UPDATE")]
    ApiKey.objects.update(last_used_at=first - timedelta(seconds=61))
    api.get("/projects/p1")
    assert ApiKey.objects.get().last_used_at > first


def _shown_key(page: str) -> str | None:
    match = re.search(r'id="new-key" class="secret-value" type="text" readonly value="([^"]+)"', page)
    return match[1] if match else None


def test_account_page_shows_a_new_key_once_and_stores_only_its_hash(team):
    client = signed_in(team["viewer"])
    response = client.post("/account/", {"name": "notebook", "role": Role.VIEWER, "projects": ["p1"]})
    assert response.status_code == 303 and response["Location"] == "/account/"  # a reload re-sends no POST
    shown = client.get("/account/")
    assert shown.status_code == 200 and "no-store" in shown["Cache-Control"]
    page = shown.content.decode()
    key = ApiKey.objects.get(name="notebook")
    raw = _shown_key(page)
    assert key.key_hash == hash_key(raw) and raw not in (key.key_hash, key.prefix)
    assert "shown only once" in page
    reloaded = client.get("/account/").content.decode()
    assert raw not in reloaded and _shown_key(reloaded) is None  # never again
    assert ApiKey.objects.count() == 1
    assert AzureClient(raw).get("/projects/p1").status_code == 200
    # The form offers only the user's projects, and refuses a role above theirs with the reason.
    refused = client.post("/account/", {"name": "more", "role": Role.OWNER, "projects": ["p1"]})
    assert refused.status_code == 400
    assert "does not allow a key with role owner" in refused.content.decode()
    assert client.post("/account/", {"name": "x", "role": "viewer", "projects": ["p2"]}).status_code == 400
    assert ApiKey.objects.count() == 1


def test_a_new_project_key_is_shown_by_the_one_get_after_the_redirect(team):
    owner = signed_in(team["owner"])
    created = owner.post("/projects/p1/api-keys/", {"name": "ci", "role": Role.VIEWER})
    assert created.status_code == 303 and created["Location"] == "/projects/p1/api-keys/"
    shown = owner.get("/projects/p1/api-keys/")
    assert shown.status_code == 200 and "no-store" in shown["Cache-Control"]
    raw = _shown_key(shown.content.decode())
    assert ApiKey.objects.get().key_hash == hash_key(raw)
    reloaded = owner.get("/projects/p1/api-keys/").content.decode()
    assert raw not in reloaded and _shown_key(reloaded) is None
    # Kept for that page only: another page's GET in between drops it rather than keeping it around.
    owner.post("/projects/p1/api-keys/", {"name": "ci2", "role": Role.VIEWER})
    owner.get("/account/")
    assert _shown_key(owner.get("/projects/p1/api-keys/").content.decode()) is None
    assert ApiKey.objects.count() == 2


def test_project_owners_create_list_and_revoke_the_projects_keys(team):
    api_key_create(user=team["viewer"], name="vics key", projects=[team["p1"]], role=Role.VIEWER)
    owner = signed_in(team["owner"])
    page = owner.get("/projects/p1/api-keys/").content.decode()
    assert "vics key" in page and "vic" in page
    created = owner.post("/projects/p1/api-keys/", {"name": "ci", "role": Role.ANNOTATOR})
    assert created.status_code == 303
    key = ApiKey.objects.get(name="ci")
    assert key.role == Role.ANNOTATOR and [p.name for p in key.projects.all()] == ["p1"] and key.user == team["owner"]
    vics = ApiKey.objects.get(name="vics key")
    assert owner.post(f"/projects/p1/api-keys/{vics.pk}/revoke/").status_code == 302
    assert ApiKey.objects.get(name="vics key").revoked_at is not None
    # A key of another project is not this project's to revoke.
    elsewhere = ApiKey.objects.get(pk=ApiKey.objects.create(user=team["owner"], name="p2", key_hash="x" * 64).pk)
    assert owner.post(f"/projects/p1/api-keys/{elsewhere.pk}/revoke/").status_code == 404
    viewer = signed_in(team["viewer"])
    assert viewer.get("/projects/p1/api-keys/").status_code == 403
    assert viewer.post("/projects/p1/api-keys/", {"name": "mine", "role": "viewer"}).status_code == 403


def test_keys_reach_the_runtime_and_ui_apis_only_in_their_scope(team, deploy_tiny):
    deploy_tiny(team["p1"], user=team["owner"])
    viewer_key = api_key_create(user=team["owner"], name="rt", projects=[team["p1"]], role=Role.VIEWER)
    other_key = api_key_create(user=team["owner"], name="rt2", projects=[team["p2"]], role=Role.OWNER)
    body = {
        "kind": "CustomEntityRecognition",
        "analysisInput": {"documents": [{"id": "1", "text": "Loan to Ana López for $5,000."}]},
        "parameters": {"projectName": "p1", "deploymentName": "prod"},
    }
    client = Client()
    url = "/language/:analyze-text?api-version=2023-04-01"
    answer = client.post(url, body, content_type="application/json", headers={"Ocp-Apim-Subscription-Key": viewer_key})
    assert answer.status_code == 200, answer.content
    hidden = client.post(url, body, content_type="application/json", headers={"Ocp-Apim-Subscription-Key": other_key})
    assert hidden.status_code == 404 and hidden.json()["error"]["innererror"]["code"] == "ProjectNotFound"


def test_createapikey_makes_scoped_keys_for_scripts(team):
    out = StringIO()
    call_command("createapikey", "etl", "--user", "olga", "--project", "p1", "--role", "viewer", stdout=out)
    raw = out.getvalue().strip().splitlines()[-1]
    key = ApiKey.objects.get(name="etl")
    assert key.role == "viewer" and [p.name for p in key.projects.all()] == ["p1"]
    assert AzureClient(raw).patch("/projects/p1", {"description": "x"}).status_code == 403
    with pytest.raises(CommandError, match="no project named 'nope'"):
        call_command("createapikey", "x", "--user", "olga", "--project", "nope", "--role", "viewer")
    with pytest.raises(CommandError, match="Choose at least one project"):
        call_command("createapikey", "x", "--user", "olga", "--role", "viewer")


def test_an_unscoped_key_still_acts_as_its_user(team):
    api = AzureClient(api_key_create(user=team["owner"], name="script"))
    assert api.patch("/projects/p2", {"description": "ok"}).status_code == 200
    assert api.post("/projects/fresh/:import", small_project("fresh")).status_code == 202


@pytest.fixture
def shared_key(team, make_user):
    """Vic's key for p1 (olga's project, where vic views) and for vic's own project, which olga cannot see."""
    vics_own = project_create(user=team["viewer"], name="vics-hideout")
    raw = api_key_create(user=team["viewer"], name="vic both", projects=[team["p1"], vics_own], role=Role.VIEWER)
    return raw, ApiKey.objects.get(name="vic both")


def test_revoking_from_a_project_page_takes_the_key_out_of_that_project_only(team, shared_key):
    raw, key = shared_key
    owner = signed_in(team["owner"])
    response = owner.post(f"/projects/p1/api-keys/{key.pk}/revoke/", follow=True)
    assert "Key &#x27;vic both&#x27; no longer reaches p1; it still works in its other projects." in (
        response.content.decode()
    )
    key.refresh_from_db()
    assert key.revoked_at is None and [p.name for p in key.projects.all()] == ["vics-hideout"]
    api = AzureClient(raw)
    assert api.get("/projects/p1").status_code == 404
    assert api.get("/projects/vics-hideout").status_code == 200
    assert 'data-key="vic both"' not in owner.get("/projects/p1/api-keys/").content.decode()
    # From its last project's page, the key is revoked (its scope kept as the record of what it reached).
    vic = signed_in(team["viewer"])
    last = vic.post(f"/projects/vics-hideout/api-keys/{key.pk}/revoke/", follow=True).content.decode()
    assert "Key &#x27;vic both&#x27; revoked; it no longer works." in last
    key.refresh_from_db()
    assert key.revoked_at is not None and key.role == Role.VIEWER
    assert [p.name for p in key.projects.all()] == ["vics-hideout"]
    assert api.get("/projects").status_code == 401


def test_revoking_from_the_account_page_revokes_the_key_in_all_its_projects(team, shared_key):
    raw, key = shared_key
    assert signed_in(team["viewer"]).post(f"/account/api-keys/{key.pk}/revoke/").status_code == 302
    key.refresh_from_db()
    assert key.revoked_at is not None and key.projects.count() == 2
    assert AzureClient(raw).get("/projects/vics-hideout").status_code == 401


def test_removing_its_last_project_revokes_a_key_rather_than_leave_it_unscoped(team):
    raw = api_key_create(user=team["owner"], name="only p1", projects=[team["p1"]], role=Role.OWNER)
    key = api_key_project_remove(key=ApiKey.objects.get(name="only p1"), project=team["p1"])
    assert key.revoked_at is not None and key.scoped and [p.name for p in key.projects.all()] == ["p1"]
    assert AzureClient(raw).get("/projects").status_code == 401
    # A scoped key whose projects are all gone (deleted) reaches nothing: an empty scope never means "everywhere".
    raw = api_key_create(user=team["owner"], name="only p2", projects=[team["p2"]], role=Role.OWNER)
    Project.objects.filter(name="p2").delete()
    api = AzureClient(raw)
    assert api.get("/projects").json()["value"] == []
    assert api.get("/projects/p1").status_code == 404


def test_a_projects_key_list_names_no_project_its_owner_cannot_see(team, shared_key):
    page = signed_in(team["owner"]).get("/projects/p1/api-keys/").content.decode()
    row = page.split('data-key="vic both"')[1].split("</tr>")[0]
    assert "vics-hideout" not in page
    assert "p1 and 1 project you cannot see" in row
    own = signed_in(team["viewer"]).get("/account/").content.decode()
    assert "p1, vics-hideout" in own.split('data-key="vic both"')[1].split("</tr>")[0]


def test_key_lists_are_paged(team):
    ApiKey.objects.bulk_create(
        ApiKey(user=team["owner"], name=f"k{i}", prefix="abcd", key_hash=f"{i:064d}") for i in range(55)
    )
    client = signed_in(team["owner"])
    first = client.get("/account/").content.decode()
    assert first.count("data-key=") == 50 and "Page 1 of 2" in first
    assert client.get("/account/?page=2").content.decode().count("data-key=") == 5


def test_the_key_pages_cost_the_same_queries_however_many_keys(team, make_user):
    def queries(path: str) -> int:
        with CaptureQueriesContext(connection) as captured:
            assert signed_in(team["owner"]).get(path).status_code == 200
        return len(captured)

    api_key_create(user=team["owner"], name="first", projects=[team["p1"]], role=Role.VIEWER)
    before = {path: queries(path) for path in ("/account/", "/projects/p1/api-keys/")}
    for i in range(5):
        user = make_user(f"u{i}")
        membership_set(project=team["p1"], user=team["owner"], username=user.username, role=Role.OWNER)
        own = project_create(user=user, name=f"own{i}")
        api_key_create(user=user, name=f"k{i}", projects=[team["p1"], own], role=Role.VIEWER)
        api_key_create(user=team["owner"], name=f"mine{i}", projects=[team["p1"], team["p2"]], role=Role.VIEWER)
    assert {path: queries(path) for path in before} == before
