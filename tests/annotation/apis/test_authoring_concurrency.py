"""Requests SQLite runs one at a time run at once on PostgreSQL (`make test-scale`): the same answers, never a 500."""

from __future__ import annotations

import threading

import pytest
from django.db.models.signals import pre_save

from annotation.models import Document
from projects.models import Project
from tests.conftest import AzureClient, small_project
from tests.processes import concurrently


@pytest.fixture
def both_at_the_name(transactional_db):
    """Makes two requests that write project `loans` reach that write together (as far as the database lets them:
    SQLite makes the second wait for the first's commit, so the wait times out and they go one after the other)."""
    barrier = threading.Barrier(2, timeout=2)

    def wait(sender, instance, **kwargs):
        if instance.name == "loans":
            try:
                barrier.wait()
            except threading.BrokenBarrierError:
                pass

    pre_save.connect(wait, sender=Project, dispatch_uid="both-at-the-name")
    yield
    pre_save.disconnect(dispatch_uid="both-at-the-name")


def test_two_imports_of_a_new_name_at_once_make_one_project_and_no_500(api, both_at_the_name):
    second = AzureClient(api.key)
    body = small_project("loans")
    responses = concurrently(
        lambda: api.post("/projects/loans/:import", body), lambda: second.post("/projects/loans/:import", body)
    )
    statuses = sorted(getattr(r, "status_code", r) for r in responses)
    assert statuses in ([202, 202], [202, 409]), responses
    if statuses == [202, 409]:  # PostgreSQL: the second learns of the first and may import again
        conflict = next(r for r in responses if r.status_code == 409).json()["error"]
        assert conflict["message"] == "Another import created project 'loans' meanwhile; import again to replace it."
    assert Project.objects.filter(name="loans").count() == 1
    assert Document.objects.filter(project__name="loans").count() == 3
    assert Project.objects.count() == 1  # no staging project left behind


def test_two_creations_of_a_name_at_once_make_one_project_and_no_500(api, both_at_the_name):
    second = AzureClient(api.key)
    body = {"projectName": "loans", "language": "en-us", "projectKind": "CustomEntityRecognition"}
    responses = concurrently(lambda: api.patch("/projects/loans", body), lambda: second.patch("/projects/loans", body))
    # One after the other the second updates what the first made; at once (PostgreSQL), it is told it exists.
    assert sorted(getattr(r, "status_code", r) for r in responses) in ([200, 201], [201, 409]), responses
    assert Project.objects.filter(name="loans").count() == 1
