"""The consistency page, the label-all preview, apply and undo through the pages: who sees and who may apply,
clear errors, and GETs that never write."""

from __future__ import annotations

import re

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext

from annotation.models import Label, LabelBatch
from annotation.services.sample import sample_project_create
from projects.models import Role
from projects.services.projects import membership_set

BASE = "/projects/loan-agreements/consistency"
WRITE = re.compile(r"^\s*(INSERT|UPDATE|DELETE|REPLACE)\b", re.IGNORECASE)


@pytest.fixture
def sample(make_user):
    owner = make_user("owner")
    project = sample_project_create(user=owner)
    for name, role in (("annie", Role.ANNOTATOR), ("vic", Role.VIEWER)):
        make_user(name)
        membership_set(project=project, user=owner, username=name, role=role)
    return project


def client_for(username: str) -> Client:
    from django.contrib.auth import get_user_model

    client = Client()
    client.force_login(get_user_model().objects.get(username=username))
    return client


def preview_query(project) -> dict:
    return {"surface": "Oakwood Community Bank", "type": project.entity_types.get(name="LenderName").pk}


def test_viewer_sees_the_findings_but_no_action(sample):
    viewer = client_for("vic")
    page = viewer.get(f"{BASE}/").content.decode()
    assert "1</strong> string labeled inconsistently" in page
    assert "“Oakwood Community Bank”" in page
    assert "2 unlabeled in 2 documents" in page
    assert "practice-01.txt" in page and "<mark>Oakwood Community Bank</mark>" in page
    assert "Label all" not in page
    assert viewer.get(f"{BASE}/label-all/", preview_query(sample)).status_code == 403
    assert viewer.post(f"{BASE}/label-all/apply/", preview_query(sample)).status_code == 403
    assert 'href="/projects/loan-agreements/consistency/"' in viewer.get("/projects/loan-agreements/").content.decode()


def test_annotator_previews_applies_and_undoes(sample):
    annie = client_for("annie")
    labels = Label.objects.count()
    page = annie.get(f"{BASE}/").content.decode()
    assert "Label all 2 occurrences as LenderName" in page

    preview = annie.get(f"{BASE}/label-all/", preview_query(sample))
    text = preview.content.decode()
    assert preview.status_code == 200
    assert re.search(r'id="count-create">2<', text) and re.search(r'id="count-already">1<', text)
    assert re.search(r'id="count-skipped">0<', text)
    assert "Label 2 occurrences as LenderName" in text
    fingerprint = re.search(r'name="fingerprint" value="([0-9a-f]+)"', text).group(1)
    assert Label.objects.count() == labels  # a preview changes nothing

    applied = annie.post(f"{BASE}/label-all/apply/", {**preview_query(sample), "fingerprint": fingerprint}, follow=True)
    batch = LabelBatch.objects.get()
    assert applied.redirect_chain[-1][0] == f"{BASE}/batches/{batch.pk}/"
    done = applied.content.decode()
    assert "Labeled 2 occurrences of &#x27;Oakwood Community Bank&#x27; as LenderName." in done
    assert 'id="undo"' in done and "practice-02.txt" in done
    assert Label.objects.count() == labels + 2
    assert "No inconsistencies" in annie.get(f"{BASE}/").content.decode()

    undone = annie.post(f"{BASE}/batches/{batch.pk}/undo/", follow=True).content.decode()
    assert "Undone. Removed 2 labels." in undone
    assert "2 unlabeled in 2 documents" in undone
    assert Label.objects.count() == labels
    again = annie.post(f"{BASE}/batches/{batch.pk}/undo/", follow=True).content.decode()
    assert "was already undone" in again


def test_a_stale_preview_sends_back_to_a_fresh_one(sample):
    annie = client_for("annie")
    response = annie.post(f"{BASE}/label-all/apply/", {**preview_query(sample), "fingerprint": "stale"}, follow=True)
    assert "changed since the preview" in response.content.decode()
    assert response.redirect_chain[-1][0].startswith(f"{BASE}/label-all/?surface=Oakwood+Community+Bank")
    assert not LabelBatch.objects.exists()


def test_a_bad_preview_request_says_what_is_wrong(sample):
    annie = client_for("annie")
    response = annie.get(f"{BASE}/label-all/", {"surface": "Oakwood", "type": 999})
    assert response.status_code == 400
    assert "Select a valid choice" in response.content.decode()


def test_ignore_case_option(sample):
    owner = client_for("owner")
    page = owner.get(f"{BASE}/", {"ignore_case": "on"}).content.decode()
    assert 'name="ignore_case" id="id_ignore_case" checked' in page
    assert "ignore_case=on" in page  # the label-all links keep the option


def test_consistency_pages_do_not_write(sample):
    annie = client_for("annie")
    plan = annie.get(f"{BASE}/label-all/", preview_query(sample)).content.decode()
    fingerprint = re.search(r'name="fingerprint" value="([0-9a-f]+)"', plan).group(1)
    annie.post(f"{BASE}/label-all/apply/", {**preview_query(sample), "fingerprint": fingerprint})
    batch = LabelBatch.objects.get()
    for url, query in (
        (f"{BASE}/", {}),
        (f"{BASE}/", {"ignore_case": "on"}),
        (f"{BASE}/label-all/", preview_query(sample)),
        (f"{BASE}/batches/{batch.pk}/", {}),
    ):
        with CaptureQueriesContext(connection) as queries:
            response = annie.get(url, query)
        assert response.status_code == 200, url
        assert [q["sql"] for q in queries.captured_queries if WRITE.match(q["sql"])] == [], url
