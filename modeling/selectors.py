"""Reads of training jobs, trained models, deployments and runtime jobs; none of them writes."""

from __future__ import annotations

from django.db.models import QuerySet
from django.utils import timezone

from modeling.models import AnalyzeJob, Deployment, TrainedModel, TrainingJob
from projects.models import Project
from projects.selectors import job_visible
from studio.exceptions import NotFound


def training_job_list(*, project: Project) -> QuerySet[TrainingJob]:
    # Pure: a job whose worker died is failed by `training_jobs_fail_stale` on its schedule, never by a read.
    return project.training_jobs.all()


def training_job_get(*, project: Project, job_id: str) -> TrainingJob:
    """A job of `project`; callers have `project_get` the project first, which is `job_visible`'s rule."""
    job = training_job_list(project=project).filter(job_id=job_id).first()
    if job is None:
        raise NotFound(f"The training job '{job_id}' could not be found.", innererror_code="OperationNotFound")
    return job


def trained_model_list(*, project: Project) -> QuerySet[TrainedModel]:
    """The model of each label; a replaced model a deployment still serves is reached through that deployment."""
    return _current_models(project).defer("evaluation_documents")


def trained_model_get(*, project: Project, label: str, with_documents: bool = False) -> TrainedModel:
    qs = _current_models(project) if with_documents else trained_model_list(project=project)
    model = qs.filter(label=label).first()
    if model is None:
        raise NotFound(
            f"The model '{label}' could not be found in project '{project.name}'.", innererror_code="ModelNotFound"
        )
    return model


def _current_models(project: Project) -> QuerySet[TrainedModel]:
    return project.trained_models.filter(replaced_at__isnull=True)


def deployment_list(*, project: Project) -> QuerySet[Deployment]:
    # The per-document evaluation can be megabytes; no deployment view needs it.
    return (
        project.deployments.select_related("trained_model")
        .defer("trained_model__evaluation_documents")
        .order_by("name")
    )


def deployment_get(*, project: Project, name: str) -> Deployment:
    deployment = deployment_list(project=project).filter(name=name).first()
    if deployment is None:
        raise NotFound(
            f"The deployment '{name}' could not be found in project '{project.name}'.",
            innererror_code="DeploymentNotFound",
        )
    return deployment


def analyze_job_get(*, user, job_id: str) -> AnalyzeJob:
    """An unexpired runtime job, if `job_visible` (runtime jobs belong to no project: their submitter's)."""
    job = AnalyzeJob.objects.filter(job_id=job_id, expires_at__gt=timezone.now()).first()
    if job is None or not job_visible(user=user, created_by_id=job.user_id, project=None):
        raise NotFound(f"The job '{job_id}' could not be found or has expired.", innererror_code="OperationNotFound")
    return job
