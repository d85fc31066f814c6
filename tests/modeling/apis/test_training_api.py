"""`:train`, job states, cancel, stale workers, models and evaluation endpoints (no training run here)."""

from __future__ import annotations

import json
from datetime import timedelta
from pathlib import Path

import pytest
from django.conf import settings
from django.contrib.auth import get_user_model
from django.utils import timezone

from modeling import config as configs
from modeling.ml.evaluation import evaluate
from modeling.models import TrainedModel, TrainingJob
from projects.models import JobStatus, Membership, Project, Role
from tests.modeling.factories import loan_project


@pytest.fixture
def project(api):
    response = api.post("/projects/loans/:import", loan_project(documents=24, test_every=5))
    assert response.status_code == 202, response.content
    return Project.objects.get(name="loans")


def start(api, body=None, name="loans"):
    return api.post(f"/projects/{name}/:train", {"modelLabel": "m1", **(body or {})})


def test_config_versions_list_the_default(api):
    value = api.get("/projects/global/training-config-versions", projectKind="CustomEntityRecognition").json()["value"]
    versions = {v["trainingConfigVersion"]: v for v in value}
    assert set(versions) == set(configs.CONFIGS)
    assert [v for v in versions if versions[v]["isDefault"]] == [configs.DEFAULT_VERSION]


def test_train_accepts_and_reports_not_started(api, project, django_capture_on_commit_callbacks, queue):
    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        response = start(api, {"trainingConfigVersion": "latest"})
    assert len(callbacks) == 1  # the job was handed to the queue after commit
    job = api.follow(response).json()
    assert job["status"] == "notStarted"
    assert job["result"]["modelLabel"] == "m1"
    assert job["result"]["trainingConfigVersion"] == configs.DEFAULT_VERSION
    assert job["result"]["trainingStatus"] == {"percentComplete": 0, "status": "notStarted"}
    stored = TrainingJob.objects.get()
    assert stored.evaluation_options == {
        "kind": "percentage",
        "trainingSplitPercentage": 80,
        "testingSplitPercentage": 20,
    }
    assert queue.queue_size() == 1


def test_second_job_while_one_is_active_is_409(api, project):
    start(api)
    response = start(api, {"modelLabel": "m2"})
    assert response.status_code == 409
    assert "already running" in response.json()["error"]["message"]
    assert TrainingJob.objects.count() == 1


@pytest.mark.parametrize(
    "body,message",
    [
        ({"trainingConfigVersion": "1999-01-01"}, "Unknown trainingConfigVersion '1999-01-01'; known versions: latest"),
        ({"evaluationOptions": {"kind": "percentage", "trainingSplitPercentage": 70, "testingSplitPercentage": 20}},
         "add up to 100"),
        ({"evaluationOptions": {"kind": "random"}}, "'percentage' or 'manual'"),
        ({"evaluationOptions": {"trainingSplitPercentage": 100, "testingSplitPercentage": 0}},
         "testingSplitPercentage must be between 1 and 99."),
        ({"evaluationOptions": {"trainingSplitPercentage": 80.0}}, "whole numbers that add up to 100"),
        ({"evaluationOptions": "80/20"}, "'evaluationOptions' must be an object."),
        ({"modelLabel": "bad label"}, "Model name 'bad label' is invalid"),
    ],
)  # fmt: skip
def test_bad_train_requests_are_400(api, project, body, message):
    response = start(api, body)
    assert response.status_code == 400
    assert message in response.json()["error"]["message"]
    assert not TrainingJob.objects.exists()


@pytest.mark.parametrize(
    "options,target",
    [
        ({"kind": "random"}, "evaluationOptions.kind"),
        ({"trainingSplitPercentage": 100, "testingSplitPercentage": 0}, "evaluationOptions"),
        ({"trainingSplitPercentage": 70, "testingSplitPercentage": 20}, "evaluationOptions"),
    ],
)
def test_bad_evaluation_options_name_their_target(api, project, options, target):
    error = start(api, {"evaluationOptions": options}).json()["error"]
    assert error["code"] == "InvalidArgument" and error["target"] == target


@pytest.mark.parametrize("train,side", [(99, "test"), (1, "train")])
def test_a_percentage_split_with_an_empty_side_is_refused_at_start(api, project, train, side):
    # 19 Train and unassigned documents: 1% of them rounds to none.
    options = {"trainingSplitPercentage": train, "testingSplitPercentage": 100 - train}
    response = start(api, {"evaluationOptions": options})
    assert response.status_code == 400
    message = response.json()["error"]["message"]
    assert f"A {train}/{100 - train} split of the 19 Train and unassigned documents leaves none to {side} on" in message
    assert not TrainingJob.objects.exists()


def test_manual_split_needs_test_documents(api):
    api.post("/projects/loans/:import", loan_project(documents=12))
    response = start(api, {"evaluationOptions": {"kind": "manual"}})
    assert response.status_code == 400
    assert "needs documents assigned to Test" in response.json()["error"]["message"]


def test_fewer_than_ten_labeled_documents_is_400(api):
    api.post("/projects/loans/:import", loan_project(documents=9))
    response = start(api)
    assert response.status_code == 400
    assert "at least 10 labeled documents; the project has 9" in response.json()["error"]["message"]


def test_no_labels_is_400(api):
    body = loan_project(documents=12)
    for doc in body["assets"]["documents"]:
        doc["entities"] = []
    api.post("/projects/loans/:import", body)
    response = start(api)
    assert response.status_code == 400
    assert "no labels" in response.json()["error"]["message"]


def test_more_than_ten_models_offers_to_overwrite(api, project):
    for i in range(10):
        make_model(project, f"model{i}")
    response = start(api, {"modelLabel": "model10"})
    assert response.status_code == 400
    assert "train under an existing label to overwrite it (model0, model1" in response.json()["error"]["message"]
    assert start(api, {"modelLabel": "model3"}).status_code == 202


def test_annotator_cannot_train(api, project, make_api):
    annotator = make_api("ann")
    Membership.objects.create(project=project, user=get_user_model().objects.get(username="ann"), role=Role.ANNOTATOR)
    assert start(annotator).status_code == 403


def test_cancel_before_start_cancels_at_once(api, project):
    location = start(api)["Operation-Location"]
    job_id = location.split("/jobs/")[1].split("?")[0]
    response = api.post(f"/projects/loans/train/jobs/{job_id}/:cancel")
    assert response.status_code == 202
    state = api.follow(response).json()
    assert state["status"] == "cancelled"
    assert state["result"]["trainingStatus"]["status"] == "cancelled"
    assert start(api).status_code == 202  # the project is free again


@pytest.mark.parametrize("status", [JobStatus.SUCCEEDED, JobStatus.FAILED, JobStatus.CANCELLED])
def test_cancelling_a_job_that_has_ended_is_a_400_and_changes_nothing(api, project, status):
    start(api)
    job = TrainingJob.objects.get()
    TrainingJob.objects.filter(pk=job.pk).update(status=status, training_status=status)
    response = api.post(f"/projects/loans/train/jobs/{job.job_id}/:cancel")
    assert response.status_code == 400 and response["x-ms-error-code"] == "InvalidRequest"
    assert response.json() == {
        "error": {
            "code": "InvalidRequest",
            "message": f"Failed to cancel training job {job.job_id}: it has already ended ({status}), and only a "
            "job that is notStarted or running can be cancelled.",
        }
    }
    job.refresh_from_db()
    assert (job.status, job.cancel_requested) == (status, False)


def make_stale(job: TrainingJob) -> None:
    """The job ran, but its worker stopped writing ten minutes ago."""
    stale = timezone.now() - timedelta(minutes=10)
    TrainingJob.objects.filter(pk=job.pk).update(
        status=JobStatus.RUNNING, training_status=JobStatus.RUNNING, training_started_at=stale, heartbeat_at=stale
    )


def test_a_job_whose_worker_died_is_failed_by_the_sweep_not_running_forever(api, project):
    from modeling.services.training.sweeps import training_jobs_fail_stale

    start(api)
    job = TrainingJob.objects.get()
    make_stale(job)
    assert training_jobs_fail_stale() == 1
    state = api.get(f"/projects/loans/train/jobs/{job.job_id}").json()
    assert state["status"] == "failed"
    assert "stopped before it finished" in state["errors"][0]["message"]
    assert state["result"]["trainingStatus"]["status"] == "failed"
    assert start(api, {"modelLabel": "again"}).status_code == 202


def test_reading_a_stale_job_leaves_it_as_it_is(api, project):
    start(api)
    job = TrainingJob.objects.get()
    make_stale(job)
    before = TrainingJob.objects.values().get(pk=job.pk)
    assert api.get(f"/projects/loans/train/jobs/{job.job_id}").json()["status"] == "running"
    assert api.get("/projects/loans/train/jobs").json()["value"][0]["status"] == "running"
    assert TrainingJob.objects.values().get(pk=job.pk) == before


def test_starting_a_job_fails_the_projects_stale_one_first(api, project):
    start(api)
    make_stale(TrainingJob.objects.get())
    assert start(api, {"modelLabel": "again"}).status_code == 202
    assert sorted(TrainingJob.objects.values_list("status", flat=True)) == ["failed", "notStarted"]


def test_a_running_job_with_a_fresh_heartbeat_stays_running(api, project):
    start(api)
    TrainingJob.objects.update(status=JobStatus.RUNNING, heartbeat_at=timezone.now())
    assert api.get("/projects/loans/train/jobs").json()["value"][0]["status"] == "running"


def make_model(project: Project, label: str, documents: list[dict] | None = None) -> TrainedModel:
    """A model record as a finished job leaves it (evaluation computed by the real metric code)."""
    documents = documents or []
    folder = Path(settings.MODELS_DIR) / str(project.pk) / label
    folder.mkdir(parents=True, exist_ok=True)
    snapshot = {"assets": {"documents": [{"location": d["location"], "text": d["text"]} for d in documents]}}
    (folder / "snapshot.json").write_text(json.dumps(snapshot))
    gold = [d["expected"] for d in documents]
    predicted = [d["predicted"] for d in documents]
    return TrainedModel.objects.create(
        project=project,
        label=label,
        model_id=f"{label}-1",
        path=f"{project.pk}/{label}",
        training_config_version=configs.DEFAULT_VERSION,
        trained_at=timezone.now(),
        training_seconds=12.4,
        evaluation=evaluate(gold, predicted, ["Borrower", "Amount"]),
        evaluation_documents=[{k: d[k] for k in ("location", "expected", "predicted")} for d in documents],
        evaluation_options={"kind": "manual"},
    )


def test_models_evaluation_in_azure_shapes_with_utf16_offsets(api, project):
    text = "😀 Ana Lopez borrowed $20."
    make_model(
        project,
        "m1",
        [
            {"location": "e.txt", "text": text, "expected": [[2, 11, "Borrower"], [21, 25, "Amount"]],
             "predicted": [[2, 11, "Borrower", 0.9], [21, 24, "Amount", 0.5]]},
        ],
    )  # fmt: skip
    model = api.get("/projects/loans/models/m1").json()
    assert model["modelId"] == "m1-1" and model["lastTrainingDurationInSeconds"] == 12
    summary = api.get("/projects/loans/models/m1/evaluation/summary-result").json()
    evaluation = summary["customEntityRecognitionEvaluation"]
    assert evaluation["entities"]["Borrower"]["f1"] == 1.0
    assert evaluation["entities"]["Amount"]["falsePositiveCount"] == 1
    assert evaluation["microPrecision"] == 0.5
    result = api.get("/projects/loans/models/m1/evaluation/result", stringIndexType="Utf16CodeUnit").json()
    entities = result["value"][0]["customEntityRecognitionResult"]["entities"][0]
    assert entities["expectedEntities"][0] == {"category": "Borrower", "offset": 3, "length": 9}
    assert entities["predictedEntities"][1] == {"category": "Amount", "offset": 22, "length": 3}
    assert api.get("/projects/loans/models/m1/evaluation/result").status_code == 400


def test_delete_model_removes_its_files(api, project, django_capture_on_commit_callbacks):
    model = make_model(project, "m1")
    folder = Path(settings.MODELS_DIR) / model.path
    with django_capture_on_commit_callbacks(execute=True):
        assert api.delete("/projects/loans/models/m1").status_code == 204
    assert not folder.exists()
    assert api.get("/projects/loans/models/m1").status_code == 404
