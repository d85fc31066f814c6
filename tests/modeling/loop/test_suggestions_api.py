"""Suggestions through the labeling view's UI JSON API with a real (tiny) model from the serving cache, and the
uncertainty job scoring documents with it."""

from __future__ import annotations

import time

import pytest
from django.test import Client

from annotation.formats.azure import read_project
from annotation.models import Document, Label
from annotation.services.imports import project_import
from modeling.models import UncertaintyScore
from modeling.services.loop.jobs import loop_job_run, loop_job_start
from projects.models import JobStatus, Role
from projects.services.projects import membership_set
from tests.modeling.conftest import wait_for
from tests.modeling.factories import loan_project

SENTENCE = "This loan agreement is made between Acme Bank and John Smith for $5,000. "


@pytest.fixture
def loans(owner, deploy_tiny):
    """Project `loans` (12 labeled loan agreements) with a tiny real model `m1` deployed as `prod`, and one
    unlabeled document of 5,000 characters."""
    project = project_import(user=owner, name="loans", data=read_project(loan_project(documents=12)))
    deploy_tiny(project, user=owner)
    text = (SENTENCE * (5000 // len(SENTENCE) + 1))[:5000]
    long = Document.objects.create(project=project, location="long.txt", text=text)
    return project, long


def client_for(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


def suggest(client: Client, url: str, body: dict, tries: int = 1) -> tuple[dict, float]:
    """POSTs until the model is loaded in this process (202 meanwhile); returns the answer and the fastest of
    `tries` timed answers, in seconds (the machine is shared: one slow answer is the machine's, not the code's)."""

    def answer():
        response = client.post(url, body, content_type="application/json")
        assert response.status_code in (200, 202), response.json()
        return response if response.status_code == 200 else None

    wait_for(answer, timeout=60, interval=0.2, what="the model to load")
    fastest = float("inf")
    for _ in range(tries):
        started = time.perf_counter()
        response = client.post(url, body, content_type="application/json")
        fastest = min(fastest, time.perf_counter() - started)
    return response.json(), fastest


def test_suggest_decide_and_the_label_wins(loans, owner, make_user):
    project, long = loans
    client = client_for(owner)
    url = f"/api/projects/loans/documents/{long.pk}/suggestions"

    body, seconds = suggest(client, url, {"deploymentName": "prod"}, tries=3)
    found = body["value"]
    assert body["source"] == "deployment prod (model m1)"
    assert len(found) > 60, found[:3]  # "Acme Bank", "John Smith", "$5,000" in each of the ~68 sentences
    assert {s["category"] for s in found} <= {"Lender", "Borrower", "Amount"}
    assert all(0 <= s["confidence"] <= 1 and s["status"] == "open" for s in found)
    assert seconds < 1.0, f"suggestions for 5,000 characters took {seconds:.2f} s"
    assert client.get(url).json()["value"] == found

    first, second = found[0], found[1]
    accepted = client.post(f"{url}/{first['id']}/accept")
    assert accepted.status_code == 201
    label = accepted.json()["label"]
    assert (label["start"], label["end"]) == (first["start"], first["end"])
    assert Label.objects.filter(document=long).count() == 1
    assert client.post(f"{url}/{first['id']}/accept").status_code == 409

    assert client.post(f"{url}/{second['id']}/reject").json()["suggestion"]["status"] == "rejected"
    left = client.get(url).json()["value"]
    assert len(left) == len(found) - 2

    high = [s for s in left if s["confidence"] >= 0.5]
    answer = client.post(f"{url}/accept", {"threshold": 0.5}, content_type="application/json").json()
    assert answer["accepted"] == len(high)
    assert Label.objects.filter(document=long).count() == 1 + len(high)
    assert client.post(f"{url}/reject").json()["rejected"] == len(left) - len(high)
    assert client.get(url).json()["value"] == []

    # Predicting again offers nothing under the labels and nothing rejected before.
    again, _ = suggest(client, url, {"modelLabel": "m1"})
    labeled = list(Label.objects.filter(document=long).values_list("start", "end"))
    assert all(not (s < x["end"] and x["start"] < e) for x in again["value"] for s, e in labeled)
    assert again["dropped"]["overLabels"] == len(labeled)

    viewer = make_user("vic")
    membership_set(project=project, user=owner, username="vic", role=Role.VIEWER)
    assert client_for(viewer).get(url).status_code == 200
    refused = client_for(viewer).post(url, {"modelLabel": "m1"}, content_type="application/json")
    assert refused.status_code == 403


@pytest.mark.parametrize(
    ("body", "status", "message"),
    [
        ({}, 400, "Choose a model (modelLabel) or a deployment (deploymentName)"),
        ({"modelLabel": "m1", "deploymentName": "prod"}, 400, "Choose a model"),
        ({"modelLabel": "nope"}, 404, "The model 'nope' could not be found"),
        ({"modelLabel": 3}, 400, "modelLabel must be a name."),
    ],
)
def test_the_suggestions_api_says_what_is_wrong(loans, owner, body, status, message):
    _, long = loans
    response = client_for(owner).post(
        f"/api/projects/loans/documents/{long.pk}/suggestions", body, content_type="application/json"
    )
    assert response.status_code == status
    assert message in response.json()["error"]["message"]


def test_the_uncertainty_job_scores_the_unlabeled_documents(loans, owner, monkeypatch):
    project, long = loans
    monkeypatch.setattr("modeling.services.loop.jobs._enqueue", lambda job: None)
    other = Document.objects.create(project=project, location="odd.txt", text="Zq wv xx 77 ??? lorem ipsum.")
    job = loop_job_start(
        user=owner, project=project, kind="uncertainty", params={}, trained_model=project.trained_models.get()
    )
    assert job.params == {"measure": "margin"}
    loop_job_run(job_pk=job.pk)
    job.refresh_from_db()
    assert job.status == JobStatus.SUCCEEDED, job.error
    scored = dict(UncertaintyScore.objects.values_list("document__location", "score"))
    assert set(scored) == {long.location, other.location}  # the labeled ones are not scored
    assert all(score >= 0 for score in scored.values())
    assert job.result["documents"] == 2 and job.result["measure"] == "margin"

    # On request, entropy: the new job's scores replace the margin ones.
    job = loop_job_start(
        user=owner,
        project=project,
        kind="uncertainty",
        params={"measure": "entropy"},
        trained_model=project.trained_models.get(),
    )
    loop_job_run(job_pk=job.pk)
    job.refresh_from_db()
    assert job.status == JobStatus.SUCCEEDED, job.error
    assert job.result["measure"] == "entropy" and job.result["documents"] == 2
    assert sorted(UncertaintyScore.objects.values_list("measure", flat=True)) == ["entropy", "entropy"]
