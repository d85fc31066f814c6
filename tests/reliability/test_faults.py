"""Faults with real processes, no mocks: a training worker killed (-9) mid-training, a web process killed (-9)
mid-import, and the whole studio (`runstudio`) killed mid-import and started again."""

from __future__ import annotations

import os
import signal
import sqlite3
import threading
import time
from datetime import timedelta

import pytest
from django.conf import settings
from django.db import connection

from annotation.models import Document
from modeling.models import TrainingJob
from modeling.services.training.state import run_directory
from modeling.services.training.sweeps import STALE_AFTER
from projects.models import STAGING_NAME_PREFIX, JobStatus, Project
from projects.storage import project_models_directory
from tests import processes
from tests.modeling.factories import loan_project
from tests.reliability.conftest import Web, sweep_schedule, wait_for

pytestmark = pytest.mark.slow
AUTHORING = "/language/authoring/analyze-text/projects"
TRAIN = {"modelLabel": "m1", "trainingConfigVersion": "2026-11-01-fast", "evaluationOptions": {"kind": "manual"}}
# The sweep's schedule (every minute) fails a job silent for STALE_AFTER: within STALE_AFTER + a minute, and the
# sweep's own run.
TRAINING_FAILED_WITHIN = STALE_AFTER + timedelta(seconds=60 + 30)


def _state(web: Web, url: str) -> dict:
    status, _, body = web.call("GET", url)
    assert status == 200, body
    return body


def _ended(web: Web, url: str, timeout: float, log: str) -> dict:
    return wait_for(
        lambda: (s := _state(web, url))["status"] in ("succeeded", "failed", "cancelled") and s,
        timeout, "the job to end", log=log, interval=1,
    )  # fmt: skip


def test_a_training_worker_killed_mid_training_fails_its_job_within_the_bound_and_the_next_training_succeeds(
    admin, start_web
):
    web, _ = start_web("web.log")
    imported = web.call("POST", f"{AUTHORING}/loans/:import", loan_project(documents=12, test_every=4))
    assert imported[0] == 202, imported
    sweep_schedule()
    worker = processes.start_worker(log="worker-1.log")
    try:
        status, headers, body = web.call("POST", f"{AUTHORING}/loans/:train", TRAIN)
        assert status == 202, body
        first = headers["Operation-Location"]
        job = wait_for(
            lambda: TrainingJob.objects.filter(status=JobStatus.RUNNING).first(), 300, "the training to run",
            log="worker-1.log",
        )  # fmt: skip
        workdir = run_directory(job)
        wait_for(workdir.exists, 120, "the training to write its folder", log="worker-1.log")
        os.killpg(worker.pid, signal.SIGKILL)
        worker.wait()
        killed_at = time.monotonic()
    finally:
        processes.stop(worker)
    assert _state(web, first)["status"] == "running"  # nobody has noticed yet

    worker = processes.start_worker(log="worker-2.log")  # its schedule runs the sweep every minute
    try:
        state = _ended(web, first, TRAINING_FAILED_WITHIN.total_seconds(), "worker-2.log")
        failed_in = time.monotonic() - killed_at
        assert state["status"] == "failed" and "stopped before it finished" in state["errors"][0]["message"], state
        assert not workdir.exists(), "the killed run's files are left"
        print(
            f"\nthe killed training failed {failed_in:.0f} s after the kill (bound {TRAINING_FAILED_WITHIN.seconds} s)"
        )

        status, headers, body = web.call("POST", f"{AUTHORING}/loans/:train", {**TRAIN, "modelLabel": "m2"})
        assert status == 202, body
        state = _ended(web, headers["Operation-Location"], 600, "worker-2.log")
        assert state["status"] == "succeeded", state
    finally:
        processes.stop(worker)
    project = Project.objects.get(name="loans")
    (model_folder,) = project_models_directory(project.pk).iterdir()  # the new model's, nothing of the killed run
    assert model_folder.name.startswith("m2-"), model_folder


def _import_in_background(web: Web, name: str, documents: int) -> threading.Thread:
    """POSTs a large `:import` on a thread (the request will not be answered: its process is killed)."""
    body = loan_project(name, documents=documents)

    def post() -> None:
        try:
            web.call("POST", f"{AUTHORING}/{name}/:import", body, timeout=300)
        except OSError:
            pass  # the connection dies with the process

    thread = threading.Thread(target=post, daemon=True)
    thread.start()
    return thread


def _staging_has_documents() -> bool:
    return Document.objects.filter(project__name__startswith=STAGING_NAME_PREFIX).exists()


def _visible_projects() -> dict[str, int]:
    projects = Project.objects.exclude(name__startswith=STAGING_NAME_PREFIX)
    return {p.name: Document.objects.filter(project=p).count() for p in projects}


def _integrity_check() -> str:
    with sqlite3.connect(connection.settings_dict["NAME"], timeout=30) as database:
        return database.execute("PRAGMA integrity_check").fetchone()[0]


def test_a_web_process_killed_mid_import_leaves_no_partial_project(admin, start_web):
    web, process = start_web("web.log")
    assert _import(web, "loans", 12)["status"] == "succeeded"
    _import_in_background(web, "loans", 6000)  # replaces loans, all or nothing
    _import_in_background(web, "fresh", 6000)  # a new project
    wait_for(_staging_has_documents, 120, "the imports to stage documents", log="web.log", interval=0.05)
    os.killpg(process.pid, signal.SIGKILL)
    process.wait()
    assert _visible_projects() == {"loans": 12}  # the old project whole, no part of the new ones

    web, _ = start_web("web-2.log")
    status, _, body = web.call("GET", f"{AUTHORING}")
    assert status == 200 and [p["projectName"] for p in body["value"]] == ["loans"], body
    assert _import(web, "loans", 20)["status"] == "succeeded"
    assert _visible_projects() == {"loans": 20}


def _import(web: Web, name: str, documents: int) -> dict:
    status, headers, body = web.call("POST", f"{AUTHORING}/{name}/:import", loan_project(name, documents=documents))
    assert status == 202, body
    return _state(web, headers["Operation-Location"])


@pytest.mark.skipif(connection.vendor != "sqlite", reason="SQLite's integrity check")
def test_the_whole_studio_killed_mid_import_starts_again_on_an_intact_database(admin, tmp_path):
    from projects.services.api_keys import api_key_create

    key = api_key_create(user=admin, name="faults")
    home = tmp_path / "home"
    home.mkdir()
    studio, port, _ = processes.start_studio(home)
    try:
        wait_for(lambda: processes.healthz_ok(port) or studio.poll() is not None, 60, "the studio")
        web = Web(f"http://127.0.0.1:{port}", key)
        assert _import(web, "loans", 12)["status"] == "succeeded"
        _import_in_background(web, "loans", 6000)
        wait_for(_staging_has_documents, 120, "the import to stage documents", interval=0.05)
    finally:
        processes.kill_what_is_left(studio)  # SIGKILL to runstudio, its web server and its worker, all at once
    assert _integrity_check() == "ok"
    assert _visible_projects() == {"loans": 12}

    studio, port, _ = processes.start_studio(home)
    try:
        wait_for(lambda: processes.healthz_ok(port) or studio.poll() is not None, 60, "the studio to start again")
        assert studio.poll() is None
        web = Web(f"http://127.0.0.1:{port}", key)
        status, _, body = web.call("GET", f"{AUTHORING}/loans")
        assert status == 200 and body["projectName"] == "loans", body
        assert _import(web, "loans", 20)["status"] == "succeeded"
        assert _visible_projects() == {"loans": 20}
    finally:
        processes.kill_what_is_left(studio)
    assert _integrity_check() == "ok"
    assert settings.DATA_DIR  # the data directory the studio ran on is the test's own
