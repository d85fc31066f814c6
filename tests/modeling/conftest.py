"""A real django-q2 worker (`manage.py qcluster`) sharing the test database, for tests that train."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest
from django.conf import settings
from django.db import connection

ROOT = Path(__file__).resolve().parent.parent.parent


@pytest.fixture
def worker(transactional_db):
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "studio.settings.test",
        "STUDIO_SQLITE_PATH": str(connection.settings_dict["NAME"]),
        "PYTHONUNBUFFERED": "1",
    }
    log = (Path(settings.DATA_DIR) / "worker.log").open("ab")
    process = subprocess.Popen(
        [sys.executable, "manage.py", "qcluster"], cwd=ROOT, env=env, start_new_session=True, stdout=log, stderr=log
    )
    yield process
    os.killpg(process.pid, signal.SIGTERM)
    try:
        process.wait(timeout=20)
    except subprocess.TimeoutExpired:
        os.killpg(process.pid, signal.SIGKILL)
        process.wait()
    log.close()


def wait_for(predicate, *, timeout: float, interval: float = 0.5, what: str = "condition"):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        value = predicate()
        if value:
            return value
        time.sleep(interval)
    raise AssertionError(f"Timed out after {timeout:.0f} s waiting for {what}.")
