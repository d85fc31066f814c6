"""The model-in-the-loop jobs' one infrastructure: start (permission, params, one active job per kind), the run
in the worker (claim, progress, result, cancel, failures), the sweeps, and the UI JSON API the progress partial
polls. The runners are stand-ins (`tests/modeling/loop/runners.py`)."""

from __future__ import annotations

import threading
from datetime import timedelta
from pathlib import Path

import pytest
from django.utils import timezone

from modeling import tasks
from modeling.models import LoopJob
from modeling.services.loop import jobs
from modeling.services.loop.jobs import loop_job_cancel, loop_job_run, loop_job_start, loop_jobs_expire
from projects.models import JobStatus
from studio.exceptions import Conflict, InvalidInput, PermissionDenied
from tests.modeling.factories import trained_model_files
from tests.modeling.test_pages import make_team

R = "tests.modeling.loop.runners"


@pytest.fixture
def team(make_user):
    return make_team(make_user, documents=4)


@pytest.fixture
def fake_runner(monkeypatch):
    """Points the `prelabel` kind (and `uncertainty`) at a stand-in; returns a function that picks which."""
    queued: list[int] = []
    monkeypatch.setattr(jobs, "_enqueue", lambda job: queued.append(job.pk))

    def use(name: str, kind: str = "prelabel") -> list[int]:
        monkeypatch.setitem(jobs.RUNNERS, kind, f"{R}.{name}")
        return queued

    return use


def test_a_started_job_is_queued_after_commit_and_runs_to_its_result(
    team, fake_runner, django_capture_on_commit_callbacks
):
    queued = fake_runner("succeeds")
    with django_capture_on_commit_callbacks(execute=True):
        job = loop_job_start(user=team.annotator, project=team.project, kind="prelabel", params={"n": 21})
    assert queued == [job.pk]
    assert (job.status, job.percent, job.params) == (JobStatus.NOT_STARTED, 0, {"n": 21, "checked": True})

    loop_job_run(job_pk=job.pk)
    job.refresh_from_db()
    assert (job.status, job.percent, job.result, job.message) == (JobStatus.SUCCEEDED, 100, {"seen": 42}, "Done")
    assert job.started_at and job.ended_at and job.heartbeat_at

    loop_job_run(job_pk=job.pk)  # delivered twice: runs once
    job.refresh_from_db()
    assert job.status == JobStatus.SUCCEEDED


def test_params_are_checked_before_anything_is_queued(team, fake_runner):
    queued = fake_runner("succeeds")
    with pytest.raises(InvalidInput, match="n must not be negative"):
        loop_job_start(user=team.owner, project=team.project, kind="prelabel", params={"n": -1})
    assert queued == [] and not LoopJob.objects.exists()


def test_one_active_job_per_kind_and_project(team, fake_runner):
    fake_runner("succeeds")
    fake_runner("succeeds", kind="uncertainty")
    first = loop_job_start(user=team.owner, project=team.project, kind="prelabel")
    with pytest.raises(Conflict, match=f"Pre-labeling is already running in project 'loans' \\(job {first.job_id}"):
        loop_job_start(user=team.owner, project=team.project, kind="prelabel")
    loop_job_start(user=team.owner, project=team.project, kind="uncertainty")  # another kind may run alongside
    loop_job_cancel(user=team.owner, job=first)
    loop_job_start(user=team.owner, project=team.project, kind="prelabel")  # once the first ended


def test_who_may_start_and_unknown_kinds(team, fake_runner):
    fake_runner("succeeds")
    with pytest.raises(PermissionDenied, match=r"Your role \(viewer\) does not allow you to label documents"):
        loop_job_start(user=team.viewer, project=team.project, kind="prelabel")
    with pytest.raises(PermissionDenied, match="change this project's settings, schema, members or models"):
        loop_job_start(user=team.annotator, project=team.project, kind="learning-curve")
    with pytest.raises(InvalidInput, match="Unknown job kind 'guess'; the kinds are label-errors, learning-curve"):
        loop_job_start(user=team.owner, project=team.project, kind="guess")


def test_a_model_of_another_project_is_refused(team, fake_runner, make_user):
    from projects.services.projects import project_create

    fake_runner("succeeds")
    other = project_create(user=team.owner, name="other")
    model = trained_model_files(other)
    with pytest.raises(InvalidInput, match="The model belongs to another project"):
        loop_job_start(user=team.owner, project=team.project, kind="prelabel", trained_model=model)


def run_in_thread(*, job_pk: int) -> None:
    """Runs the job as the worker does, in a thread of its own; its database connection closes with it (PostgreSQL
    would warn about a connection left open)."""
    from django.db import connection

    try:
        loop_job_run(job_pk=job_pk)
    finally:
        connection.close()


@pytest.mark.django_db(transaction=True)
def test_cancel_stops_a_running_job_at_its_next_check(team, fake_runner):
    fake_runner("waits_for_cancel")
    job = loop_job_start(user=team.owner, project=team.project, kind="prelabel")
    thread = threading.Thread(target=run_in_thread, kwargs={"job_pk": job.pk})
    thread.start()
    try:
        deadline = timezone.now() + timedelta(seconds=10)
        while LoopJob.objects.get(pk=job.pk).message != "Waiting" and timezone.now() < deadline:
            threading.Event().wait(0.05)
        running = LoopJob.objects.get(pk=job.pk)
        assert (running.status, running.percent) == (JobStatus.RUNNING, 10)
        assert loop_job_cancel(user=team.owner, job=running).status == JobStatus.CANCELLING
    finally:
        thread.join(timeout=10)
    job.refresh_from_db()
    assert (job.status, job.message, job.result) == (JobStatus.CANCELLED, "Cancelled", {})


@pytest.mark.django_db(transaction=True)
def test_a_runner_that_returns_after_cancel_keeps_its_partial_result(team, fake_runner):
    fake_runner("stops_politely")
    job = loop_job_start(user=team.owner, project=team.project, kind="prelabel")
    thread = threading.Thread(target=run_in_thread, kwargs={"job_pk": job.pk})
    thread.start()
    deadline = timezone.now() + timedelta(seconds=10)
    while LoopJob.objects.get(pk=job.pk).status != JobStatus.RUNNING and timezone.now() < deadline:
        threading.Event().wait(0.05)
    loop_job_cancel(user=team.owner, job=job)
    thread.join(timeout=10)
    job.refresh_from_db()
    assert (job.status, job.result) == (JobStatus.CANCELLED, {"partial": 3})


def test_a_queued_job_is_cancelled_at_once_and_never_runs(team, fake_runner):
    fake_runner("crashes")
    job = loop_job_start(user=team.owner, project=team.project, kind="prelabel")
    assert loop_job_cancel(user=team.annotator, job=job).status == JobStatus.CANCELLED
    loop_job_run(job_pk=job.pk)
    job.refresh_from_db()
    assert job.status == JobStatus.CANCELLED and job.error == ""
    with pytest.raises(PermissionDenied):
        loop_job_cancel(user=team.viewer, job=job)


@pytest.mark.parametrize(
    ("name", "error"),
    [
        ("refuses", "The model has no entity types in common with the project."),
        ("crashes", "The job failed: RuntimeError: disk on fire"),
    ],
)
def test_a_failing_runner_fails_the_job_with_its_reason(team, fake_runner, name, error):
    fake_runner(name)
    job = loop_job_start(user=team.owner, project=team.project, kind="prelabel")
    loop_job_run(job_pk=job.pk)
    job.refresh_from_db()
    assert (job.status, job.error, job.message) == (JobStatus.FAILED, error, "Failed")


def test_the_sweep_fails_a_job_whose_worker_died_and_expires_old_jobs(team, fake_runner):
    fake_runner("succeeds")
    fake_runner("succeeds", kind="uncertainty")
    job = loop_job_start(user=team.owner, project=team.project, kind="prelabel")
    long_ago = timezone.now() - timedelta(minutes=10)
    LoopJob.objects.filter(pk=job.pk).update(status=JobStatus.RUNNING, heartbeat_at=long_ago)
    fresh = loop_job_start(user=team.owner, project=team.project, kind="uncertainty")
    LoopJob.objects.filter(pk=fresh.pk).update(status=JobStatus.RUNNING, heartbeat_at=timezone.now())

    tasks.sweep()
    job.refresh_from_db()
    assert job.status == JobStatus.FAILED and "stopped before it finished" in job.error
    assert LoopJob.objects.get(pk=fresh.pk).status == JobStatus.RUNNING

    # Expiry: ended jobs past their time go, except each kind's latest succeeded one.
    old = timezone.now() - timedelta(days=1)
    loop_job_run(job_pk=loop_job_start(user=team.owner, project=team.project, kind="prelabel").pk)
    LoopJob.objects.filter(kind="prelabel").update(expires_at=old)
    assert loop_jobs_expire() == 1  # the failed one; the succeeded one is the latest of its kind
    assert list(LoopJob.objects.filter(kind="prelabel").values_list("status", flat=True)) == [JobStatus.SUCCEEDED]


def test_the_worker_start_fails_jobs_that_claim_to_run(team, fake_runner):
    fake_runner("succeeds")
    job = loop_job_start(user=team.owner, project=team.project, kind="prelabel")
    LoopJob.objects.filter(pk=job.pk).update(status=JobStatus.RUNNING, heartbeat_at=timezone.now())
    assert jobs.loop_jobs_fail_running() == 1
    job.refresh_from_db()
    assert job.status == JobStatus.FAILED and "restarted" in job.error


def _working_folder(job: LoopJob) -> Path:
    folder = jobs.loop_job_directory(job) / "fold-1"
    folder.mkdir(parents=True)
    (folder / "model.pt").write_bytes(b"a model in training")
    return folder


def test_the_sweep_removes_the_folders_of_jobs_it_fails_and_those_no_running_job_owns(
    team, fake_runner, settings, tmp_path, django_capture_on_commit_callbacks
):
    settings.MODELS_DIR = str(tmp_path)
    fake_runner("succeeds")
    fake_runner("succeeds", kind="uncertainty")
    dead = loop_job_start(user=team.owner, project=team.project, kind="prelabel")
    LoopJob.objects.filter(pk=dead.pk).update(
        status=JobStatus.RUNNING, heartbeat_at=timezone.now() - timedelta(hours=1)
    )
    alive = loop_job_start(user=team.owner, project=team.project, kind="uncertainty")
    LoopJob.objects.filter(pk=alive.pk).update(status=JobStatus.RUNNING, heartbeat_at=timezone.now())
    dead_folder, alive_folder = _working_folder(dead), _working_folder(alive)
    orphan = tmp_path / "loop" / "a-job-deleted-with-its-project"  # no job row owns it any more
    orphan.mkdir()
    (orphan / "model.pt").write_bytes(b"left behind")
    ended = tmp_path / "loop" / "an-ended-job"
    ended.mkdir()

    with django_capture_on_commit_callbacks(execute=True):
        tasks.sweep()
    assert LoopJob.objects.get(pk=dead.pk).status == JobStatus.FAILED
    assert not dead_folder.parent.exists() and not orphan.exists() and not ended.exists()
    assert (alive_folder / "model.pt").exists()  # its job runs on
    assert sorted(p.name for p in (tmp_path / "loop").iterdir()) == [alive.job_id]


def test_a_job_ends_without_its_working_folder_whatever_its_runner_left(team, fake_runner, settings, tmp_path):
    settings.MODELS_DIR = str(tmp_path)
    fake_runner("writes_then_crashes")
    job = loop_job_start(user=team.owner, project=team.project, kind="prelabel")
    loop_job_run(job_pk=job.pk)
    job.refresh_from_db()
    assert job.status == JobStatus.FAILED and "disk on fire" in job.error
    assert not jobs.loop_job_directory(job).exists()


# ------------------------------------------------------------------------------------------------ UI JSON API


def test_the_ui_api_starts_reads_and_cancels_a_job(team, fake_runner):
    fake_runner("succeeds")
    model = trained_model_files(team.project, deployment="prod")
    annie = team.client("annotator")
    url = "/api/projects/loans/loop-jobs"

    started = annie.post(url, {"kind": "prelabel", "deploymentName": "prod"}, content_type="application/json")
    assert started.status_code == 202, started.json()
    body = started.json()
    assert body["status"] == "notStarted" and body["modelLabel"] == model.label
    assert body["params"] == {"deployment": "prod", "checked": True}
    assert started["Operation-Location"].endswith(body["url"])

    again = annie.post(url, {"kind": "prelabel"}, content_type="application/json")
    assert again.status_code == 409 and "already running" in again.json()["error"]["message"]

    state = team.client("viewer").get(body["url"])
    assert state.status_code == 200 and state.json()["jobId"] == body["jobId"]
    assert [j["jobId"] for j in team.client("viewer").get(url, {"kind": "prelabel"}).json()["value"]] == [body["jobId"]]

    refused = team.client("viewer").post(body["cancelUrl"])
    assert refused.status_code == 403
    cancelled = annie.post(body["cancelUrl"])
    assert cancelled.status_code == 202 and cancelled.json()["status"] == "cancelled"


@pytest.mark.parametrize(
    ("body", "status", "message"),
    [
        ({"kind": "prelabel", "modelLabel": "nope"}, 404, "The model 'nope' could not be found in project 'loans'."),
        ({"kind": "prelabel", "deploymentName": "nope"}, 404, "The deployment 'nope' could not be found"),
        ({"kind": "prelabel", "params": [1]}, 400, "params must be a JSON object."),
        ({"kind": "x"}, 400, "Unknown job kind 'x'"),
        ([], 400, "The body must be a JSON object."),
    ],
)
def test_the_ui_api_says_what_is_wrong(team, fake_runner, body, status, message):
    fake_runner("succeeds")
    answer = team.client("owner").post("/api/projects/loans/loop-jobs", body, content_type="application/json")
    assert answer.status_code == status
    assert message in answer.json()["error"]["message"]


def test_a_job_of_a_project_one_cannot_see_is_not_found(team, fake_runner):
    fake_runner("succeeds")
    job = loop_job_start(user=team.owner, project=team.project, kind="prelabel")
    answer = team.client("outsider").get(f"/api/projects/loans/loop-jobs/{job.job_id}")
    assert answer.status_code == 404
    assert team.client("owner").get("/api/projects/loans/loop-jobs/nope").status_code == 404
