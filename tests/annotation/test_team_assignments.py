"""Assignment: owners assign documents (a selection or the list's filter) to members; an annotator's list shows
"assigned to me" first and filters by it; the overview shows progress per annotator."""

import pytest

from annotation.models import Assignment, ReviewStatus
from annotation.selectors_team import annotator_progress
from annotation.services.assignments import documents_assign
from annotation.services.labels import label_create
from tests.annotation.team import client_for, doc, send, team_project


@pytest.fixture
def team(make_user, owner):
    return team_project(make_user, owner)


def bulk(client, project, **fields):
    return client.post(f"/projects/{project.name}/documents/bulk/", fields)


def test_owner_assigns_a_selection_to_a_member(team):
    project, users, _ = team
    ids = [doc(project, "01.txt").pk, doc(project, "02.txt").pk]
    response = bulk(client_for(users["owner"]), project, action="assign_members", assignees=["ann"], ids=ids)
    assert response.status_code == 302
    assert sorted(Assignment.objects.filter(user=users["ann"]).values_list("document__location", flat=True)) == [
        "01.txt",
        "02.txt",
    ]


def test_owner_assigns_everything_a_filter_matches(team):
    project, users, _ = team
    client = client_for(users["owner"])
    bulk(client, project, action="assign_members", assignees=["bob"], scope="filter", status="unlabeled")
    assert sorted(Assignment.objects.values_list("document__location", flat=True)) == ["02.txt", "03.txt"]


@pytest.mark.parametrize("role", ["ann", "rita", "vic"])
def test_only_owners_assign(team, role):
    project, users, _ = team
    response = bulk(client_for(users[role]), project, action="assign_members", assignees=["ann"],
                    ids=[doc(project, "01.txt").pk])  # fmt: skip
    assert response.status_code == 403 and not Assignment.objects.exists()


def test_a_viewer_cannot_be_assigned(team):
    project, users, _ = team
    with pytest.raises(Exception, match="vic cannot be assigned documents"):
        documents_assign(
            project=project, user=users["owner"], documents=project.documents.all(), usernames=["ann", "vic"]
        )
    assert not Assignment.objects.exists()


def test_assignments_api_answers_json_and_checks_roles(team):
    project, users, _ = team
    url = f"/api/projects/{project.name}/assignments"
    ids = [doc(project, "03.txt").pk]
    refused = send(client_for(users["ann"]), "post", url, {"documentIds": ids, "usernames": ["ann"]})
    assert refused.status_code == 403 and refused.json()["error"]["code"]
    for body, raw in (({"documentIds": "x", "usernames": ["ann"]}, None), (None, "not json"),
                      ({"documentIds": ids, "usernames": ["nobody"]}, None), ({"documentIds": ids}, None)):  # fmt: skip
        bad = send(client_for(users["owner"]), "post", url, body, raw=raw)
        assert bad.status_code == 400 and bad.json()["error"]["message"], bad.content
    assert not Assignment.objects.exists()
    ok = send(client_for(users["owner"]), "post", url, {"documentIds": ids, "usernames": ["ann", "bob"]})
    assert ok.status_code == 200 and ok.json() == {"added": 2}
    cleared = send(client_for(users["owner"]), "post", url, {"documentIds": ids, "unassign": True})
    assert cleared.json() == {"removed": 2}


def test_an_annotators_list_shows_their_documents_first_and_filters_by_them(team):
    project, users, _ = team
    documents_assign(
        project=project, user=users["owner"], documents=project.documents.filter(location="03.txt"), usernames=["ann"]
    )
    client = client_for(users["ann"])
    html = client.get(f"/projects/{project.name}/documents/").content.decode()
    panel = html.index("Assigned to you (1)")
    assert panel < html.index("documents-table") and "03.txt" in html[panel : html.index("documents-table")]
    mine = client.get(f"/projects/{project.name}/documents/", {"assigned": "me"}).content.decode()
    table = mine[mine.index("documents-table") :]
    assert "03.txt" in table and "01.txt" not in table
    nobody = client.get(f"/projects/{project.name}/documents/", {"assigned": "nobody"}).content.decode()
    table = nobody[nobody.index("documents-table") :]
    assert "01.txt" in table and "03.txt" not in table
    # Prev/Next in the labeling view walk the same list.
    data = client.get(f"/api/projects/{project.name}/documents/{doc(project, '03.txt').pk}", {"assigned": "me"}).json()
    assert data["previousId"] is None and data["nextId"] is None and data["assignees"] == ["ann"]


def test_progress_per_annotator_on_the_overview(team):
    project, users, types = team
    documents_assign(project=project, user=users["owner"], documents=project.documents.all(), usernames=["ann"])
    documents_assign(
        project=project, user=users["owner"], documents=project.documents.filter(location="01.txt"), usernames=["bob"]
    )
    # 01 has ann and bob: labeled independently; ann labels her own version of it.
    label_create(document=doc(project, "01.txt"), user=users["ann"], entity_type_id=types["Person"], start=8, end=18)
    label_create(document=doc(project, "02.txt"), user=users["ann"], entity_type_id=types["Person"], start=0, end=9)
    project.documents.filter(location="02.txt").update(review_status=ReviewStatus.REVIEWED)
    rows = {row.username: row for row in annotator_progress(project=project)}
    assert (rows["ann"].assigned, rows["ann"].labeled, rows["ann"].reviewed) == (3, 2, 1)
    # 01's own labels (imported) do not count for bob: he labels it independently and has not yet.
    assert (rows["bob"].assigned, rows["bob"].labeled, rows["bob"].reviewed) == (1, 0, 0)
    html = client_for(users["vic"]).get(f"/projects/{project.name}/").content.decode()
    assert "Progress per annotator" in html and '<th scope="row">ann</th>' in html


@pytest.mark.parametrize("ids", [[10**20], [0], [-1], [True], ["1"]])
def test_assigning_ids_no_document_can_have_is_a_400(team, ids):
    project, users, _ = team
    response = send(client_for(users["owner"]), "post", f"/api/projects/{project.name}/assignments",
                    {"documentIds": ids, "usernames": ["ann"]})  # fmt: skip
    assert response.status_code == 400 and "documentIds must be" in response.json()["error"]["message"]
    assert not Assignment.objects.exists()
