"""What the runtime refuses, it refuses before storing anything, in Azure's JSON: bodies over the limit (from their
Content-Length), malformed parameters, lone surrogates; and a job never keeps the text of a document it cannot
analyze. No model is loaded here: these requests never reach a prediction."""

from __future__ import annotations

import json

import pytest
from django.contrib.auth import get_user_model

from modeling.models import AnalyzeJob
from projects.models import Membership, Role
from projects.services.projects import project_create
from studio import limits
from tests.modeling.factories import trained_model_files

JOBS = "/language/analyze-text/jobs?api-version=2023-04-01"
SYNC = "/language/:analyze-text?api-version=2023-04-01"
PARAMETERS = {"projectName": "loans", "deploymentName": "prod"}


@pytest.fixture
def deployed(owner, settings, tmp_path):
    settings.MODELS_DIR = str(tmp_path)
    settings.STUDIO_PRELOAD_MODELS = False
    project = project_create(user=owner, name="loans")
    trained_model_files(project, "m1", deployment="prod")
    return project


def job_body(documents, parameters=PARAMETERS, **extra) -> dict:
    return {
        "analysisInput": {"documents": documents},
        "tasks": [{"kind": "CustomEntityRecognition", "taskName": "t", "parameters": parameters}],
        **extra,
    }


def sync_body(documents, parameters=PARAMETERS) -> dict:
    return {"kind": "CustomEntityRecognition", "analysisInput": {"documents": documents}, "parameters": parameters}


def post(api, url, body=None, *, raw: str | None = None, **extra):
    data = raw if raw is not None else json.dumps(body)
    return api.client.post(url, data, content_type="application/json", headers=api._headers(), **extra)


def assert_azure_error(response, status: int, inner: str | None = None) -> dict:
    assert response.status_code == status, response.content
    assert response["Content-Type"].startswith("application/json")
    error = response.json()["error"]
    assert response["x-ms-error-code"] == error["code"]
    if inner:
        assert error["innererror"]["code"] == inner
    return error


def test_a_viewer_cannot_park_megabytes_in_a_job(api, deployed, make_api):
    viewer = make_api("viewer")
    Membership.objects.create(project=deployed, user=get_user_model().objects.get(username="viewer"), role=Role.VIEWER)
    documents = [{"id": str(i), "text": "x" * 1_048_576} for i in range(limits.RUNTIME_DOCUMENTS_MAX)]
    for url, body in ((JOBS, job_body(documents)), (SYNC, sync_body(documents))):
        error = assert_azure_error(post(viewer, url, body), 413, "InvalidDocumentBatch")
        assert "2,097,152 bytes" in error["message"]
    assert not AnalyzeJob.objects.exists()


def test_the_size_is_refused_from_the_content_length_before_the_body_is_read(api, deployed):
    response = post(api, JOBS, raw="{}", CONTENT_LENGTH=str(limits.RUNTIME_REQUEST_BYTES_MAX + 1))
    assert_azure_error(response, 413, "InvalidDocumentBatch")


def test_a_body_within_the_limit_passes_the_size_check(api, deployed):
    text = "😀" * limits.RUNTIME_CHARACTERS_MAX  # the most characters a call may send, each escaped by json.dumps
    body = json.dumps(job_body([{"id": "1", "text": text}]))
    assert len(body.encode()) < limits.RUNTIME_REQUEST_BYTES_MAX
    assert "InvalidDocumentBatch" not in post(api, JOBS, raw=body).content.decode()


def test_a_job_keeps_no_text_of_a_document_it_cannot_analyze(api, deployed):
    too_long = "y" * (limits.RUNTIME_CHARACTERS_MAX + 1)
    response = post(api, JOBS, job_body([{"id": "long", "text": too_long}, {"id": "blank", "text": "   "}]))

    assert response.status_code == 202, response.content
    job = AnalyzeJob.objects.get()
    assert len(json.dumps(job.documents)) < 1000
    state = api.client.get(response["Operation-Location"], headers=api._headers()).json()
    errors = state["tasks"]["items"][0]["results"]["errors"]
    assert [e["id"] for e in errors] == ["long", "blank"]
    assert "too long (125,001 characters)" in errors[0]["error"]["innererror"]["message"]
    assert errors[1]["error"]["innererror"]["message"] == "Document text is empty."


ONE = [{"id": "1", "text": "a"}]


@pytest.mark.parametrize(
    "body, target, inner",
    [
        (job_body(ONE, parameters=[1]), "parameters", "InvalidParameterValue"),
        (job_body(ONE, parameters="loans/prod"), "parameters", "InvalidParameterValue"),
        (job_body(ONE, parameters={**PARAMETERS, "projectName": ["loans"]}), "parameters", "InvalidParameterValue"),
        (
            job_body(ONE, parameters={**PARAMETERS, "stringIndexType": ["x"]}),
            "stringIndexType",
            "InvalidParameterValue",
        ),
        (job_body(ONE, displayName=["x"]), "displayName", "InvalidParameterValue"),
        (job_body([{"id": "1", "text": "a", "language": 5}]), "documents[0].language", "InvalidDocument"),
    ],
)
def test_malformed_job_parameters_are_azure_400s(api, deployed, body, target, inner):
    error = assert_azure_error(post(api, JOBS, body), 400, inner)
    assert error["target"] == target
    assert not AnalyzeJob.objects.exists()


def test_a_non_object_sync_parameters_is_an_azure_400(api, deployed):
    error = assert_azure_error(post(api, SYNC, sync_body([{"id": "1", "text": "a"}], parameters=[1])), 400)
    assert error["innererror"]["code"] == "InvalidParameterValue"


@pytest.mark.parametrize("url, make", [(JOBS, job_body), (SYNC, sync_body)])
def test_a_lone_surrogate_is_an_azure_400(api, deployed, url, make):
    # json.dumps writes the lone surrogate as the escape "\ud800", as a client in another language would.
    response = post(api, url, make([{"id": "1", "text": "Acme \ud800 Bank"}]))
    error = assert_azure_error(response, 400, "InvalidRequestBodyFormat")
    assert "analysisInput.documents[0].text" in error["message"] and "surrogate" in error["message"]
    assert not AnalyzeJob.objects.exists()


def test_a_deployment_whose_model_cannot_load_is_an_azure_500_not_a_page(api, deployed, monkeypatch):
    def missing(*args, **kwargs):
        raise FileNotFoundError("No model file at /gone/model.pt.")

    monkeypatch.setattr("modeling.serving.predict", missing)
    error = assert_azure_error(post(api, SYNC, sync_body([{"id": "1", "text": "Acme Bank"}])), 500)
    assert error["code"] == "InternalServerError" and "/gone" not in error["message"]
