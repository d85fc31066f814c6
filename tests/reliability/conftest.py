"""Real processes on loopback for the load and fault tests: web hosts (gunicorn), workers (qcluster) and `runstudio`,
on the test's own database and data directory (`tests.processes`), and a tiny real model deployed as `loans/prod`."""

from __future__ import annotations

import json
import time
import urllib.error
import urllib.request
from dataclasses import dataclass
from typing import Any

import pytest

from projects.services.api_keys import api_key_create
from tests import processes

VERSION = "2023-04-01"


@dataclass
class Web:
    """A web host as a client sees it: its URL and a subscription key."""

    url: str
    key: str

    def call(
        self, method: str, path: str, body: Any = None, *, raw: bytes | None = None, timeout: float = 60
    ) -> tuple[int, dict[str, str], Any]:
        url = path if path.startswith("http") else f"{self.url}{path}{'&' if '?' in path else '?'}api-version={VERSION}"
        data = raw if raw is not None else (json.dumps(body).encode() if body is not None else None)
        headers = {"Ocp-Apim-Subscription-Key": self.key, "Content-Type": "application/json"}
        request = urllib.request.Request(url, data=data, method=method, headers=headers)
        try:
            with urllib.request.urlopen(request, timeout=timeout) as response:
                status, answer, content = response.status, dict(response.headers), response.read()
        except urllib.error.HTTPError as error:
            status, answer, content = error.code, dict(error.headers), error.read()
        return status, answer, json.loads(content) if content else None


def wait_for(predicate, timeout: float, what: str, *, log: str | None = None, interval: float = 0.25):
    deadline = time.monotonic() + timeout
    while not (value := predicate()):
        assert time.monotonic() < deadline, f"timed out waiting for {what}\n{processes.log_tail(log) if log else ''}"
        time.sleep(interval)
    return value


def sweep_schedule() -> None:
    """The sweep's schedule as its migration makes it (a transactional test starts from empty tables), due now: a
    worker started after this runs the sweep at once and then every minute."""
    from django.utils import timezone
    from django_q.models import Schedule

    Schedule.objects.update_or_create(
        name="modeling: fail stale jobs, expire runtime jobs",
        defaults={"func": "modeling.tasks.sweep", "schedule_type": "I", "minutes": 1, "repeats": -1,
                  "next_run": timezone.now()},
    )  # fmt: skip


def healthy(web: Web) -> bool:
    try:
        status, _, _ = web.call("GET", f"{web.url}/healthz", timeout=5)
    except OSError:
        return False
    return status == 200


@pytest.fixture
def admin(transactional_db, make_user):
    return make_user("root", superuser=True)


@pytest.fixture
def deployed(admin, deploy_tiny):
    """Project `loans` (12 loan agreements) with its tiny real model deployed as `prod`."""
    from annotation.formats.azure import read_project
    from annotation.services.imports import project_import
    from tests.modeling.factories import loan_project

    project = project_import(user=admin, name="loans", data=read_project(loan_project(documents=12)))
    deploy_tiny(project, user=admin)
    return project


@pytest.fixture
def start_web(admin):
    """Starts web hosts (gunicorn, one process) on free loopback ports; stops what is left of them afterwards."""
    started = []
    key = api_key_create(user=admin, name="reliability")

    def start(log: str = "web.log", *, threads: int = 4) -> tuple[Web, Any]:
        port = processes.free_port()
        argv = ["-m", "gunicorn", "studio.wsgi:application", "--bind", f"127.0.0.1:{port}", "--workers", "1",
                "--threads", str(threads), "--timeout", "300", "--no-control-socket"]  # fmt: skip
        process = processes.start(argv, log=log)
        started.append(process)
        web = Web(f"http://127.0.0.1:{port}", key)
        wait_for(lambda: healthy(web) or process.poll() is not None, 60, "the web host", log=log)
        assert process.poll() is None, processes.log_tail(log)
        return web, process

    yield start
    for process in started:
        processes.stop(process)
