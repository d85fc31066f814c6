"""Scaling out (README, "Scaling out"): two web hosts and two worker hosts, as separate processes sharing the
database, the task queue, the secret key and the data directory, and nothing else. `make test-scale` runs this on
PostgreSQL and Redis; `make test-all` on the embedded default (SQLite and the ORM broker).

One real training through a real worker, after the task that carried it was lost with the worker host that held
it; deploy, both runtimes and an export round trip, each request to whichever web host; and a worker host killed
while it trains, whose job is failed within the bound and does not block the project.
"""

from __future__ import annotations

import json
import os
import signal
import time
import urllib.error
import urllib.request
from dataclasses import dataclass
from datetime import timedelta
from typing import Any

import pytest
from django.utils import timezone
from django_q.brokers import get_broker

from modeling import tasks
from modeling.models import TrainingJob
from modeling.services.training.sweeps import REQUEUE_AFTER, STALE_AFTER
from projects.models import JobStatus
from projects.services.api_keys import api_key_create
from tests import processes
from tests.modeling.factories import loan_project

pytestmark = [pytest.mark.slow, pytest.mark.scale]
AUTHORING = "/language/authoring/analyze-text/projects"
VERSION = "api-version=2023-04-01"
TRAIN = {"modelLabel": "m1", "trainingConfigVersion": "2026-11-01-fast", "evaluationOptions": {"kind": "manual"}}


@dataclass
class Host:
    """A web host as a client sees it: its URL and a subscription key."""

    url: str
    key: str

    def call(self, method: str, path: str, body: Any = None) -> tuple[int, dict[str, str], Any]:
        url = path if path.startswith("http") else f"{self.url}{path}{'&' if '?' in path else '?'}{VERSION}"
        data = json.dumps(body).encode() if body is not None else None
        headers = {"Ocp-Apim-Subscription-Key": self.key, "Content-Type": "application/json"}
        request = urllib.request.Request(url, data=data, method=method, headers=headers)
        try:
            with urllib.request.urlopen(request, timeout=120) as response:
                status, answer, raw = response.status, dict(response.headers), response.read()
        except urllib.error.HTTPError as error:
            status, answer, raw = error.code, dict(error.headers), error.read()
        return status, answer, json.loads(raw) if raw else None

    def accepted(self, method: str, path: str, body: Any = None) -> str:
        status, headers, answer = self.call(method, path, body)
        assert status == 202, (status, answer)
        return headers["Operation-Location"]


@dataclass
class Cluster:
    webs: list[Host]
    workers: list


@pytest.fixture
def cluster(transactional_db, owner):
    key = api_key_create(user=owner, name="scale-out")
    webs, started = [], []
    try:
        for n in (1, 2):
            port = processes.free_port()
            started.append(processes.start_web(port, log=f"web-{n}.log"))
            webs.append(Host(f"http://127.0.0.1:{port}", key))
        for n, web in enumerate(webs, 1):
            wait_for(lambda web=web: _healthy(web), 60, f"web host {n}", log=f"web-{n}.log")
        get_broker().purge_queue()
        cluster = Cluster(webs, [])
        yield cluster
    finally:
        for process in started + cluster.workers:
            processes.stop(process)


def _healthy(web: Host) -> bool:
    try:
        status, _, body = web.call("GET", f"{web.url}/healthz")
    except OSError:
        return False
    assert status == 200, body  # the database, the broker and the host's key and data directory
    return body == {"status": "ok", "database": "ok", "broker": "ok", "host": "ok"}


def wait_for(predicate, timeout: float, what: str, *, log: str | None = None):
    deadline = time.monotonic() + timeout
    while not (value := predicate()):
        assert time.monotonic() < deadline, f"timed out waiting for {what}\n{processes.log_tail(log) if log else ''}"
        time.sleep(0.5)
    return value


def job_state(web: Host, url: str) -> dict:
    status, _, body = web.call("GET", url)
    assert status == 200, body
    return body


def ended(web: Host, url: str, timeout: float, what: str) -> dict:
    return wait_for(
        lambda: (s := job_state(web, url))["status"] in ("succeeded", "failed", "cancelled") and s,
        timeout, what, log="worker-1.log",
    )  # fmt: skip


def test_two_web_and_two_worker_hosts_share_everything_and_lose_no_job(cluster):
    web1, web2 = cluster.webs
    assert (
        job_state(web2, web1.accepted("POST", f"{AUTHORING}/loans/:import", loan_project(documents=12, test_every=4)))[
            "status"
        ]
        == "succeeded"
    )

    # The training's task is taken by a worker host that dies before it starts the job (Redis forgets a task once
    # taken). The sweep hands the job to the queue again once it has waited REQUEUE_AFTER, and a live host trains it.
    training = web2.accepted("POST", f"{AUTHORING}/loans/:train", TRAIN)
    assert get_broker().dequeue(), "the task was not in the queue"
    job = TrainingJob.objects.get()
    TrainingJob.objects.filter(pk=job.pk).update(heartbeat_at=timezone.now() - REQUEUE_AFTER - timedelta(seconds=1))
    tasks.sweep()
    assert job_state(web1, training)["status"] == "notStarted"
    cluster.workers += [processes.start_worker(log=f"worker-{n}.log") for n in (1, 2)]
    state = ended(web1, training, 600, "the training")
    assert state["status"] == "succeeded", state

    # Deployed through one web host; both answer with the model from the shared data directory.
    deployment = web1.accepted("PUT", f"{AUTHORING}/loans/deployments/prod", {"trainedModelLabel": "m1"})
    assert job_state(web2, deployment)["status"] == "succeeded"
    text = "Acme Bank lends $5,000 to John Smith."
    for web in (web1, web2):
        status, _, body = web.call("POST", "/language/:analyze-text", {
            "kind": "CustomEntityRecognition",
            "analysisInput": {"documents": [{"id": "1", "text": text, "language": "en"}]},
            "parameters": {"projectName": "loans", "deploymentName": "prod"},
        })  # fmt: skip
        assert status == 200, body
        assert body["results"]["documents"][0]["id"] == "1"
    prod = {"projectName": "loans", "deploymentName": "prod"}
    analysis = web2.accepted("POST", "/language/analyze-text/jobs", {
        "analysisInput": {"documents": [{"id": "1", "text": text, "language": "en"}]},
        "tasks": [{"kind": "CustomEntityRecognition", "parameters": prod}],
    })  # fmt: skip
    result = wait_for(lambda: (s := job_state(web1, analysis))["status"] == "succeeded" and s, 120, "the analysis")
    assert result["tasks"]["items"][0]["results"]["documents"][0]["id"] == "1"

    # An export made through one host is fetched through the other, and imports back the same.
    export = job_state(
        web1, web2.accepted("POST", f"{AUTHORING}/loans/:export?stringIndexType=Utf16CodeUnit&includeText=true")
    )
    assert export["status"] == "succeeded", export
    status, _, exported = web1.call("GET", export["resultUrl"])
    assert status == 200, exported
    copy = web1.accepted("POST", f"{AUTHORING}/copy/:import", {
        **exported, "metadata": {**exported["metadata"], "projectName": "copy"},
    })  # fmt: skip
    assert job_state(web2, copy)["status"] == "succeeded"
    status, _, again = web2.call("GET", export["resultUrl"])
    assert (status, again) == (200, exported)

    # A worker host killed while it trains: the job fails once its heartbeat is stale (the sweep on any host),
    # and the project trains again (no 409 forever).
    second = web1.accepted("POST", f"{AUTHORING}/loans/:train", {**TRAIN, "modelLabel": "m2"})
    wait_for(lambda: job_state(web2, second)["status"] == "running", 300, "the second training to run")
    for worker in cluster.workers:
        os.killpg(worker.pid, signal.SIGKILL)
    running = TrainingJob.objects.get(model_label="m2")
    TrainingJob.objects.filter(pk=running.pk).update(heartbeat_at=timezone.now() - STALE_AFTER - timedelta(seconds=1))
    tasks.sweep()
    state = job_state(web2, second)
    assert state["status"] == "failed" and "stopped before it finished" in state["errors"][0]["message"]
    status, _, body = web2.call("POST", f"{AUTHORING}/loans/:train", {**TRAIN, "modelLabel": "m3"})
    assert status == 202, body
    assert TrainingJob.objects.get(model_label="m3").status == JobStatus.NOT_STARTED
