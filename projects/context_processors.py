"""What templates may know about the signed-in user's role in the project a page's URL names.

Pages under `/projects/<project_name>/...` get `project_perms` (role and one flag per action) so they can hide
controls the role cannot use; the server still checks every request (`selectors.project_get`).
"""

from __future__ import annotations

from dataclasses import dataclass

from django.utils.functional import SimpleLazyObject

from projects.models import Project, Role
from projects.permissions import Action, can, is_studio_admin, may_create_projects, role_of
from studio import limits


@dataclass(frozen=True)
class ProjectPermissions:
    role: str | None  # "owner", "annotator", "reviewer", "viewer", or None for non-members
    view: bool = False
    label: bool = False
    upload: bool = False
    assign_dataset: bool = False
    review: bool = False
    manage: bool = False

    @property
    def role_label(self) -> str:
        return Role(self.role).label if self.role else ""


NONE = ProjectPermissions(role=None)


def project_permissions_for(user, project: Project) -> ProjectPermissions:
    return ProjectPermissions(
        role=role_of(user, project),
        **{action.value: can(user, project, action) for action in Action},
    )


def project_permissions(request) -> dict:
    match = getattr(request, "resolver_match", None)
    name = match.kwargs.get("project_name") if match else None
    user = getattr(request, "user", None)
    if not name or user is None or not user.is_authenticated:
        return {}

    def compute() -> ProjectPermissions:
        project = Project.objects.filter(name=name).first()
        return project_permissions_for(user, project) if project else NONE

    return {"project_perms": SimpleLazyObject(compute)}


def name_rules(request) -> dict:
    """The name rule (projects, models, deployments) for the browser's own check in forms."""
    return {"name_pattern": limits.NAME_INPUT_PATTERN, "name_max": limits.NAME_MAX}


def studio_permissions(request) -> dict:
    """What the signed-in user may do studio-wide: administer users, create projects (the nav and project list)."""
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {}
    return {
        "is_studio_admin": is_studio_admin(user),
        "may_create_projects": SimpleLazyObject(lambda: may_create_projects(user)),
    }
