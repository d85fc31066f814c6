"""Reads of projects, members and activity. Each returns what the user may see; none of them writes."""

from __future__ import annotations

from django.db.models import QuerySet
from django.utils import timezone

from projects.models import STAGING_NAME_PREFIX, Activity, Membership, Operation, OperationKind, Project
from projects.permissions import Action, can, is_studio_admin, require, role_of, scoped_key
from studio.exceptions import NotFound


def _projects() -> QuerySet[Project]:
    """Every project but the hidden ones an import is staging."""
    return Project.objects.exclude(name__startswith=STAGING_NAME_PREFIX)


def project_list(*, user) -> QuerySet[Project]:
    """The projects the user has a role in (all of them for superusers), through a scoped key only its projects."""
    qs = _projects()
    if not user.is_superuser:
        qs = qs.filter(memberships__user=user)
    key = scoped_key(user)
    if key is not None:
        qs = qs.filter(pk__in=key.project_ids)
    return qs.order_by("name")


def project_get(*, user, name: str, action: Action = Action.VIEW) -> Project:
    """The project named `name` if the user has a role in it; NotFound otherwise (no existence leak)."""
    project = _projects().filter(name=name).first()
    if project is None or role_of(user, project) is None:
        raise NotFound(f"The project '{name}' could not be found.", code="NotFound", innererror_code="ProjectNotFound")
    require(user, project, action)
    return project


def membership_list(*, project: Project) -> QuerySet[Membership]:
    return project.memberships.select_related("user").order_by("user__username")


def activity_list(*, project: Project, limit: int = 10) -> QuerySet[Activity]:
    return project.activities.select_related("user").order_by("-created_at", "-id")[:limit]


def job_visible(*, user, created_by_id: int | None, project: Project | None) -> bool:
    """The one rule for every job (operations, training, runtime): a job that belongs to a project is seen by
    whoever may view that project; a job with no project (a runtime job, or a deleted project's deletion job)
    by the user who started it. Superusers see every job."""
    if not user.is_authenticated:
        return False
    if project is not None:
        return can(user, project, Action.VIEW)
    if is_studio_admin(user):
        return True
    return created_by_id is not None and created_by_id == user.pk


def operation_get(*, user, job_id: str, kinds: tuple[OperationKind, ...], project_name: str | None = None) -> Operation:
    """An operation's record, if `job_visible`; NotFound otherwise (no existence leak)."""
    # An expired job is gone for its readers at once, whenever the sweep deletes its record and result.
    job = Operation.objects.filter(job_id=job_id, kind__in=kinds, expires_at__gt=timezone.now()).first()
    if job is not None and project_name is not None and job.project_name != project_name:
        job = None
    project = Project.objects.filter(name=job.project_name).first() if job is not None else None
    if job is None or not job_visible(user=user, created_by_id=job.user_id, project=project):
        raise NotFound(f"The job '{job_id}' could not be found.", innererror_code="OperationNotFound")
    return job
