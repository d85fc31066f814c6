"""The runtime over HTTP: analyze-text jobs and the synchronous call, on a real (tiny) deployed model."""

from __future__ import annotations

import json
from datetime import timedelta

import pytest
from django.contrib.auth import get_user_model
from django.utils import timezone

from modeling.models import AnalyzeJob
from modeling.services.runtime import analyze_jobs_expire
from projects.models import Membership, Project, Role
from tests.conftest import AzureClient
from tests.modeling.factories import loan_project

RUNTIME = "/language/analyze-text/jobs"
EMOJI_TEXT = "Ana López 👩‍👩‍👧 agrees to repay $1,200 to Contoso Finance 😀 in monthly installments."


@pytest.fixture
def project(api, deploy_tiny, owner):
    api.post("/projects/loans/:import", loan_project(documents=12))
    project = Project.objects.get(name="loans")
    deploy_tiny(project, user=owner)
    return project


def submit(api, documents, *, index_type="UnicodeCodePoint", project="loans", deployment="prod", version="2023-04-01"):
    body = {
        "analysisInput": {"documents": documents},
        "tasks": [{"kind": "CustomEntityRecognition", "taskName": "0",
                   "parameters": {"projectName": project, "deploymentName": deployment,
                                  "stringIndexType": index_type}}],
    }  # fmt: skip
    return api.client.post(
        f"{RUNTIME}?api-version={version}", json.dumps(body), content_type="application/json", headers=api._headers()
    )


def docs(*texts):
    return [{"id": str(i), "text": t, "language": "en"} for i, t in enumerate(texts)]


def results(api, response, **query):
    assert response.status_code == 202, response.content
    url = response["Operation-Location"]
    assert "/language/analyze-text/jobs/" in url and "api-version=2023-04-01" in url
    extra = "".join(f"&{k}={v}" for k, v in query.items())
    return api.client.get(url + extra, headers=api._headers()).json()


@pytest.mark.parametrize("index_type", ["UnicodeCodePoint", "Utf16CodeUnit", "TextElements_v8"])
def test_job_offsets_slice_the_text_exactly_in_every_unit(api, project, index_type):
    body = results(api, submit(api, docs(EMOJI_TEXT), index_type=index_type))
    assert body["status"] == "succeeded"  # small jobs are ready at the first poll
    item = body["tasks"]["items"][0]
    assert item["kind"] == "CustomEntityRecognitionLROResults" and item["taskName"] == "0"
    assert body["tasks"] == {**body["tasks"], "completed": 1, "failed": 0, "inProgress": 0, "total": 1}
    entities = item["results"]["documents"][0]["entities"]
    assert {e["category"] for e in entities} >= {"Borrower", "Amount"}
    if index_type == "UnicodeCodePoint":
        sliced = lambda e: EMOJI_TEXT[e["offset"] : e["offset"] + e["length"]]  # noqa: E731
    elif index_type == "Utf16CodeUnit":
        units = EMOJI_TEXT.encode("utf-16-le")
        sliced = lambda e: units[2 * e["offset"] : 2 * (e["offset"] + e["length"])].decode("utf-16-le")  # noqa: E731
    else:
        import regex

        elements = regex.findall(r"\X", EMOJI_TEXT)
        sliced = lambda e: "".join(elements[e["offset"] : e["offset"] + e["length"]])  # noqa: E731
    for entity in entities:
        assert sliced(entity) == entity["text"]
        assert 0 < entity["confidenceScore"] <= 1
    assert item["results"]["errors"] == [] and item["results"]["documents"][0]["warnings"] == []


def test_job_body_has_azure_fields_and_stats_on_request(api, project):
    body = results(api, submit(api, docs("Acme Bank lends $5,000 to John Smith.", "")), showStats="true")
    assert set(body) >= {"jobId", "createdDateTime", "lastUpdatedDateTime", "expirationDateTime", "status", "errors"}
    assert body["statistics"]["documentsCount"] == 2 and body["statistics"]["erroneousDocumentsCount"] == 1
    task = body["tasks"]["items"][0]["results"]
    assert task["statistics"]["validDocumentsCount"] == 1
    assert task["documents"][0]["statistics"] == {"charactersCount": 37, "transactionsCount": 1}
    assert task["errors"][0]["id"] == "1"
    assert task["errors"][0]["error"]["innererror"]["code"] == "InvalidDocument"
    plain = results(api, submit(api, docs("Acme Bank lends $5,000.")))
    assert "statistics" not in plain and "statistics" not in plain["tasks"]["items"][0]["results"]["documents"][0]


def test_job_and_task_statistics_count_documents_alike(api, project):
    texts = docs("Acme Bank lends $5,000 to John Smith.", "", "x" * 125_001)
    body = results(api, submit(api, texts), showStats="true")
    expected = {"documentsCount": 3, "validDocumentsCount": 1, "erroneousDocumentsCount": 2, "transactionsCount": 1}
    assert body["statistics"] == body["tasks"]["items"][0]["results"]["statistics"] == expected


def test_paging_with_top_and_skip(api, project):
    response = submit(api, docs("Acme Bank.", "Wei Zhang.", "$5,000."))
    url = response["Operation-Location"]
    first = api.client.get(url + "&top=2", headers=api._headers()).json()
    assert [d["id"] for d in first["tasks"]["items"][0]["results"]["documents"]] == ["0", "1"]
    assert "skip=2" in first["nextLink"] and "top=2" in first["nextLink"]
    second = api.client.get(first["nextLink"], headers=api._headers()).json()
    assert [d["id"] for d in second["tasks"]["items"][0]["results"]["documents"]] == ["2"]
    assert "nextLink" not in second


def test_a_too_long_document_is_a_per_document_error(api, project):
    body = results(api, submit(api, docs("Acme Bank lends $5,000.", "x" * 125_001)))
    task = body["tasks"]["items"][0]["results"]
    assert [d["id"] for d in task["documents"]] == ["0"]
    assert "too long" in task["errors"][0]["error"]["innererror"]["message"]


@pytest.mark.parametrize(
    "documents,status,inner,message",
    [
        ([], 400, "MissingInputDocuments", "Missing input documents"),
        (docs(*["a"] * 26), 400, "InvalidDocumentBatch", "Max 25 records"),
        (docs("x" * 70_000, "y" * 60_000), 400, "InvalidDocumentBatch", "125,000 characters"),
        ([{"id": "1", "text": "a"}, {"id": "1", "text": "b"}], 400, "InvalidDocument", "duplicated Ids"),
        ([{"id": "", "text": "a"}], 400, "InvalidDocument", "non-empty"),
    ],
)
def test_request_level_errors(api, project, documents, status, inner, message):
    response = submit(api, documents)
    assert response.status_code == status
    error = response.json()["error"]
    assert error["innererror"]["code"] == inner and message in error["innererror"]["message"]
    assert not AnalyzeJob.objects.exists()


def test_unknown_project_and_deployment_are_404(api, project):
    response = submit(api, docs("a"), project="nope")
    assert response.status_code == 404
    assert response.json()["error"]["innererror"]["code"] == "ProjectNotFound"
    response = submit(api, docs("a"), deployment="nope")
    assert response.status_code == 404
    assert response.json()["error"]["innererror"]["code"] == "DeploymentNotFound"


def test_wrong_key_bad_version_and_outsiders(api, project, make_api):
    assert submit(AzureClient("wrong"), docs("a")).status_code == 401
    assert submit(api, docs("a"), version="2021-01-01").status_code == 400
    outsider = make_api("eve")
    assert submit(outsider, docs("a")).status_code == 404
    job_url = submit(api, docs("Acme Bank."))["Operation-Location"]
    assert outsider.client.get(job_url, headers=outsider._headers()).status_code == 404


def test_a_viewer_may_call_the_runtime(api, project, make_api):
    viewer = make_api("vic")
    Membership.objects.create(project=project, user=get_user_model().objects.get(username="vic"), role=Role.VIEWER)
    assert results(viewer, submit(viewer, docs("Acme Bank lends $5,000.")))["status"] == "succeeded"


def test_cancel_and_expiry(api, project):
    response = submit(api, docs("Acme Bank lends $5,000. " * 100))  # over the inline limit: waits for its thread
    url = response["Operation-Location"]
    cancel = url.replace("?", ":cancel?")
    cancelled = api.client.post(cancel, headers=api._headers())
    assert cancelled.status_code == 202 and cancelled["Operation-Location"] == url
    body = api.client.get(url, headers=api._headers()).json()
    assert body["status"] == "cancelled" and body["errors"] == []
    assert body["tasks"] == {**body["tasks"], "completed": 0, "failed": 1, "inProgress": 0, "total": 1}
    (item,) = body["tasks"]["items"]
    assert item["status"] == "cancelled"
    assert item["results"] == {"projectName": "loans", "deploymentName": "prod", "documents": [], "errors": []}
    AnalyzeJob.objects.update(expires_at=timezone.now() - timedelta(seconds=1))
    assert api.client.get(url, headers=api._headers()).status_code == 404
    submit(api, docs("Acme Bank."))
    assert AnalyzeJob.objects.count() == 2  # submitting sweeps nothing: the schedule expires jobs
    assert analyze_jobs_expire() == 1
    assert AnalyzeJob.objects.count() == 1


def test_sync_endpoint_answers_at_once(api, project):
    body = {
        "kind": "CustomEntityRecognition",
        "analysisInput": {"documents": docs(EMOJI_TEXT)},
        "parameters": {"projectName": "loans", "deploymentName": "prod", "stringIndexType": "Utf16CodeUnit"},
    }
    response = api.client.post(
        "/language/:analyze-text?api-version=2023-04-01", json.dumps(body), content_type="application/json",
        headers=api._headers(),
    )  # fmt: skip
    assert response.status_code == 200, response.content
    result = response.json()
    assert result["kind"] == "CustomEntityRecognitionResults"
    units = EMOJI_TEXT.encode("utf-16-le")
    for entity in result["results"]["documents"][0]["entities"]:
        assert (
            units[2 * entity["offset"] : 2 * (entity["offset"] + entity["length"])].decode("utf-16-le")
            == entity["text"]
        )


@pytest.mark.django_db(transaction=True)
def test_large_jobs_run_in_the_background_and_tell_when_to_poll(api, project):
    import time

    text = "Acme Bank lends $5,000 to John Smith. " * 250  # 9,500 characters
    response = submit(api, docs(text, text, text))
    url = response["Operation-Location"]
    deadline = time.monotonic() + 120
    while True:
        poll = api.client.get(url, headers=api._headers())
        if poll.json()["status"] == "succeeded" or time.monotonic() > deadline:
            break
        assert poll["retry-after-ms"] == "250"
        time.sleep(0.25)
    body = poll.json()
    assert body["status"] == "succeeded"
    assert len(body["tasks"]["items"][0]["results"]["documents"]) == 3


@pytest.mark.parametrize("status", ["succeeded", "cancelled"])
def test_cancelling_a_job_that_has_ended_is_a_400_saying_so(api, project, status):
    url = submit(api, docs("Acme Bank."))["Operation-Location"]  # small: done when the submit answers
    cancel = url.replace("?", ":cancel?")
    if status == "cancelled":
        AnalyzeJob.objects.update(status="cancelled")
    response = api.client.post(cancel, headers=api._headers())
    assert response.status_code == 400 and response["x-ms-error-code"] == "InvalidRequest"
    error = response.json()["error"]
    job_id = url.split("/jobs/")[1].split("?")[0]
    assert error["code"] == "InvalidRequest"
    assert error["message"] == (
        f"Failed to cancel job with job id {job_id}: it has already ended ({status}), and only a job that is "
        "notStarted or running can be cancelled."
    )
    assert api.client.get(url, headers=api._headers()).json()["status"] == status


OTHER_KINDS = [
    {"kind": "SentimentAnalysis", "taskName": "sentiment"},
    {"kind": "EntityRecognition", "taskName": "entities", "parameters": {"modelVersion": "latest"}},
    {"kind": "KeyPhraseExtraction"},
    {"kind": "CustomSingleLabelClassification", "taskName": "classify",
     "parameters": {"projectName": "tickets", "deploymentName": "prod"}},
]  # fmt: skip


def test_a_job_runs_its_custom_ner_tasks_and_fails_each_task_of_another_kind(api, project):
    custom = {"kind": "CustomEntityRecognition", "taskName": "ner",
              "parameters": {"projectName": "loans", "deploymentName": "prod"}}  # fmt: skip
    body = {"analysisInput": {"documents": docs(EMOJI_TEXT)}, "tasks": [*OTHER_KINDS[:2], custom, *OTHER_KINDS[2:]]}
    response = api.client.post(
        f"{RUNTIME}?api-version=2023-04-01", json.dumps(body), content_type="application/json", headers=api._headers()
    )
    state = results(api, response)
    assert state["status"] == "partiallyCompleted"
    assert state["tasks"] == {**state["tasks"], "completed": 1, "failed": 4, "inProgress": 0, "total": 5}
    items = state["tasks"]["items"]
    assert [(i["kind"], i["taskName"], i["status"]) for i in items] == [
        ("SentimentAnalysisLROResults", "sentiment", "failed"),
        ("EntityRecognitionLROResults", "entities", "failed"),
        ("CustomEntityRecognitionLROResults", "ner", "succeeded"),
        ("KeyPhraseExtractionLROResults", "3", "failed"),
        ("CustomSingleLabelClassificationLROResults", "classify", "failed"),
    ]
    assert [i for i in items if "results" in i] == [items[2]] and items[2]["results"]["documents"][0]["entities"]
    assert [(e["target"], e["code"]) for e in state["errors"]] == [
        (f"#/tasks/items/{i}", "InvalidRequest") for i in (0, 1, 3, 4)
    ]
    assert state["errors"][2]["message"] == (
        "Task '3' was not run: its kind, KeyPhraseExtraction, is not one this service runs. The studio runs custom "
        "named entity recognition (CustomEntityRecognition) tasks only."
    )


def test_a_job_of_kinds_the_studio_does_not_run_fails_and_an_unknown_kind_is_refused(api, project):
    post = lambda tasks: api.client.post(  # noqa: E731
        f"{RUNTIME}?api-version=2023-04-01", json.dumps({"analysisInput": {"documents": docs("Acme Bank.")},
        "tasks": tasks}), content_type="application/json", headers=api._headers(),
    )  # fmt: skip
    state = results(api, post(OTHER_KINDS))
    assert state["status"] == "failed" and len(state["errors"]) == 4
    assert state["tasks"] == {**state["tasks"], "completed": 0, "failed": 4, "inProgress": 0, "total": 4}
    refused = post([{"kind": "Translation", "taskName": "t"}])
    assert refused.status_code == 400
    assert refused.json()["error"]["message"] == (
        "Task kind 'Translation' is not supported; this service runs 'CustomEntityRecognition'."
    )
