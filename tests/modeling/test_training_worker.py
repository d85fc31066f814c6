"""Real training through the real django-q2 worker: job states, progress, evaluation, cancel, snapshot."""

from __future__ import annotations

from pathlib import Path

import pytest
from django.conf import settings

from annotation.models import Document, Label
from modeling.models import TrainedModel
from tests.modeling.conftest import wait_for
from tests.modeling.factories import loan_project

pytestmark = [pytest.mark.slow, pytest.mark.scale]  # `make test-scale` trains on PostgreSQL and Redis too
FAST_MANUAL = {"modelLabel": "m1", "trainingConfigVersion": "2026-11-01-fast", "evaluationOptions": {"kind": "manual"}}


def job_url(response) -> str:
    assert response.status_code == 202, response.content
    return response["Operation-Location"]


def test_real_training_job_produces_an_evaluated_model(api, worker):
    api.post("/projects/loans/:import", loan_project(documents=30, test_every=5))
    url = job_url(api.post("/projects/loans/:train", FAST_MANUAL))
    seen_running = []

    def finished():
        state = api.get_absolute(url).json()
        if state["status"] == "running":
            seen_running.append(state["result"]["trainingStatus"]["percentComplete"])
        return state if state["status"] in ("succeeded", "failed", "cancelled") else None

    state = wait_for(finished, timeout=600, interval=1, what="training to finish")
    assert state["status"] == "succeeded", state["errors"]
    assert state["result"]["trainingStatus"]["percentComplete"] == 100
    assert state["result"]["evaluationStatus"]["status"] == "succeeded"
    assert seen_running, "the job was never seen running"

    model = TrainedModel.objects.get(label="m1")
    assert (Path(settings.MODELS_DIR) / model.path / "model.pt").exists()
    assert model.test_documents == 6 and model.train_documents == 24
    summary = api.get("/projects/loans/models/m1/evaluation/summary-result").json()
    assert summary["customEntityRecognitionEvaluation"]["microF1"] > 0.5

    # The model's snapshot restores the labels it was trained on.
    Label.objects.all().delete()
    started = api.post("/projects/loans/models/m1/:load-snapshot")
    assert api.follow(started).json()["status"] == "succeeded"
    assert Label.objects.count() == 90 and Document.objects.count() == 30


def test_cancel_stops_a_running_job(api, worker):
    api.post("/projects/loans/:import", loan_project(documents=200, test_every=5))
    url = job_url(api.post("/projects/loans/:train", FAST_MANUAL))
    wait_for(lambda: api.get_absolute(url).json()["status"] == "running", timeout=120, what="the job to run")
    cancel = url.replace("?", "/:cancel?")
    assert api.client.post(cancel, headers=api._headers()).status_code == 202
    state = wait_for(
        lambda: (s := api.get_absolute(url).json())["status"] in ("cancelled", "succeeded", "failed") and s,
        timeout=60,
        what="the job to stop",
    )
    assert state["status"] == "cancelled"
    assert not TrainedModel.objects.exists()
