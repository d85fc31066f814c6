"""Deployments: deploy (create or reassign), delete, swap. Each is one transaction, effective at once. A model
that a newer training of its label replaced goes (files after the commit) when its last deployment stops serving
it (`modeling.services.models`).

After the commit, the process that deployed starts loading the model in the background, and every web process's
preloader (`deployments_preload_start`) loads it within `serving.POLL_SECONDS`, so the first call after a deploy
does not wait for a model to load (see `modeling.serving`).
"""

from __future__ import annotations

import functools
from pathlib import Path

from django.conf import settings
from django.db import transaction
from django.utils import timezone

from modeling import selectors, serving
from modeling.models import Deployment, TrainedModel
from modeling.services.models import model_file, trained_models_prune_replaced
from projects.models import OperationKind, Project
from projects.services.activity import activity_record
from projects.services.operations import job_record
from studio import limits
from studio.exceptions import InvalidInput, NotFound


def _locked(project: Project, *names: str) -> list[Deployment]:
    """The named deployments, locked. Every change to a project's deployments locks the project's row first, so
    concurrent ones (two swaps of the same pair in opposite order, a swap and a delete) queue instead of each
    holding a row the other waits for (a deadlock on PostgreSQL)."""
    Project.objects.select_for_update().filter(pk=project.pk).first()
    deployments = [selectors.deployment_get(project=project, name=name) for name in names]
    locked = Deployment.objects.select_for_update().select_related("trained_model").in_bulk([d.pk for d in deployments])
    return [locked[d.pk] for d in deployments]


@transaction.atomic
def deployment_deploy(*, user, project: Project, name: str, model_label: str):
    """Points deployment `name` at the model `model_label` (creating the deployment if needed)."""
    limits.check_name(name, what="Deployment")
    model = selectors.trained_model_list(project=project).filter(label=model_label).first()
    if model is None:
        raise NotFound(
            f"The model '{model_label}' could not be found in project '{project.name}'.",
            innererror_code="ModelNotFound",
        )
    Project.objects.select_for_update().filter(pk=project.pk).first()
    now = timezone.now()
    deployment = project.deployments.filter(name=name).first()
    if deployment is None:
        if project.deployments.count() >= limits.DEPLOYMENTS_MAX:
            raise InvalidInput(
                f"The project already has {limits.DEPLOYMENTS_MAX} deployments, the limit; redeploy or delete one.",
                target="deploymentName",
            )
        deployment = Deployment.objects.create(
            project=project, name=name, trained_model=model, deployed_at=now, created_by=user
        )
    else:
        deployment.trained_model = model
        deployment.deployed_at = now
        deployment.save(update_fields=["trained_model", "deployed_at"])
        trained_models_prune_replaced(project=project)
    project.last_deployed_at = now
    project.save(update_fields=["last_deployed_at"])
    _load_after_commit(model)
    activity_record(project=project, user=user, verb="deployed", summary=f"deployed model {model_label} as {name}")
    return deployment, job_record(kind=OperationKind.DEPLOYMENT, project_name=project.name, user=user)


@transaction.atomic
def deployment_delete(*, user, project: Project, name: str):
    (deployment,) = _locked(project, name)
    deployment.delete()
    trained_models_prune_replaced(project=project)
    activity_record(project=project, user=user, verb="deployed", summary=f"deleted deployment {name}")
    return job_record(kind=OperationKind.DEPLOYMENT, project_name=project.name, user=user)


@transaction.atomic
def deployments_swap(*, user, project: Project, first: str, second: str):
    """Exchanges the models of two deployments in one transaction: callers see one or the other, never none."""
    if not first or not second:
        raise InvalidInput("Both firstDeploymentName and secondDeploymentName are required.")
    if first == second:
        raise InvalidInput("Swapping a deployment with itself changes nothing; name two different deployments.")
    a, b = _locked(project, first, second)
    now = timezone.now()
    a.trained_model, b.trained_model = b.trained_model, a.trained_model
    a.deployed_at = b.deployed_at = now
    a.save(update_fields=["trained_model", "deployed_at"])
    b.save(update_fields=["trained_model", "deployed_at"])
    _load_after_commit(a.trained_model, b.trained_model)
    activity_record(project=project, user=user, verb="deployed", summary=f"swapped deployments {first} and {second}")
    return job_record(kind=OperationKind.SWAP, project_name=project.name, user=user)


def preloading_enabled() -> bool:
    """`STUDIO_PRELOAD_MODELS` (default on): web processes load deployed models before their first call."""
    return settings.STUDIO_PRELOAD_MODELS


def _load_after_commit(*models: TrainedModel) -> None:
    """Loads the models into this process in the background once the deployment is committed."""
    if preloading_enabled():
        for model in models:
            transaction.on_commit(functools.partial(serving.load_in_background, model, model_file(model)))


def deployments_preload_start() -> bool:
    """Starts this web process's preloader (once per process; no-op with `STUDIO_PRELOAD_MODELS` off): every
    `serving.POLL_SECONDS` it reads which models the deployments of every project serve and loads them (within
    `serving.MAX_MODELS`) before their first call. Returns whether it started."""
    return preloading_enabled() and serving.preloading_start(deployed_models)


def deployed_models() -> list[tuple[TrainedModel, Path]]:
    """Every model a deployment serves, in any project, most recently deployed first, with its file: one query of
    small rows (the preloader runs it every few seconds in every web process)."""
    rows = (
        Deployment.objects.select_related("trained_model")
        .only("deployed_at", "trained_model", "trained_model__model_id", "trained_model__path", "trained_model__config")
        .order_by("-deployed_at")
    )
    models: dict[str, TrainedModel] = {}
    for deployment in rows:
        models.setdefault(deployment.trained_model.model_id, deployment.trained_model)
    return [(model, model_file(model)) for model in models.values()]


def deployment_load_state(deployment: Deployment) -> str:
    """Whether this process has the deployment's model loaded (`serving.READY`), is loading it, and so on."""
    return serving.state(deployment.trained_model.model_id)
