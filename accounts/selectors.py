"""Reads for the users and API key pages; none of them writes."""

from __future__ import annotations

from django.contrib.auth import get_user_model
from django.contrib.auth.models import Permission
from django.db.models import Count, Exists, OuterRef, Prefetch, Q, QuerySet

from projects import selectors as project_selectors
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


def _with_scope_seen_by(keys: QuerySet[ApiKey], *, user) -> QuerySet[ApiKey]:
    """Each key's scope as `user` may see it: `visible_projects` (by name), and `hidden_project_count`, the projects
    of its scope they cannot see, which are never named to them (a key can reach projects of other owners)."""
    visible = project_selectors.project_list(user=user)
    return keys.annotate(
        hidden_project_count=Count("projects", filter=~Q(projects__in=visible.values("pk")), distinct=True)
    ).prefetch_related(Prefetch("projects", queryset=visible, to_attr="visible_projects"))


def api_key_list(*, user) -> QuerySet[ApiKey]:
    """The user's own keys, newest first, revoked ones too."""
    return _with_scope_seen_by(ApiKey.objects.filter(user=user), user=user).order_by("revoked_at", "-created_at")


def api_key_list_for_project(*, project: Project, user) -> QuerySet[ApiKey]:
    """The keys scoped to the project, whoever made them, as `user` (one of its owners) sees them."""
    # By subquery, not a join: the join would also narrow the scope each key is shown with to this project.
    keys = ApiKey.objects.filter(pk__in=ApiKey.objects.filter(projects=project).values("pk")).select_related("user")
    return _with_scope_seen_by(keys, user=user).order_by("revoked_at", "-created_at")


def api_key_get(*, keys: QuerySet[ApiKey], key_id: int) -> ApiKey:
    key = keys.filter(pk=key_id).first()
    if key is None:
        raise NotFound("That API key does not exist here.")
    return key
