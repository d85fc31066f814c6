"""What differs between api-versions on the model and deployment paths (studio/api_versions.py)."""

from __future__ import annotations

import json

import pytest

from annotation.formats.azure import write_project
from annotation.services.imports import project_data
from modeling.models import Deployment, TrainingJob
from modeling.services.models import model_directory
from projects.models import Project
from tests.modeling.factories import loan_project, trained_model_files


@pytest.fixture
def project(api, settings):
    settings.STUDIO_PRELOAD_MODELS = False  # stand-in model files: nothing to load
    api.post("/projects/loans/:import", loan_project(documents=12))
    project = Project.objects.get(name="loans")
    model = trained_model_files(project, "m1", deployment="prod")
    snapshot = write_project(project_data(project=project), include_text=True)
    (model_directory(model) / "snapshot.json").write_text(json.dumps(snapshot))
    return project


def at(api, version: str):
    api.version = version
    return api


@pytest.mark.parametrize(("version", "has"), [("2022-05-01", False), ("2022-10-01-preview", True),
                                              ("2023-04-01", True), ("2025-05-15-preview", True)])  # fmt: skip
def test_models_say_they_have_a_snapshot_from_2022_10_01_preview(api, project, version, has):
    body = at(api, version).get("/projects/loans/models/m1").json()
    assert ("hasSnapshot" in body) == has
    assert body.get("hasSnapshot", True) is True
    assert all(("hasSnapshot" in m) == has for m in api.get("/projects/loans/models").json()["value"])


def test_load_snapshot_is_no_operation_of_2022_05_01(api, project):
    response = at(api, "2022-05-01").post("/projects/loans/models/m1/:load-snapshot")
    assert response.status_code == 404
    error = response.json()["error"]
    assert error["message"].startswith(
        "Loading a model's snapshot (:load-snapshot) is not part of api-version 2022-05-01"
    )
    assert "2022-10-01-preview, 2023-04-01" in error["message"]
    started = at(api, "2022-10-01-preview").post("/projects/loans/models/m1/:load-snapshot")
    assert api.follow(started).json()["status"] == "succeeded"
    job = started["Operation-Location"]  # its job, at the version that started it
    assert api.get_absolute(job.replace("2022-10-01-preview", "2022-05-01")).status_code == 404


def test_exporting_a_model_needs_2022_10_01_preview(api, project):
    response = at(api, "2022-05-01").post(
        "/projects/loans/:export", stringIndexType="Utf16CodeUnit", trainedModelLabel="m1"
    )
    assert response.status_code == 400
    assert "'trainedModelLabel'" in response.json()["error"]["message"]
    assert at(api, "2022-05-01").post("/projects/loans/:export", stringIndexType="Utf16CodeUnit").status_code == 202


@pytest.mark.parametrize(("version", "has"), [("2022-05-01", False), ("2022-10-01-preview", True),
                                              ("2023-04-01", False), ("2025-05-01", True),
                                              ("2025-05-15-preview", True)])  # fmt: skip
def test_deployments_list_their_assigned_resources_where_the_version_has_them(api, project, version, has):
    body = at(api, version).get("/projects/loans/deployments/prod").json()
    assert body.get("assignedResources", []) == [] and ("assignedResources" in body) == has


def test_deploying_to_other_resources_is_refused_where_the_version_has_them(api, project):
    body = json.dumps({"trainedModelLabel": "m1", "assignedResourceIds": ["/subscriptions/x/resource"]})
    put = lambda: api.client.put(  # noqa: E731
        api.url("/projects/loans/deployments/staging"), body, content_type="application/json", headers=api._headers()
    )
    response = at(api, "2025-05-15-preview") and put()
    assert response.status_code == 400 and response.json()["error"]["target"] == "assignedResourceIds"
    assert not Deployment.objects.filter(name="staging").exists()
    assert (at(api, "2023-04-01") and put()).status_code == 202  # not a field of that version


PREVIEW_OPERATIONS = [
    # (method, path, answer at 2025-05-15-preview)
    ("get", "/projects/global/deployments/resources", 200),
    ("get", "/projects/loans/resources", 200),
    ("post", "/projects/loans/resources/:assign", 400),
    ("post", "/projects/loans/resources/:unassign", 400),
    ("get", "/projects/loans/resources/assign/jobs/j1", 404),
    ("get", "/projects/loans/resources/unassign/jobs/j1", 404),
    ("post", "/projects/loans/deployments/prod/:delete-from-resources", 400),
    ("get", "/projects/loans/deployments/prod/delete-from-resources/jobs/j1", 404),
    ("post", "/projects/loans/:authorize-copy", 400),
    ("post", "/projects/loans/:copy", 400),
    ("get", "/projects/loans/copy/jobs/j1", 404),
    ("get", "/projects/loans/exported-models", 200),
    ("get", "/projects/loans/exported-models/e1", 404),
    ("delete", "/projects/loans/exported-models/e1", 404),
    ("get", "/projects/loans/exported-models/e1/manifest", 404),
    ("get", "/projects/loans/exported-models/e1/jobs/j1", 404),
    ("post", "/projects/loans/models/m1/:evaluate", 400),
    ("get", "/projects/loans/models/m1/evaluate/jobs/j1", 404),
    ("get", "/projects/global/prebuilt-entities", 400),
]


@pytest.mark.parametrize(("method", "path", "status"), PREVIEW_OPERATIONS)
def test_later_operations_are_answered_in_their_versions_and_unknown_before(api, project, method, path, status):
    response = getattr(at(api, "2025-05-15-preview"), method)(path)
    assert response.status_code == status, response.content
    if status == 200:
        assert response.json() == {"value": [], "nextLink": None}
    else:
        assert response["x-ms-error-code"] in ("InvalidRequest", "NotFound") and response.json()["error"]["message"]
    before = getattr(at(api, "2023-04-01"), method)(path)
    assert before.status_code == 404 and "not part of api-version 2023-04-01" in before.json()["error"]["message"]


def test_refusals_say_why(api, project):
    at(api, "2025-05-15-preview")
    assert "no other Azure resources" in api.post("/projects/loans/resources/:assign").json()["error"]["message"]
    assert "Export the project" in api.post("/projects/loans/:copy").json()["error"]["message"]
    assert "CustomHealthcare" in api.get("/projects/global/prebuilt-entities").json()["error"]["message"]
    assert "evaluates a model once" in api.post("/projects/loans/models/m1/:evaluate").json()["error"]["message"]
    assert api.get("/projects/nobody/resources").json()["error"]["innererror"]["code"] == "ProjectNotFound"


def test_training_with_generated_data_is_refused_where_the_version_defines_it(api, project):
    body = {"modelLabel": "m2", "trainingConfigVersion": "latest",
            "dataGenerationSettings": {"enableDataGeneration": True,
                                       "dataGenerationConnectionInfo": {"kind": "AzureOpenAI", "resourceId": "r",
                                                                        "deploymentName": "gpt"}}}  # fmt: skip
    response = at(api, "2025-05-15-preview").post("/projects/loans/:train", body)
    assert response.status_code == 400
    assert response.json()["error"]["target"] == "dataGenerationSettings.enableDataGeneration"
    assert not TrainingJob.objects.exists()
    off = {**body, "dataGenerationSettings": {"enableDataGeneration": False}}
    assert api.post("/projects/loans/:train", off).status_code == 202
