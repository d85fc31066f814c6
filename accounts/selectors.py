"""Reads for the users and API key pages; none of them writes."""

from __future__ import annotations

from django.contrib.auth import get_user_model
from django.contrib.auth.models import Permission
from django.db.models import Exists, OuterRef, QuerySet

from projects.models import ApiKey, Project
from studio.exceptions import NotFound


def user_list() -> QuerySet:
    """Every account, with `may_create_projects` (granted directly or through a group)."""
    grant = {"codename": "add_project", "content_type__app_label": "projects"}
    direct = Permission.objects.filter(user=OuterRef("pk"), **grant)
    grouped = Permission.objects.filter(group__user=OuterRef("pk"), **grant)
    return get_user_model().objects.annotate(may_create_projects=Exists(direct) | Exists(grouped)).order_by("username")


def user_get(*, user_id: int):
    user = get_user_model().objects.filter(pk=user_id).first()
    if user is None:
        raise NotFound(f"There is no user {user_id}.")
    return user


def api_key_list(*, user) -> QuerySet[ApiKey]:
    """The user's own keys, newest first, revoked ones too."""
    return ApiKey.objects.filter(user=user).prefetch_related("projects").order_by("revoked_at", "-created_at")


def api_key_list_for_project(*, project: Project) -> QuerySet[ApiKey]:
    """The keys scoped to the project, whoever made them."""
    return (
        ApiKey.objects.filter(projects=project)
        .select_related("user")
        .prefetch_related("projects")
        .order_by("revoked_at", "-created_at")
    )


def api_key_get(*, keys: QuerySet[ApiKey], key_id: int) -> ApiKey:
    key = keys.filter(pk=key_id).first()
    if key is None:
        raise NotFound("That API key does not exist here.")
    return key
