"""A real django-q2 worker (`manage.py qcluster`) sharing the test database and task queue, for tests that train."""

from __future__ import annotations

import time

import pytest

from tests import processes


@pytest.fixture
def worker(transactional_db):
    process = processes.start_worker(log="worker.log")
    yield process
    processes.stop(process)


@pytest.fixture
def queue(db):
    """The task queue's broker, emptied first (Redis's queue outlives each test; the ORM broker's is rolled back)."""
    from django_q.brokers import get_broker

    broker = get_broker()
    broker.purge_queue()
    return broker


def wait_for(predicate, *, timeout: float, interval: float = 0.5, what: str = "condition"):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        value = predicate()
        if value:
            return value
        time.sleep(interval)
    raise AssertionError(f"Timed out after {timeout:.0f} s waiting for {what}.")
