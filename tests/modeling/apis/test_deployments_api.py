"""Deployments over Azure's authoring paths: deploy, get, list, delete, swap, limits, permissions."""

from __future__ import annotations

import pytest
from django.contrib.auth import get_user_model
from django.utils import timezone

from modeling.models import Deployment, TrainedModel
from projects.models import Membership, Project, Role
from tests.modeling.factories import loan_project


@pytest.fixture
def project(api):
    api.post("/projects/loans/:import", loan_project(documents=12))
    project = Project.objects.get(name="loans")
    for label in ("m1", "m2"):
        TrainedModel.objects.create(
            project=project, label=label, model_id=f"{label}-id", path=f"{project.pk}/{label}",
            training_config_version="v", trained_at=timezone.now(),
        )  # fmt: skip
    return project


def deploy(api, name, label):
    return api.client.put(
        api.url(f"/projects/loans/deployments/{name}"), f'{{"trainedModelLabel": "{label}"}}',
        content_type="application/json", headers=api._headers(),
    )  # fmt: skip


def test_deploy_get_list_redeploy_delete(api, project):
    response = deploy(api, "production", "m1")
    assert response.status_code == 202
    assert "/deployments/production/jobs/" in response["Operation-Location"]
    assert api.follow(response).json()["status"] == "succeeded"
    body = api.get("/projects/loans/deployments/production").json()
    assert body["deploymentName"] == "production" and body["modelId"] == "m1-id"
    assert {"lastDeployedDateTime", "deploymentExpirationDate", "modelTrainingConfigVersion"} <= set(body)
    deploy(api, "production", "m2")
    assert api.get("/projects/loans/deployments/production").json()["modelId"] == "m2-id"
    assert [d["deploymentName"] for d in api.get("/projects/loans/deployments").json()["value"]] == ["production"]
    response = api.delete("/projects/loans/deployments/production")
    assert response.status_code == 202
    assert api.get("/projects/loans/deployments/production").status_code == 404
    assert (
        api.get("/projects/loans/deployments/production").json()["error"]["innererror"]["code"] == "DeploymentNotFound"
    )


def test_swap_exchanges_models(api, project):
    deploy(api, "production", "m1")
    deploy(api, "staging", "m2")
    response = api.post(
        "/projects/loans/deployments/:swap", {"firstDeploymentName": "production", "secondDeploymentName": "staging"}
    )
    assert response.status_code == 202
    assert "/deployments/swap/jobs/" in response["Operation-Location"]
    assert api.follow(response).json()["status"] == "succeeded"
    assert api.get("/projects/loans/deployments/production").json()["modelId"] == "m2-id"
    assert api.get("/projects/loans/deployments/staging").json()["modelId"] == "m1-id"


def test_swap_errors(api, project):
    deploy(api, "production", "m1")
    missing = api.post(
        "/projects/loans/deployments/:swap", {"firstDeploymentName": "production", "secondDeploymentName": "nope"}
    )
    assert missing.status_code == 404
    same = api.post(
        "/projects/loans/deployments/:swap", {"firstDeploymentName": "production", "secondDeploymentName": "production"}
    )
    assert same.status_code == 400


def test_deploy_errors(api, project):
    assert deploy(api, "bad name", "m1").status_code == 400
    response = deploy(api, "production", "unknown")
    assert response.status_code == 404 and "unknown" in response.json()["error"]["message"]
    for i in range(10):
        assert deploy(api, f"d{i}", "m1").status_code == 202
    response = deploy(api, "d10", "m1")
    assert response.status_code == 400 and "10 deployments, the limit" in response.json()["error"]["message"]
    assert Deployment.objects.count() == 10


def test_a_deployed_model_cannot_be_deleted(api, project):
    deploy(api, "production", "m1")
    response = api.delete("/projects/loans/models/m1")
    assert response.status_code == 409
    assert "deployed as production" in response.json()["error"]["message"]
    assert TrainedModel.objects.filter(label="m1").exists()


@pytest.mark.parametrize("role", [Role.ANNOTATOR, Role.VIEWER])
def test_only_owners_deploy(api, project, make_api, role):
    other = make_api("someone")
    Membership.objects.create(project=project, user=get_user_model().objects.get(username="someone"), role=role)
    assert deploy(other, "production", "m1").status_code == 403
    deploy(api, "production", "m1")
    assert other.delete("/projects/loans/deployments/production").status_code == 403
    assert other.get("/projects/loans/deployments/production").status_code == 200


def test_a_deploy_over_the_api_loads_the_model_after_the_commit(
    api, project, monkeypatch, django_capture_on_commit_callbacks
):
    loads = []
    monkeypatch.setattr(
        "modeling.serving.load_in_background", lambda model, file: loads.append((model.model_id, file.name))
    )
    with django_capture_on_commit_callbacks(execute=True):
        assert deploy(api, "production", "m1").status_code == 202
        assert loads == []  # not before the commit
    assert loads == [("m1-id", "model.pt")]
    with django_capture_on_commit_callbacks(execute=True):
        deploy(api, "staging", "m2")
        api.post(
            "/projects/loans/deployments/:swap",
            {"firstDeploymentName": "production", "secondDeploymentName": "staging"},
        )
    assert loads[1:] == [("m2-id", "model.pt"), ("m2-id", "model.pt"), ("m1-id", "model.pt")]
