"""The documents list and the labeling view with modeling's extensions (annotation imports none of it): open
suggestion counts and their filter, the pre-label job over a selection or a filter, the uncertainty order, and
Prev/Next in the labeling view following that order."""

from __future__ import annotations

import json
import re

import pytest
from django.utils import timezone

from annotation import selectors as annotation_selectors
from annotation.services.labels import label_create
from modeling.models import LoopJob, UncertaintyScore
from modeling.services.loop import suggestions as suggestion_services
from modeling.services.loop.jobs import loop_job_run, loop_job_start
from projects.models import JobStatus
from studio.exceptions import InvalidInput
from tests.modeling.factories import trained_model_files
from tests.modeling.test_pages import make_team


@pytest.fixture
def team(make_user):
    return make_team(make_user, documents=6, labeled=False)


@pytest.fixture
def fake_predict(monkeypatch):
    """Every text gets its first word as a Borrower (0.9) and its last word before the period as a Lender (0.4)."""

    def predict(source, texts):
        out = []
        for text in texts:
            first = text.index(" ")
            last = text.rindex(" ") + 1
            out.append([(0, first, "Borrower", 0.9), (last, len(text) - 1, "Lender", 0.4)])
        return out

    monkeypatch.setattr(suggestion_services, "predict", predict)
    monkeypatch.setattr("modeling.services.loop.jobs._enqueue", lambda job: None)


def ids(team, *indexes):
    documents = list(team.project.documents.order_by("location"))
    return [documents[i].pk for i in indexes]


def rows(html: str) -> list[tuple[str, str]]:
    """(location, open suggestions) per row of the documents list."""
    found = re.findall(r'class="doc-name"[^>]*>([^<]+)</a>.*?data-open-suggestions="(\d+)"', html, re.S)
    return [(location, count) for location, count in found]


def test_prelabel_a_selection_then_count_and_filter_in_the_list(team, fake_predict):
    model = trained_model_files(team.project)
    job = loop_job_start(
        user=team.annotator,
        project=team.project,
        kind="prelabel",
        params={"documentIds": ids(team, 1, 3)},
        trained_model=model,
    )
    loop_job_run(job_pk=job.pk)
    job.refresh_from_db()
    assert job.status == JobStatus.SUCCEEDED, job.error
    assert job.result["documents"] == 2 and job.result["suggestions"] == 4
    assert job.message == "2 documents pre-labeled: 4 suggestions"

    client = team.client("annotator")
    page = client.get("/projects/loans/documents/")
    assert rows(page.content.decode()) == [
        ("loan-000.txt", "0"),
        ("loan-001.txt", "2"),
        ("loan-002.txt", "0"),
        ("loan-003.txt", "2"),
        ("loan-004.txt", "0"),
        ("loan-005.txt", "0"),
    ]
    assert "Model in the loop" in page.content.decode()  # the panel, for those who may label
    filtered = client.get("/projects/loans/documents/", {"suggestions": "open"}).content.decode()
    assert [location for location, _ in rows(filtered)] == ["loan-001.txt", "loan-003.txt"]
    assert "2 of 6 documents match" in filtered
    without = client.get("/projects/loans/documents/", {"suggestions": "none"}).content.decode()
    assert len(rows(without)) == 4

    # A label over a suggestion takes it off the count (the label wins).
    document = team.project.documents.get(pk=ids(team, 1)[0])
    label_create(
        document=document, user=team.owner, entity_type_id=team.project.entity_types.first().pk, start=0, end=3
    )
    assert dict(rows(client.get("/projects/loans/documents/").content.decode()))["loan-001.txt"] == "1"

    viewer_page = team.client("viewer").get("/projects/loans/documents/").content.decode()
    assert "Model in the loop" not in viewer_page


def test_prelabel_what_the_filter_matches(team, fake_predict):
    model = trained_model_files(team.project, deployment="prod")
    label_create(
        document=team.project.documents.get(pk=ids(team, 0)[0]),
        user=team.owner,
        entity_type_id=team.project.entity_types.first().pk,
        start=0,
        end=3,
    )
    job = loop_job_start(
        user=team.owner,
        project=team.project,
        kind="prelabel",
        params={"filter": "status=unlabeled&q=borrowed", "deployment": "prod"},
        trained_model=model,
    )
    assert job.params["documentIds"] == ids(team, 1, 2, 3, 4, 5)
    loop_job_run(job_pk=job.pk)
    job.refresh_from_db()
    assert job.result["suggestions"] == 10 and job.result["source"] == "deployment prod (model m1)"


@pytest.mark.parametrize(
    ("params", "with_model", "message"),
    [
        ({"documentIds": [1]}, False, "Choose the model"),
        ({}, True, "Choose the documents to pre-label"),
        ({"documentIds": [999999]}, True, "1 of the documents are not in project 'loans'"),
        ({"documentIds": ["1"]}, True, "documentIds must be a list of document ids"),
        ({"filter": "q=no-such-text"}, True, "No documents to pre-label"),
    ],
)
def test_prelabel_says_what_is_wrong_before_queueing(team, fake_predict, params, with_model, message):
    model = trained_model_files(team.project) if with_model else None
    with pytest.raises(InvalidInput, match=message):
        loop_job_start(user=team.owner, project=team.project, kind="prelabel", params=params, trained_model=model)
    assert not LoopJob.objects.exists()


@pytest.mark.parametrize(
    "bad",
    [2**63, 2**64, -1, 0, "1", 1.5, 2.0, True, None, [1], {"id": 1}],
    ids=["2**63", "2**64", "negative", "zero", "string", "float", "whole-float", "bool", "null", "nested", "object"],
)
def test_prelabel_refuses_what_is_not_a_document_id_as_bad_input(team, fake_predict, bad):
    """Each a 400 naming the field, never a 500 (a number past the database's ids once overflowed there)."""
    trained_model_files(team.project)
    body = {"kind": "prelabel", "modelLabel": "m1", "params": {"documentIds": [ids(team, 0)[0], bad]}}
    answer = team.client("owner").post("/api/projects/loans/loop-jobs", body, content_type="application/json")
    assert answer.status_code == 400, answer.content
    error = answer.json()["error"]
    assert error["message"] == "documentIds must be a list of document ids."
    assert error["target"] == "params.documentIds"
    assert not LoopJob.objects.exists()


def scores(team, by_index: dict[int, float]) -> None:
    job = LoopJob.objects.create(
        job_id="u1", project=team.project, kind="uncertainty", status=JobStatus.SUCCEEDED, expires_at=timezone.now()
    )
    documents = list(team.project.documents.order_by("location"))
    for index, score in by_index.items():
        UncertaintyScore.objects.create(
            document=documents[index], job=job, measure="entropy", score=score, scored_at=timezone.now()
        )


def test_the_list_sorts_by_uncertainty_and_next_follows_it(team):
    scores(team, {4: 0.9, 1: 0.7, 5: 0.2})  # 0, 2 and 3 have no score: last, by location
    client = team.client("annotator")
    page = client.get("/projects/loans/documents/", {"sort": "uncertainty"}).content.decode()
    order = [location for location, _ in rows(page)]
    assert order == ["loan-004.txt", "loan-001.txt", "loan-005.txt", "loan-000.txt", "loan-002.txt", "loan-003.txt"]
    assert 'data-uncertainty="0.9"' in page
    assert "/label/?sort=uncertainty" in page  # the links carry the order to the labeling view

    first = ids(team, 4)[0]
    view = client.get(f"/projects/loans/documents/{first}/label/", {"sort": "uncertainty"}).content.decode()
    data = json.loads(re.search(r'<script id="editor-data" type="application/json">(.*?)</script>', view, re.S)[1])
    assert (data["previousId"], data["nextId"]) == (None, ids(team, 1)[0])
    document = team.project.documents.get(pk=ids(team, 1)[0])
    filters = {"sort": "uncertainty", "labeled": None, "entity_type_id": None, "dataset": None, "search": ""}
    assert annotation_selectors.document_neighbors(project=team.project, document=document, **filters) == (
        first,
        ids(team, 5)[0],
    )
    # Walking only the unlabeled ones: a document labeled meanwhile has left the list; Next is the list's first.
    label_create(
        document=document, user=team.owner, entity_type_id=team.project.entity_types.first().pk, start=0, end=3
    )
    assert annotation_selectors.document_neighbors(
        project=team.project, document=document, **{**filters, "labeled": False}
    ) == (None, first)


def help_dialog(html: str) -> str:
    return re.search(r'<dialog id="editor-help".*?</dialog>', html, re.S)[0]


def test_the_help_dialog_lists_the_suggestion_keys_where_the_bar_is(team):
    document = ids(team, 0)[0]
    url = f"/projects/loans/documents/{document}/label/"
    assert "suggestion" not in help_dialog(team.client("annotator").get(url).content.decode())  # no model yet
    trained_model_files(team.project)
    dialog = help_dialog(team.client("annotator").get(url).content.decode())
    for keys, does in (
        ("<kbd>;</kbd> / <kbd>:</kbd>", "next / previous suggestion"),
        ("<kbd>=</kbd> or <kbd>+</kbd>", "accept the suggestion"),
        ("<kbd>-</kbd>", "reject the suggestion"),
    ):
        assert f"<tr><td>{keys}</td><td>{does}</td></tr>" in dialog
    assert dialog.index("next / previous suggestion") < dialog.index("this help")
    assert "suggestion" not in help_dialog(team.client("viewer").get(url).content.decode())  # may not label


def test_the_uncertainty_measure_is_chosen_in_the_panel_and_the_api_margin_by_default(team, fake_predict):
    trained_model_files(team.project)
    client = team.client("annotator")
    page = client.get("/projects/loans/documents/").content.decode()
    choice = re.search(r'<select id="loop-measure".*?</select>', page, re.S)[0]
    assert re.findall(r'<option value="(\w+)"', choice) == ["margin", "entropy"]
    assert re.search(r'<option value="margin"[^>]*selected>margin \(default\)', choice)
    assert "selected" not in choice.split('value="entropy"')[1]

    url = "/api/projects/loans/loop-jobs"

    def start(params: dict):
        body = {"kind": "uncertainty", "modelLabel": "m1", "params": params}
        return client.post(url, body, content_type="application/json")

    for params, measure in (({"measure": "entropy"}, "entropy"), ({}, "margin"), ({"measure": "margin"}, "margin")):
        answer = start(params)
        assert answer.status_code == 202, answer.content
        job = LoopJob.objects.get(job_id=answer.json()["jobId"])
        assert job.params["measure"] == measure
        assert client.post(f"{url}/{job.job_id}/cancel").status_code == 202  # queued: cancelled at once
    refused = start({"measure": "variance"})
    assert refused.status_code == 400
    assert refused.json()["error"]["message"] == "Unknown uncertainty measure 'variance'; choose margin or entropy."
