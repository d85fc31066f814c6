"""Deployments: deploy (create or reassign), delete, swap. Each is one transaction, effective at once."""

from __future__ import annotations

from django.db import transaction
from django.utils import timezone

from modeling import selectors
from modeling.models import Deployment, TrainedModel
from projects.models import OperationKind, Project
from projects.services.activity import activity_record
from projects.services.operations import job_record
from studio import limits
from studio.exceptions import InvalidInput, NotFound


def _locked(project: Project, name: str) -> Deployment:
    deployment = selectors.deployment_get(project=project, name=name)
    return Deployment.objects.select_for_update().select_related("trained_model").get(pk=deployment.pk)


@transaction.atomic
def deployment_deploy(*, user, project: Project, name: str, model_label: str):
    """Points deployment `name` at the model `model_label` (creating the deployment if needed)."""
    limits.check_name(name, what="Deployment")
    model = TrainedModel.objects.filter(project=project, label=model_label).first()
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
    project.last_deployed_at = now
    project.save(update_fields=["last_deployed_at"])
    activity_record(project=project, user=user, verb="deployed", summary=f"deployed model {model_label} as {name}")
    return deployment, job_record(kind=OperationKind.DEPLOYMENT, project_name=project.name, user=user)


@transaction.atomic
def deployment_delete(*, user, project: Project, name: str):
    deployment = _locked(project, name)
    deployment.delete()
    activity_record(project=project, user=user, verb="deployed", summary=f"deleted deployment {name}")
    return job_record(kind=OperationKind.DEPLOYMENT, project_name=project.name, user=user)


@transaction.atomic
def deployments_swap(*, user, project: Project, first: str, second: str):
    """Exchanges the models of two deployments in one transaction: callers see one or the other, never none."""
    if not first or not second:
        raise InvalidInput("Both firstDeploymentName and secondDeploymentName are required.")
    if first == second:
        raise InvalidInput("Swapping a deployment with itself changes nothing; name two different deployments.")
    a, b = _locked(project, first), _locked(project, second)
    now = timezone.now()
    a.trained_model, b.trained_model = b.trained_model, a.trained_model
    a.deployed_at = b.deployed_at = now
    a.save(update_fields=["trained_model", "deployed_at"])
    b.save(update_fields=["trained_model", "deployed_at"])
    activity_record(project=project, user=user, verb="deployed", summary=f"swapped deployments {first} and {second}")
    return job_record(kind=OperationKind.SWAP, project_name=project.name, user=user)
