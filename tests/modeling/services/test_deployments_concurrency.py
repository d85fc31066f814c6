"""Deployment changes at once (`make test-scale` runs these on PostgreSQL, where they truly overlap): two swaps of
the same pair in opposite order, or a swap and a delete, queue on the project instead of deadlocking."""

from __future__ import annotations

import threading

import pytest
from django.utils import timezone

from modeling import selectors
from modeling.models import Deployment, TrainedModel
from modeling.services import deployments
from projects.models import Project
from tests.processes import concurrently


@pytest.fixture
def pair(transactional_db, owner, monkeypatch):
    """Project `loans` with deployments d1 (model m1) and d2 (model m2)."""
    monkeypatch.setattr(deployments, "preloading_enabled", lambda: False)  # no model files here
    project = Project.objects.create(name="loans")
    for n in (1, 2):
        TrainedModel.objects.create(
            project=project, label=f"m{n}", model_id=f"m{n}-id", path=f"{project.pk}/m{n}",
            training_config_version="v", trained_at=timezone.now(),
        )  # fmt: skip
        deployments.deployment_deploy(user=owner, project=project, name=f"d{n}", model_label=f"m{n}")
    return project


@pytest.fixture
def both_holding_one(monkeypatch):
    """Each request, about to find its second deployment, waits until the other got as far (or for 2 s: once the
    first request locks the project, the second cannot get there). Before the project lock, each held its first
    deployment's row here, and wanted the other's."""
    barrier = threading.Barrier(2, timeout=2)
    local = threading.local()
    found = selectors.deployment_get

    def deployment_get(**kwargs):
        local.calls = getattr(local, "calls", 0) + 1
        if local.calls == 2:
            try:
                barrier.wait()
            except threading.BrokenBarrierError:
                pass
        return found(**kwargs)

    monkeypatch.setattr(deployments.selectors, "deployment_get", deployment_get)


def models(project: Project) -> dict[str, str]:
    return dict(Deployment.objects.filter(project=project).values_list("name", "trained_model__label"))


def test_two_swaps_of_a_pair_in_opposite_order_both_happen(pair, owner, both_holding_one):
    results = concurrently(
        lambda: deployments.deployments_swap(user=owner, project=pair, first="d1", second="d2"),
        lambda: deployments.deployments_swap(user=owner, project=pair, first="d2", second="d1"),
    )
    assert not [r for r in results if isinstance(r, BaseException)], results
    assert models(pair) == {"d1": "m1", "d2": "m2"}  # swapped twice


def test_a_swap_and_a_delete_at_once_leave_one_consistent_state(pair, owner, both_holding_one):
    results = concurrently(
        lambda: deployments.deployments_swap(user=owner, project=pair, first="d1", second="d2"),
        lambda: deployments.deployment_delete(user=owner, project=pair, name="d2"),
    )
    errors = [r for r in results if isinstance(r, BaseException)]
    # The swap may come second and find d2 gone (a 404, as one after the other); never a deadlock.
    assert all("could not be found" in str(e) for e in errors), errors
    assert len(models(pair)) == 1
