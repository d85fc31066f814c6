"""Project pages: list, create, overview, settings, typed-confirmation delete and members."""

from __future__ import annotations

from django.test import Client

from projects.models import Activity, Membership, Project, Role
from projects.services.projects import project_create
from tests.annotation.test_pages_permissions import make_team


def signed_in(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


def test_empty_studio_offers_the_sample_and_a_new_project(make_user):
    page = signed_in(make_user("newcomer")).get("/").content.decode()
    assert "You have no projects yet" in page
    assert "Load the sample project" in page and 'href="/new/"' in page
    assert "Sign out" in page


def test_project_list_shows_counts_and_role_and_only_my_projects(make_user):
    team = make_team(make_user, documents=4)
    other = project_create(user=team.outsider, name="secret")
    page = signed_in(team.viewer).get("/").content.decode()
    assert "loans" in page and other.name not in page
    assert "<dt>Documents</dt><dd>4</dd>" in page
    assert "<dt>Labeled</dt><dd>4</dd>" in page
    assert "<dt>Entity types</dt><dd>1</dd>" in page
    assert "role-viewer" in page
    assert "You have no projects yet" not in page


def test_create_project_makes_me_owner_and_goes_to_the_schema(make_user):
    user = make_user("maker")
    response = signed_in(user).post(
        "/new/", {"name": "contracts", "language": "de", "multilingual": "on", "description": "Verträge"}
    )
    assert response.status_code == 302 and response["Location"] == "/projects/contracts/schema/"
    project = Project.objects.get(name="contracts")
    assert (project.language, project.multilingual, project.description) == ("de", True, "Verträge")
    assert Membership.objects.get(project=project, user=user).role == Role.OWNER


def test_create_project_refuses_bad_and_taken_names_on_the_name_field(make_user):
    client = signed_in(make_user("maker"))
    response = client.post("/new/", {"name": "bad name!", "language": "en-us"})
    assert response.status_code == 400
    assert "is invalid: use 1-50 characters" in response.content.decode()
    assert 'aria-invalid="true"' in response.content.decode()
    client.post("/new/", {"name": "taken", "language": "en-us"})
    response = client.post("/new/", {"name": "taken", "language": "en-us"})
    assert response.status_code == 400 and "already exists" in response.content.decode()
    response = client.post("/new/", {"name": "global", "language": "en-us"})
    assert response.status_code == 400 and "reserved" in response.content.decode()
    assert list(Project.objects.values_list("name", flat=True)) == ["taken"]


def test_overview_shows_totals_per_type_bars_and_activity(make_user):
    team = make_team(make_user, documents=3)
    page = signed_in(team.owner).get("/projects/loans/").content.decode()
    assert '<span class="stat-value">3</span><span class="stat-label">Documents</span>' in page
    assert "Labels per entity type" in page and "Person" in page
    assert "Recent activity" in page and "uploaded 3 documents" in page


def test_settings_save(make_user):
    team = make_team(make_user)
    response = signed_in(team.owner).post(
        "/projects/loans/settings/", {"language": "fr", "multilingual": "on", "description": "new"}
    )
    assert response.status_code == 302
    team.project.refresh_from_db()
    assert (team.project.language, team.project.multilingual, team.project.description) == ("fr", True, "new")
    follow = signed_in(team.owner).get("/projects/loans/settings/")
    assert follow.status_code == 200


def test_delete_needs_the_typed_name(make_user):
    team = make_team(make_user)
    client = signed_in(team.owner)
    for typed in ("", "Loans", "loans "):
        response = client.post("/projects/loans/delete/", {"confirm_name": typed})
        assert response.status_code == 400
        assert Project.objects.filter(name="loans").exists()
    assert "Type &#x27;loans&#x27; exactly" in response.content.decode()
    response = client.post("/projects/loans/delete/", {"confirm_name": "loans"}, follow=True)
    assert not Project.objects.filter(name="loans").exists()
    assert (
        "Project &#x27;loans&#x27; and all its documents, labels, models and deployments were deleted."
        in response.content.decode()
    )


def test_delete_only_by_post(make_user):
    team = make_team(make_user)
    assert signed_in(team.owner).get("/projects/loans/delete/").status_code == 405
    assert Project.objects.filter(name="loans").exists()


def test_members_add_change_and_remove(make_user):
    team = make_team(make_user)
    client = signed_in(team.owner)
    response = client.post("/projects/loans/members/", {"username": "stranger", "role": "annotator"}, follow=True)
    assert "stranger is now annotator." in response.content.decode()
    assert Membership.objects.get(project=team.project, user=team.outsider).role == Role.ANNOTATOR
    client.post("/projects/loans/members/", {"username": "stranger", "role": "viewer"})
    membership = Membership.objects.get(project=team.project, user=team.outsider)
    assert membership.role == Role.VIEWER
    client.post(f"/projects/loans/members/{membership.pk}/remove/")
    assert not Membership.objects.filter(project=team.project, user=team.outsider).exists()
    assert Activity.objects.filter(project=team.project, verb="member").count() >= 3


def test_members_unknown_user_and_last_owner(make_user):
    team = make_team(make_user)
    client = signed_in(team.owner)
    response = client.post("/projects/loans/members/", {"username": "ghost", "role": "viewer"})
    assert response.status_code == 400 and "There is no user named &#x27;ghost&#x27;." in response.content.decode()
    own = Membership.objects.get(project=team.project, user=team.owner)
    response = client.post(f"/projects/loans/members/{own.pk}/remove/", follow=True)
    assert "at least one owner" in response.content.decode()
    response = client.post("/projects/loans/members/", {"username": "owner", "role": "viewer"})
    assert response.status_code == 400 and "at least one owner" in response.content.decode()
    assert Membership.objects.get(pk=own.pk).role == Role.OWNER


def test_owner_who_leaves_goes_back_to_the_list(make_user):
    team = make_team(make_user)
    client = signed_in(team.owner)
    client.post("/projects/loans/members/", {"username": "annie", "role": "owner"})
    own = Membership.objects.get(project=team.project, user=team.owner)
    response = client.post(f"/projects/loans/members/{own.pk}/remove/")
    assert response["Location"] == "/"


def test_error_pages_keep_the_layout(make_user):
    team = make_team(make_user)
    response = signed_in(team.annotator).post("/projects/loans/delete/", {"confirm_name": "loans"})
    page = response.content.decode()
    assert response.status_code == 403
    assert "Not allowed" in page and "Your role (annotator) does not allow you to" in page
    assert "Back to projects" in page and "Sign out" in page
