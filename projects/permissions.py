"""Who may do what in a project. Every page and API call asks here; the UI only hides what this refuses."""

from __future__ import annotations

from enum import StrEnum

from projects.models import Membership, Project, Role
from studio.exceptions import PermissionDenied


class Action(StrEnum):
    VIEW = "view"  # read everything: documents, labels, metrics, exports
    LABEL = "label"  # add, change, remove labels
    UPLOAD = "upload"  # add documents
    ASSIGN_DATASET = "assign_dataset"  # set documents' Train/Test and, in a multilingual project, language
    REVIEW = "review"  # mark documents reviewed or send them back, adjudicate disagreements between annotators
    MANAGE = "manage"  # settings, schema, members, deletions, import-replace, training, deployments


ALLOWED: dict[str, set[Action]] = {
    Role.OWNER: set(Action),
    Role.ANNOTATOR: {Action.VIEW, Action.LABEL, Action.UPLOAD, Action.ASSIGN_DATASET},
    Role.REVIEWER: {Action.VIEW, Action.LABEL, Action.REVIEW},
    Role.VIEWER: {Action.VIEW},
}

DESCRIPTIONS = {
    Action.VIEW: "view this project",
    Action.LABEL: "label documents",
    Action.UPLOAD: "upload documents",
    Action.ASSIGN_DATASET: "assign documents to Train or Test or set their language",
    Action.REVIEW: "review documents",
    Action.MANAGE: "change this project's settings, schema, members or models",
}


def role_of(user, project: Project) -> str | None:
    """The user's role in the project; superusers act as owners everywhere."""
    if not user.is_authenticated:
        return None
    if user.is_superuser:
        return Role.OWNER
    cache = getattr(user, "_studio_roles", None)
    if cache is None:
        cache = user._studio_roles = {}
    if project.pk not in cache:
        cache[project.pk] = Membership.objects.filter(project=project, user=user).values_list("role", flat=True).first()
    return cache[project.pk]


def can(user, project: Project, action: Action) -> bool:
    role = role_of(user, project)
    return role is not None and action in ALLOWED[role]


def require(user, project: Project, action: Action) -> None:
    """Raises PermissionDenied unless the user may do `action` in `project`."""
    if not can(user, project, action):
        role = role_of(user, project)
        raise PermissionDenied(
            f"Your role ({role}) does not allow you to {DESCRIPTIONS[action]} in project '{project.name}'.",
            innererror_code="Forbidden",
        )
