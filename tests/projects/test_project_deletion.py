"""Deleting a project deletes its deployments and models with it (as Azure does), from the API and the settings
page, and its model files once that commits."""

from __future__ import annotations

import pytest
from django.test import Client

from modeling.models import Deployment, TrainedModel
from projects.models import Project
from projects.services.projects import project_create, project_delete
from projects.storage import project_models_directory
from tests.modeling.factories import trained_model_files


@pytest.fixture
def deployed(owner, settings, tmp_path):
    """Project `loans` with model m1 deployed as `prod` and an undeployed m2, both with files."""
    settings.MODELS_DIR = str(tmp_path)
    settings.STUDIO_PRELOAD_MODELS = False
    project = project_create(user=owner, name="loans")
    trained_model_files(project, "m1", deployment="prod")
    trained_model_files(project, "m2")
    return project


def test_the_api_deletes_a_project_with_its_deployments(api, deployed, django_capture_on_commit_callbacks):
    folder = project_models_directory(deployed.pk)
    with django_capture_on_commit_callbacks(execute=True):
        response = api.delete("/projects/loans")

    assert response.status_code == 202, response.content
    assert api.follow(response).json()["status"] == "succeeded"
    assert not Project.objects.filter(name="loans").exists()
    assert not Deployment.objects.exists() and not TrainedModel.objects.exists()
    assert not folder.exists()
    runtime = api.client.post(
        "/language/:analyze-text?api-version=2023-04-01",
        {"kind": "CustomEntityRecognition", "analysisInput": {"documents": [{"id": "1", "text": "Acme"}]},
         "parameters": {"projectName": "loans", "deploymentName": "prod"}},
        content_type="application/json", headers=api._headers(),
    )  # fmt: skip
    assert runtime.status_code == 404 and runtime.json()["error"]["innererror"]["code"] == "ProjectNotFound"


def test_model_files_go_only_once_the_deletion_commits(deployed, django_capture_on_commit_callbacks):
    folder = project_models_directory(deployed.pk)
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        project_delete(project=deployed)
        assert (folder / "m1-a" / "model.pt").exists()
    for callback in callbacks:
        callback()
    assert not folder.exists()


def test_the_settings_page_warns_about_deployments_and_deletes_them(
    owner, deployed, django_capture_on_commit_callbacks
):
    client = Client()
    client.force_login(owner)
    page = client.get("/projects/loans/settings/").content.decode()
    assert "trained models and\n    <strong>deployments</strong> for good" in page

    with django_capture_on_commit_callbacks(execute=True):
        response = client.post("/projects/loans/delete/", {"confirm_name": "loans"})

    assert response.status_code == 302
    assert not Project.objects.exists() and not Deployment.objects.exists()
    assert not project_models_directory(deployed.pk).exists()
