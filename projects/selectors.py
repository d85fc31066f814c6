"""Reads of projects, members and activity. Each returns what the user may see; none of them writes."""

from __future__ import annotations

from django.db.models import QuerySet

from projects.models import Activity, Membership, Project
from projects.permissions import Action, require
from studio.exceptions import NotFound


def project_list(*, user) -> QuerySet[Project]:
    qs = Project.objects.all()
    if not user.is_superuser:
        qs = qs.filter(memberships__user=user)
    return qs.order_by("name")


def project_get(*, user, name: str, action: Action = Action.VIEW) -> Project:
    """The project named `name` if the user has a role in it; NotFound otherwise (no existence leak)."""
    project = Project.objects.filter(name=name).first()
    if project is None or (
        not user.is_superuser and not Membership.objects.filter(project=project, user=user).exists()
    ):
        raise NotFound(f"The project '{name}' could not be found.", code="NotFound", innererror_code="ProjectNotFound")
    require(user, project, action)
    return project


def membership_list(*, project: Project) -> QuerySet[Membership]:
    return project.memberships.select_related("user").order_by("user__username")


def activity_list(*, project: Project, limit: int = 10) -> QuerySet[Activity]:
    return project.activities.select_related("user").order_by("-created_at", "-id")[:limit]
