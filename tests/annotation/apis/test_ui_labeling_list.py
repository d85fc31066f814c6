"""The labeling view and the documents list: Prev/Next walk the list as filtered, the labels' refresh asks
"changed since?" (ETag, 304) and reads nothing when nothing changed, and label edits are recorded as activity."""

from __future__ import annotations

import json
import re

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from annotation.formats import DocumentData
from annotation.services.entity_types import entity_type_create, entity_type_delete
from annotation.services.imports import documents_import
from annotation.services.labels import label_create, label_delete, label_update
from projects.models import Activity, Role
from projects.services.projects import membership_set, project_create
from tests.annotation.apis.test_ui_labels import client_for, send, url

LABEL_READ = re.compile(r'SELECT .*"annotation_label"\."start"', re.IGNORECASE)
WRITE = re.compile(r"^\s*(INSERT|UPDATE|DELETE|REPLACE)\b", re.IGNORECASE)


@pytest.fixture
def project(owner):
    """Six documents: Train a/c/e, Test b/d, unassigned f; b, c and d have a Borrower label."""
    project = project_create(user=owner, name="loans")
    entity_type_create(project=project, user=owner, name="Borrower")
    entity_type_create(project=project, user=owner, name="Amount")
    datasets = {"a": "Train", "b": "Test", "c": "Train", "d": "Test", "e": "Train", "f": ""}
    documents_import(
        user=owner,
        project=project,
        documents=[DocumentData(f"{n}.txt", f"Loan {n} to Ana Lopez.", dataset=d) for n, d in datasets.items()],
    )
    borrower = project.entity_types.get(name="Borrower").pk
    for name in "bcd":
        label_create(document=doc(project, name), user=owner, entity_type_id=borrower, start=10, end=19)
    return project


def doc(project, name: str):
    return project.documents.get(location=f"{name}.txt")


def page_data(response) -> dict:
    html = response.content.decode()
    return json.loads(html.split('<script id="editor-data" type="application/json">')[1].split("</script>")[0])


def pager_hrefs(response) -> dict[str, str]:
    html = response.content.decode()
    return dict(re.findall(r'id="(prev-doc|next-doc)" class="pager-btn" href="([^"]+)"', html))


# ------------------------------------------------------------------------ Prev/Next follow the list's filters


def test_document_list_links_carry_the_filters_to_the_labeling_view(owner, project):
    response = client_for(owner).get("/projects/loans/documents/?dataset=Test&q=Ana")
    html = response.content.decode()
    for name in "bd":
        assert f'href="/projects/loans/documents/{doc(project, name).pk}/label/?q=Ana&amp;dataset=Test"' in html
    assert "a.txt" not in html


def test_prev_and_next_walk_the_filtered_list_and_keep_its_filters(owner, project):
    client = client_for(owner)
    d = {name: doc(project, name).pk for name in "abcdef"}
    response = client.get(f"/projects/loans/documents/{d['d']}/label/?dataset=Test")
    assert (page_data(response)["previousId"], page_data(response)["nextId"]) == (d["b"], None)
    assert pager_hrefs(response) == {"prev-doc": f"/projects/loans/documents/{d['b']}/label/?dataset=Test"}
    assert 'href="/projects/loans/documents/?dataset=Test">Documents</a>' in response.content.decode()

    borrower = project.entity_types.get(name="Borrower").pk
    response = client.get(f"/projects/loans/documents/{d['c']}/label/?status=labeled&type={borrower}")
    query = f"?status=labeled&amp;type={borrower}"
    assert pager_hrefs(response) == {
        "prev-doc": f"/projects/loans/documents/{d['b']}/label/{query}",
        "next-doc": f"/projects/loans/documents/{d['d']}/label/{query}",
    }
    # Unfiltered, Prev/Next walk every document, as before.
    response = client.get(f"/projects/loans/documents/{d['c']}/label/")
    assert (page_data(response)["previousId"], page_data(response)["nextId"]) == (d["b"], d["d"])
    assert pager_hrefs(response)["next-doc"] == f"/projects/loans/documents/{d['d']}/label/"


def test_a_document_that_left_the_filter_still_has_its_neighbours(owner, project):
    """Labeling an unlabeled document takes it out of "Unlabeled"; Next still goes on from where it stood."""
    d = {name: doc(project, name).pk for name in "abcdef"}
    response = client_for(owner).get(f"/projects/loans/documents/{d['c']}/label/?status=unlabeled")
    assert (page_data(response)["previousId"], page_data(response)["nextId"]) == (d["a"], d["e"])


def test_invalid_filters_are_ignored_not_echoed(owner, project):
    d = {name: doc(project, name).pk for name in "abcdef"}
    response = client_for(owner).get(f"/projects/loans/documents/{d['c']}/label/?dataset=Nope&type=x&evil=1")
    assert pager_hrefs(response) == {
        "prev-doc": f"/projects/loans/documents/{d['b']}/label/",
        "next-doc": f"/projects/loans/documents/{d['d']}/label/",
    }


def test_document_api_takes_the_same_filters(owner, project):
    d = {name: doc(project, name).pk for name in "abcdef"}
    body = client_for(owner).get(url(project, doc(project, "b")) + "?dataset=Train").json()
    assert (body["previousId"], body["nextId"]) == (d["a"], d["c"])


# ------------------------------------------------------------------------ the refresh asks "changed since?"


def test_labels_answer_304_while_unchanged_without_reading_a_label_or_writing(owner, project):
    client = client_for(owner)
    path = url(project, doc(project, "b"), "/labels")
    first = client.get(path)
    assert first.status_code == 200 and len(first.json()["labels"]) == 1
    etag = first["ETag"]
    assert etag.startswith('"') and "no-cache" in first["Cache-Control"]
    with CaptureQueriesContext(connection) as queries:
        again = client.get(path, headers={"If-None-Match": etag})
    assert again.status_code == 304 and again.content == b"" and again["ETag"] == etag
    sql = [q["sql"] for q in queries.captured_queries]
    assert not [q for q in sql if LABEL_READ.search(q)], sql
    assert not [q for q in sql if WRITE.match(q)], sql


def test_the_page_embeds_the_version_the_refresh_asks_with(owner, project):
    client = client_for(owner)
    document = doc(project, "b")
    version = page_data(client.get(f"/projects/loans/documents/{document.pk}/label/"))["labelsVersion"]
    assert client.get(url(project, document, "/labels"), headers={"If-None-Match": version}).status_code == 304
    assert client.get(url(project, document)).json()["labelsVersion"] == version


@pytest.mark.parametrize("change", ["create", "retype", "move", "delete", "delete-and-create", "type-deleted"])
def test_every_change_to_the_labels_changes_the_version(owner, project, change):
    client = client_for(owner)
    document = doc(project, "b")
    path = url(project, document, "/labels")
    etag = client.get(path)["ETag"]
    types = {t.name: t.pk for t in project.entity_types.all()}
    label = document.labels.get()
    if change == "create":
        label_create(document=document, user=owner, entity_type_id=types["Amount"], start=0, end=4)
    elif change == "retype":
        label_update(document=document, user=owner, label_id=label.pk, entity_type_id=types["Amount"])
    elif change == "move":
        label_update(document=document, user=owner, label_id=label.pk, start=14)
    elif change == "delete":
        label_delete(document=document, user=owner, label_id=label.pk)
    elif change == "delete-and-create":  # the same count, and the same span, as before
        label_delete(document=document, user=owner, label_id=label.pk)
        label_create(document=document, user=owner, entity_type_id=types["Borrower"], start=10, end=19)
    else:
        entity_type_delete(entity_type=project.entity_types.get(name="Borrower"), user=owner)
    changed = client.get(path, headers={"If-None-Match": etag})
    assert changed.status_code == 200 and changed["ETag"] != etag
    assert client.get(path, headers={"If-None-Match": changed["ETag"]}).status_code == 304


# ------------------------------------------------------------------------ label edits are activity


def summaries(project) -> list[tuple[str, str, str]]:
    rows = Activity.objects.filter(project=project, verb="labeled").order_by("id")
    return [(a.user.username, a.verb, a.summary) for a in rows]


def test_label_edits_through_the_ui_api_are_recorded_as_activity(owner, make_user, project):
    annie = make_user("annie")
    membership_set(project=project, user=owner, username="annie", role=Role.ANNOTATOR)
    client = client_for(annie)
    document = doc(project, "a")  # "Loan a to Ana Lopez."
    types = {t.name: t.pk for t in project.entity_types.all()}
    Activity.objects.filter(project=project).delete()
    created = send(
        client, "post", url(project, document, "/labels"), {"entityTypeId": types["Borrower"], "start": 10, "end": 13}
    )
    label = created.json()["id"]
    send(client, "patch", url(project, document, f"/labels/{label}"), {"entityTypeId": types["Amount"]})
    send(client, "patch", url(project, document, f"/labels/{label}"), {"end": 19})
    send(client, "patch", url(project, document, f"/labels/{label}"), {"end": 19})  # no change: no entry
    assert client.delete(url(project, document, f"/labels/{label}")).status_code == 204
    assert summaries(project) == [
        ("annie", "labeled", "labeled 'Ana' as Borrower in a.txt"),
        ("annie", "labeled", "changed the Borrower label 'Ana' to Amount in a.txt"),
        ("annie", "labeled", "changed the Amount label 'Ana' to 'Ana Lopez' in a.txt"),
        ("annie", "labeled", "removed the Amount label 'Ana Lopez' in a.txt"),
    ]
    overview = client.get("/projects/loans/").content.decode()
    assert "removed the Amount label &#x27;Ana Lopez&#x27; in a.txt" in overview


def test_refused_label_edits_record_nothing(owner, make_user, project):
    viewer = make_user("vic")
    membership_set(project=project, user=owner, username="vic", role=Role.VIEWER)
    document = doc(project, "b")
    types = {t.name: t.pk for t in project.entity_types.all()}
    Activity.objects.filter(project=project).delete()
    overlapping = {"entityTypeId": types["Amount"], "start": 12, "end": 15}
    assert send(client_for(owner), "post", url(project, document, "/labels"), overlapping).status_code == 409
    assert (
        send(client_for(viewer), "delete", url(project, document, f"/labels/{document.labels.get().pk}")).status_code
        == 403
    )
    assert summaries(project) == []


def test_long_label_texts_are_shortened_in_the_activity(owner, project):
    documents_import(user=owner, project=project, documents=[DocumentData("long.txt", "x" * 60 + "\nend")])
    document = doc(project, "long")
    Activity.objects.filter(project=project).delete()
    label_create(
        document=document, user=owner, entity_type_id=project.entity_types.get(name="Amount").pk, start=0, end=64
    )
    assert summaries(project) == [("owner", "labeled", f"labeled '{'x' * 40}…' as Amount in long.txt")]
