"""The Users page: studio administrators (superusers) create users, grant project creation, reset passwords."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_http_methods, require_POST

from accounts import selectors
from accounts.forms import UserAccessForm, UserCreateForm, attach_error
from accounts.services import users as user_services
from accounts.views.shown_once import redirect_showing_once, take_shown_once
from projects.permissions import is_studio_admin
from projects.views import form_data
from studio.exceptions import ApplicationError, PermissionDenied

USERS_PER_PAGE = 50


def _require_admin(user) -> None:
    if not is_studio_admin(user):
        raise PermissionDenied("Only studio administrators can manage users.", innererror_code="Forbidden")


def _show_link_once(request, *, user):
    """Redirects to the Users page, which shows `user`'s new set-password link on its next GET only."""
    link = request.build_absolute_uri(user_services.password_set_path(user=user))
    return redirect_showing_once(request, page=reverse("user-list"), link=link, link_username=user.username)


@never_cache  # a page showing a set-password link is never kept
@login_required
@require_http_methods(["GET", "POST"])
def user_list(request):
    _require_admin(request.user)
    form = UserCreateForm(*form_data(request))
    if request.method == "POST" and form.is_valid():
        try:
            created = user_services.user_create(**form.cleaned_data)
        except ApplicationError as error:
            attach_error(form, error)
        else:
            return _show_link_once(request, user=created)
    shown = take_shown_once(request, page=reverse("user-list")) or {}
    page = Paginator(selectors.user_list(), USERS_PER_PAGE).get_page(request.GET.get("page"))
    context = {"form": form, "users": page, "page": page, **shown}
    return render(request, "accounts/users.html", context, status=400 if form.errors else 200)


@login_required
@require_POST
def user_update(request, user_id: int):
    _require_admin(request.user)
    target = selectors.user_get(user_id=user_id)
    form = UserAccessForm(request.POST)
    form.is_valid()  # booleans: always valid
    try:
        user_services.user_access_set(acting=request.user, user=target, **form.cleaned_data)
    except ApplicationError as error:
        messages.error(request, error.message)
    else:
        messages.success(request, f"Saved {target.username}'s access.")
    return redirect("user-list")


@login_required
@require_POST
def user_password_reset(request, user_id: int):
    _require_admin(request.user)
    target = selectors.user_get(user_id=user_id)
    try:
        user_services.user_password_reset(acting=request.user, user=target)
    except ApplicationError as error:
        messages.error(request, error.message)
        return redirect("user-list")
    return _show_link_once(request, user=target)
