"""Training jobs and the task queue: Redis delivers a task at most once, so no job may depend on one delivery. A job
the queue cannot take leaves nothing behind; one whose task was lost (a worker host died holding it) or is held by a
busy host goes to the queue again within a bound, and a task delivered twice trains once."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.utils import timezone
from django_q.signing import SignedPackage

from modeling.models import TrainingJob
from modeling.services.training.state import job_claim
from modeling.services.training.sweeps import REQUEUE_AFTER, training_jobs_requeue_waiting
from projects.models import JobStatus
from tests.modeling.factories import loan_project

TRAIN = {"modelLabel": "m1", "trainingConfigVersion": "2026-11-01-fast", "evaluationOptions": {"kind": "manual"}}


@pytest.fixture
def loans(api):
    assert api.post("/projects/loans/:import", loan_project(documents=12, test_every=4)).status_code == 202


def start(api, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        response = api.post("/projects/loans/:train", TRAIN)
    assert response.status_code == 202, response.content
    return TrainingJob.objects.get()


def waited(job: TrainingJob, longer_than: timedelta = REQUEUE_AFTER) -> None:
    TrainingJob.objects.filter(pk=job.pk).update(heartbeat_at=timezone.now() - longer_than - timedelta(seconds=1))


def taken_by_a_host_that_dies(queue) -> dict:
    """What a worker host does with a task before it dies: takes it off the queue (Redis forgets it then)."""
    [(_, package)] = queue.dequeue()
    return SignedPackage.loads(package)


def test_a_task_lost_with_its_worker_host_goes_to_the_queue_again(
    api, loans, queue, django_capture_on_commit_callbacks
):
    job = start(api, django_capture_on_commit_callbacks)
    lost = taken_by_a_host_that_dies(queue)
    assert (lost["func"], lost["args"]) == ("modeling.tasks.train_model", (job.pk,))
    assert queue.queue_size() == 0

    assert training_jobs_requeue_waiting() == 0  # it has not waited long yet
    waited(job)
    assert training_jobs_requeue_waiting() == 1
    assert queue.queue_size() == 1
    again = taken_by_a_host_that_dies(queue)
    assert (again["func"], again["args"]) == ("modeling.tasks.train_model", (job.pk,))
    assert training_jobs_requeue_waiting() == 0  # handed over just now: the bound starts again
    # The job still waits for a worker (no 409-forever: it runs once a worker takes it).
    assert api.get(f"/projects/loans/train/jobs/{job.job_id}").json()["status"] == "notStarted"


def test_jobs_that_run_or_ended_are_not_handed_over_again(api, loans, queue, django_capture_on_commit_callbacks):
    job = start(api, django_capture_on_commit_callbacks)
    queue.purge_queue()
    assert job_claim(job.pk) is not None
    waited(job, longer_than=timedelta(minutes=1))  # a running job's heartbeat: the stale sweep's business
    assert training_jobs_requeue_waiting() == 0
    TrainingJob.objects.update(status=JobStatus.CANCELLED)
    waited(job, longer_than=timedelta(hours=1))
    assert training_jobs_requeue_waiting() == 0
    assert queue.queue_size() == 0


def test_a_task_delivered_twice_trains_once(api, loans, queue, django_capture_on_commit_callbacks):
    job = start(api, django_capture_on_commit_callbacks)
    assert job_claim(job.pk) is not None
    assert job_claim(job.pk) is None  # the second copy finds the job claimed


class _DownBroker:
    def enqueue(self, task):
        raise ConnectionError("Error 111 connecting to 127.0.0.1:6379. Connection refused.")


def test_a_queue_that_cannot_be_reached_is_a_503_and_leaves_no_job(api, loans, monkeypatch, transactional_db):
    monkeypatch.setattr("django_q.tasks.get_broker", lambda *args: _DownBroker())
    response = api.post("/projects/loans/:train", TRAIN)
    assert response.status_code == 503
    assert response["Retry-After"] == "30"
    error = response.json()["error"]
    assert error["code"] == "ServiceUnavailable" and error["innererror"]["code"] == "QueueUnavailable"
    assert "The task queue cannot be reached, so the training job was not started" in error["message"]
    assert not TrainingJob.objects.exists()  # nothing blocks the project
    monkeypatch.undo()
    assert api.post("/projects/loans/:train", TRAIN).status_code == 202
