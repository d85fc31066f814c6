"""Assignment: owners assign documents (a selection or the list's filter) to members; an annotator's list shows
"assigned to me" first and filters by it; the overview shows progress per annotator; a member who leaves, or becomes
a viewer, gives theirs back."""

import pytest

from annotation import selectors_team
from annotation.models import Assignment, IndependentLabel, Label, ReviewStatus
from annotation.selectors_team import annotator_progress
from annotation.services.assignments import documents_assign, member_remove, member_role_set
from annotation.services.labels import label_create
from projects.models import Membership, Role
from studio.exceptions import InvalidInput, PermissionDenied
from tests.annotation.team import TEXTS, api, client_for, doc, send, team_project


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


def test_progress_decides_independence_by_the_one_rule_in_three_queries(team, monkeypatch, django_assert_num_queries):
    project, users, types = team
    monkeypatch.setattr(selectors_team, "INDEPENDENT_MIN_ANNOTATORS", 3)
    owner = users["owner"]
    documents_assign(project=project, user=owner, documents=project.documents.all(), usernames=["ann", "bob"])
    documents_assign(
        project=project, user=owner, documents=project.documents.filter(location="03.txt"), usernames=["rita"]
    )
    # Two assignees are fewer than the minimum now: 01 and 02 keep one set of labels, which counts for both.
    label_create(document=doc(project, "02.txt"), user=users["ann"], entity_type_id=types["Person"], start=0, end=9)
    # 03 has three: rita labels her own copy of it.
    label_create(document=doc(project, "03.txt"), user=users["rita"], entity_type_id=types["Person"], start=0, end=7)
    independent = [selectors_team.is_independent(document=doc(project, name)) for name in TEXTS]
    assert independent == [False, False, True]
    with django_assert_num_queries(3):
        rows = {row.username: (row.assigned, row.labeled) for row in annotator_progress(project=project)}
    assert rows == {"ann": (3, 2), "bob": (3, 2), "rita": (1, 1)}


@pytest.mark.parametrize("ids", [[10**20], [0], [-1], [True], ["1"]])
def test_assigning_ids_no_document_can_have_is_a_400(team, ids):
    project, users, _ = team
    response = send(client_for(users["owner"]), "post", f"/api/projects/{project.name}/assignments",
                    {"documentIds": ids, "usernames": ["ann"]})  # fmt: skip
    assert response.status_code == 400 and "documentIds must be" in response.json()["error"]["message"]
    assert not Assignment.objects.exists()


@pytest.fixture
def pair(team):
    """02 and 03 given to ann and bob, each with labels of their own on 02 (labeled independently)."""
    project, users, types = team
    documents = project.documents.filter(location__in=["02.txt", "03.txt"])
    documents_assign(project=project, user=users["owner"], documents=documents, usernames=["ann", "bob"])
    document = doc(project, "02.txt")
    label_create(document=document, user=users["ann"], entity_type_id=types["Person"], start=0, end=9)
    label_create(document=document, user=users["bob"], entity_type_id=types["Amount"], start=19, end=22)
    return project, users, types


def membership_of(project, user) -> Membership:
    return Membership.objects.get(project=project, user=user)


def test_removing_a_member_takes_back_their_assignments(pair):
    project, users, _ = pair
    owner = client_for(users["owner"])
    page = owner.get(f"/projects/{project.name}/members/").content.decode()
    assert "Removing a member, or making them a viewer, takes back the documents assigned to them." in page
    response = owner.post(
        f"/projects/{project.name}/members/{membership_of(project, users['bob']).pk}/remove/", follow=True
    )
    assert "bob removed; the 2 documents assigned to them went back." in response.content.decode()
    assert sorted(Assignment.objects.values_list("user__username", "document__location")) == [
        ("ann", "02.txt"),
        ("ann", "03.txt"),
    ]
    activity = project.activities.filter(verb="assigned").first()
    assert activity.user == users["owner"] and activity.summary == (
        "unassigned bob from 2 documents (2 no longer labeled independently: their independent labels stay for "
        "adjudication)"
    )
    assert [row.username for row in annotator_progress(project=project)] == ["ann"]
    # bob's labels stay, in the audit trail as in the table
    assert IndependentLabel.objects.filter(document=doc(project, "02.txt"), annotator=users["bob"]).count() == 1


def test_after_a_member_leaves_the_one_left_labels_the_documents_own_labels(pair):
    """A document left with fewer assignees than independent labeling needs is labeled like any other: its one
    annotator edits its labels, the independent ones stay for a reviewer to adjudicate, and no page fails."""
    project, users, types = pair
    member_remove(project=project, user=users["owner"], membership_id=membership_of(project, users["bob"]).pk)
    document = doc(project, "02.txt")
    assert not selectors_team.is_independent(document=document)
    ann = client_for(users["ann"])
    assert ann.get(f"/projects/{project.name}/documents/{document.pk}/label/").status_code == 200
    data = ann.get(api(project, document)).json()
    assert (data["independent"], data["ownLabels"], data["assignees"]) == (False, False, ["ann"])
    made = send(
        ann, "post", api(project, document, "/labels"), {"entityTypeId": types["Amount"], "start": 19, "end": 22}
    )
    assert made.status_code == 201
    assert list(Label.objects.filter(document=document).values_list("start", "end")) == [(19, 22)]
    assert IndependentLabel.objects.filter(document=document).count() == 2
    rows = {row.username: (row.assigned, row.labeled) for row in annotator_progress(project=project)}
    assert rows == {"ann": (2, 1)}
    rita = client_for(users["rita"])
    adjudicate = rita.get(f"/projects/{project.name}/documents/{document.pk}/adjudicate/")
    assert adjudicate.status_code == 200 and "bob" in adjudicate.content.decode()
    assert rita.get(f"/projects/{project.name}/agreement/").status_code == 200
    assert send(rita, "post", api(project, document, "/review"), {"status": "reviewed"}).status_code == 200


def test_a_member_made_a_viewer_gives_back_their_assignments_and_a_reviewer_keeps_them(pair):
    project, users, _ = pair
    owner = client_for(users["owner"])
    response = owner.post(f"/projects/{project.name}/members/", {"username": "ann", "role": "reviewer"}, follow=True)
    assert "ann is now reviewer." in response.content.decode()
    assert Assignment.objects.filter(user=users["ann"]).count() == 2
    response = owner.post(f"/projects/{project.name}/members/", {"username": "ann", "role": "viewer"}, follow=True)
    assert (
        "ann is now viewer. The 2 documents assigned to them went back: a viewer does not label."
        in response.content.decode()
    )
    assert not Assignment.objects.filter(user=users["ann"]).exists()
    assert Assignment.objects.filter(user=users["bob"]).count() == 2


def test_a_refused_removal_keeps_the_assignments(team):
    project, users, _ = team
    owner = users["owner"]
    documents_assign(project=project, user=owner, documents=project.documents.all(), usernames=["owner", "ann"])
    with pytest.raises(InvalidInput, match="A project must keep at least one owner"):
        member_remove(project=project, user=owner, membership_id=membership_of(project, owner).pk)
    with pytest.raises(InvalidInput, match="A project must keep at least one owner"):
        member_role_set(project=project, user=owner, username="owner", role=Role.VIEWER)
    assert Assignment.objects.filter(user=owner).count() == 3


@pytest.mark.parametrize("who", ["ann", "rita", "vic"])
def test_only_owners_remove_members_or_change_roles(pair, who):
    project, users, _ = pair
    with pytest.raises(PermissionDenied):
        member_remove(project=project, user=users[who], membership_id=membership_of(project, users["bob"]).pk)
    with pytest.raises(PermissionDenied):
        member_role_set(project=project, user=users[who], username="bob", role=Role.VIEWER)
    assert Assignment.objects.filter(user=users["bob"]).count() == 2
    assert membership_of(project, users["bob"]).role == Role.ANNOTATOR
