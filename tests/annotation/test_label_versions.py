"""Concurrent edits of one label (issue 13): every label has a version; an edit naming an older one is refused
with 409 and a message saying to reload, and changes nothing. Without a version, edits apply as before."""

import pytest

from annotation.models import Label
from annotation.services.labels import label_create
from tests.annotation.team import api, client_for, doc, send, team_project


@pytest.fixture
def team(make_user, owner):
    return team_project(make_user, owner)


def test_the_second_writer_with_a_stale_version_gets_409_and_nothing_changes(team):
    project, users, types = team
    document = doc(project, "02.txt")
    label = label_create(document=document, user=users["ann"], entity_type_id=types["Person"], start=0, end=9)
    assert label.version == 1
    first = send(client_for(users["ann"]), "patch", api(project, document, f"/labels/{label.pk}"),
                 {"entityTypeId": types["Amount"], "version": 1})  # fmt: skip
    assert first.status_code == 200 and first.json()["version"] == 2
    second = send(client_for(users["bob"]), "patch", api(project, document, f"/labels/{label.pk}"),
                  {"entityTypeId": types["Person"], "version": 1})  # fmt: skip
    assert second.status_code == 409
    error = second.json()["error"]
    assert error["innererror"]["code"] == "LabelVersionConflict"
    assert "changed by ann since you loaded it" in error["message"] and "Reload the page" in error["message"]
    assert Label.objects.get(pk=label.pk).entity_type_id == types["Amount"]


def test_a_stale_delete_is_refused_and_a_current_one_applies(team):
    project, users, types = team
    document = doc(project, "02.txt")
    label = label_create(document=document, user=users["ann"], entity_type_id=types["Person"], start=0, end=9)
    client = client_for(users["bob"])
    send(client, "patch", api(project, document, f"/labels/{label.pk}"), {"end": 3, "version": 1})
    stale = client.delete(api(project, document, f"/labels/{label.pk}?version=1"))
    assert stale.status_code == 409 and Label.objects.filter(pk=label.pk).exists()
    assert client.delete(api(project, document, f"/labels/{label.pk}?version=2")).status_code == 204


@pytest.mark.parametrize("version", ["two", True, 0, -1])
def test_a_bad_version_is_400_json(team, version):
    project, users, types = team
    document = doc(project, "02.txt")
    label = label_create(document=document, user=users["ann"], entity_type_id=types["Person"], start=0, end=9)
    response = send(client_for(users["ann"]), "patch", api(project, document, f"/labels/{label.pk}"),
                    {"entityTypeId": types["Amount"], "version": version})  # fmt: skip
    assert response.status_code == 400 and "version" in response.json()["error"]["message"]
    assert Label.objects.get(pk=label.pk).entity_type_id == types["Person"]
    bad_delete = client_for(users["ann"]).delete(api(project, document, f"/labels/{label.pk}?version=x"))
    assert bad_delete.status_code == 400 and bad_delete["Content-Type"].startswith("application/json")


def test_labels_carry_their_version_and_edits_without_one_still_apply(team):
    project, users, types = team
    document = doc(project, "01.txt")
    client = client_for(users["ann"])
    listed = client.get(api(project, document, "/labels")).json()["labels"]
    assert listed[0]["version"] == 1
    response = send(
        client, "patch", api(project, document, f"/labels/{listed[0]['id']}"), {"entityTypeId": types["Amount"]}
    )
    assert response.status_code == 200 and response.json()["version"] == 2
