"""Who may do what in a project. Every page and API call asks here; the UI only hides what this refuses."""

from __future__ import annotations

from enum import StrEnum

from projects.authentication import API_KEY_ATTRIBUTE
from projects.models import ApiKey, Membership, Project, Role
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


def scoped_key(user) -> ApiKey | None:
    """The scoped API key this request's user came with (None for a session or an unscoped key)."""
    key = getattr(user, API_KEY_ATTRIBUTE, None)
    return key if key is not None and key.scoped else None


def is_studio_admin(user) -> bool:
    """Studio administrators are superusers (signed in, or through an unscoped key): they act as owners of every
    project, manage users and may always create projects."""
    return user.is_authenticated and user.is_superuser and scoped_key(user) is None


def _member_role(user, project: Project) -> str | None:
    if user.is_superuser:
        return Role.OWNER
    cache = getattr(user, "_studio_roles", None)
    if cache is None:
        cache = user._studio_roles = {}
    if project.pk not in cache:
        cache[project.pk] = Membership.objects.filter(project=project, user=user).values_list("role", flat=True).first()
    return cache[project.pk]


def allowed_actions(user, project: Project) -> set[Action]:
    """What the user may do in the project: their role's actions; through a scoped key, only those its role allows
    too, and nothing in projects outside its scope."""
    if not user.is_authenticated:
        return set()
    role = _member_role(user, project)
    if role is None:
        return set()
    key = scoped_key(user)
    if key is None:
        return set(ALLOWED[role])
    if project.pk not in key.project_ids:
        return set()
    return ALLOWED[role] & ALLOWED[key.role]


def role_of(user, project: Project) -> str | None:
    """The role the user acts in here (None: no access); superusers act as owners everywhere, a scoped key as the
    narrower of its role and its user's."""
    if not user.is_authenticated:
        return None
    role = _member_role(user, project)
    key = scoped_key(user)
    if role is None or key is None:
        return role
    if project.pk not in key.project_ids:
        return None
    return key.role if ALLOWED[key.role] <= ALLOWED[role] else role


def can(user, project: Project, action: Action) -> bool:
    return action in allowed_actions(user, project)


def may_create_projects(user) -> bool:
    """Creating projects is a studio-level permission: administrators always may, other accounts when an
    administrator granted them `projects.add_project` (the Users page). Scoped keys never may."""
    if not user.is_authenticated or scoped_key(user) is not None:
        return False
    return user.is_superuser or user.has_perm("projects.add_project")


def require_project_create(user) -> None:
    if not may_create_projects(user):
        reason = (
            "This API key is scoped to its projects and cannot create projects."
            if scoped_key(user) is not None
            else "You may not create projects; a studio administrator can allow you to."
        )
        raise PermissionDenied(reason, innererror_code="Forbidden")


def require(user, project: Project, action: Action) -> None:
    """Raises PermissionDenied unless the user may do `action` in `project`."""
    if not can(user, project, action):
        role = role_of(user, project)
        raise PermissionDenied(
            f"Your role ({role}) does not allow you to {DESCRIPTIONS[action]} in project '{project.name}'.",
            innererror_code="Forbidden",
        )
