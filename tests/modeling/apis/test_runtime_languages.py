"""`UnsupportedLanguageCode` over HTTP, in Azure's per-document error shape: the synchronous call and a job (whose
stored results keep the code)."""

from __future__ import annotations

import json

import pytest

from projects.models import Project
from tests.modeling.factories import loan_project

TEXT = "This loan agreement is made between Acme Bank and Wei Zhang for $5,000."
TASK = {"projectName": "loans", "deploymentName": "prod", "stringIndexType": "UnicodeCodePoint"}


@pytest.fixture
def project(api, deploy_tiny, owner):
    api.post("/projects/loans/:import", loan_project(documents=12))
    project = Project.objects.get(name="loans")
    deploy_tiny(project, user=owner)
    return project


def post(api, url: str, body: dict):
    return api.client.post(url, json.dumps(body), content_type="application/json", headers=api._headers())


def documents():
    return [{"id": "1", "text": TEXT, "language": "en"}, {"id": "2", "text": TEXT, "language": "xx-unknown"}]


def assert_unsupported(results: dict) -> None:
    assert [d["id"] for d in results["documents"]] == ["1"]
    (error,) = results["errors"]
    assert error["id"] == "2"
    assert error["error"]["code"] == "InvalidArgument" and error["error"]["message"] == "Invalid language code."
    inner = error["error"]["innererror"]
    assert inner["code"] == "UnsupportedLanguageCode"
    assert inner["message"].startswith("Invalid language code 'xx-unknown'. Supported languages: en, en-us,")


def test_the_synchronous_call_reports_the_document(api, project):
    body = {"kind": "CustomEntityRecognition", "analysisInput": {"documents": documents()}, "parameters": TASK}
    response = post(api, "/language/:analyze-text?api-version=2023-04-01", body)
    assert response.status_code == 200, response.content
    assert_unsupported(response.json()["results"])


@pytest.mark.parametrize("version", ["2023-04-01", "2026-05-15-preview"])
def test_a_job_reports_the_document_at_every_version(api, project, version):
    body = {"analysisInput": {"documents": documents()},
            "tasks": [{"kind": "CustomEntityRecognition", "taskName": "0", "parameters": TASK}]}  # fmt: skip
    response = post(api, f"/language/analyze-text/jobs?api-version={version}", body)
    assert response.status_code == 202, response.content
    assert response["Operation-Location"].endswith(f"?api-version={version}")
    state = api.client.get(response["Operation-Location"], headers=api._headers()).json()
    assert state["status"] == "succeeded"
    assert_unsupported(state["tasks"]["items"][0]["results"])
