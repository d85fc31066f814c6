"""API keys: created (shown once, only a hash stored), scoped to projects and a role, taken out of a project,
revoked."""

from __future__ import annotations

import secrets
from collections.abc import Sequence

from django.db import transaction
from django.utils import timezone

from projects.authentication import hash_key
from projects.models import ApiKey, Project, Role
from projects.permissions import ALLOWED, allowed_actions
from studio.exceptions import InvalidInput

NAME_MAX = 100


@transaction.atomic
def api_key_create(*, user, name: str, projects: Sequence[Project] = (), role: str = "") -> str:
    """Creates a key acting as `user`; returns the raw key, which is never stored.

    With `projects` and `role` the key reaches only those projects, and in each does only what `role` allows (and its
    user may still do there); without them it acts as its user everywhere (`createapikey` for scripts). A key's role
    cannot allow more than its user's role in each of its projects.
    """
    name = (name or "").strip()
    if not name:
        raise InvalidInput("Name the key after what will use it, e.g. 'billing-service'.", target="name")
    if len(name) > NAME_MAX:
        raise InvalidInput(f"A key's name is at most {NAME_MAX} characters.", target="name")
    projects = list(projects)
    if role and role not in Role.values:
        raise InvalidInput(f"Role '{role}' is not one of {', '.join(Role.values)}.", target="role")
    if bool(role) != bool(projects):
        raise InvalidInput("Choose at least one project and the role the key acts in.", target="projects")
    for project in projects:
        if not ALLOWED[role] <= allowed_actions(user, project):
            raise InvalidInput(
                f"Your role in project '{project.name}' does not allow a key with role {role}; choose a narrower role.",
                target="role",
            )
    raw = secrets.token_hex(32)
    key = ApiKey.objects.create(user=user, name=name, prefix=raw[:8], key_hash=hash_key(raw), role=role)
    if projects:
        key.projects.set(projects)
    return raw


@transaction.atomic
def api_key_revoke(*, key: ApiKey) -> ApiKey:
    """The key authenticates no more; its record stays, listed as revoked."""
    if key.revoked_at is None:
        key.revoked_at = timezone.now()
        key.save(update_fields=["revoked_at"])
    return key


@transaction.atomic
def api_key_project_remove(*, key: ApiKey, project: Project) -> ApiKey:
    """Takes `project` out of the key's scope, as that project's owners may, without touching its other projects
    (which they may not manage). A key left without projects is revoked instead, keeping `project` in its scope as
    the record of what it reached: an empty scope must never read as "everywhere". Check `revoked_at` to tell which.
    """
    key = ApiKey.objects.select_for_update().get(pk=key.pk)  # two owners removing the last two projects at once
    if key.revoked_at is not None:
        return key
    others = key.projects.exclude(pk=project.pk)
    if not key.scoped or not others.exists():
        return api_key_revoke(key=key)
    key.projects.remove(project)
    return key
