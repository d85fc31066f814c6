"""The Users page: studio administrators (superusers) create users, grant project creation, reset passwords."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.shortcuts import redirect, render
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_http_methods, require_POST

from accounts import selectors
from accounts.forms import UserAccessForm, UserCreateForm, attach_error
from accounts.services import users as user_services
from projects.permissions import is_studio_admin
from projects.views import form_data
from studio.exceptions import ApplicationError, PermissionDenied


def _require_admin(user) -> None:
    if not is_studio_admin(user):
        raise PermissionDenied("Only studio administrators can manage users.", innererror_code="Forbidden")


def _page(request, *, form, link=None, link_user=None, status=None):
    if status is None:
        status = 400 if form.errors else 200
    context = {"form": form, "users": selectors.user_list(), "link": link, "link_user": link_user}
    return render(request, "accounts/users.html", context, status=status)


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
            link = request.build_absolute_uri(user_services.password_set_path(user=created))
            return _page(request, form=UserCreateForm(), link=link, link_user=created, status=201)
    return _page(request, form=form)


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


@never_cache
@login_required
@require_POST
def user_password_reset(request, user_id: int):
    _require_admin(request.user)
    target = selectors.user_get(user_id=user_id)
    user_services.user_password_reset(user=target)
    link = request.build_absolute_uri(user_services.password_set_path(user=target))
    return _page(request, form=UserCreateForm(), link=link, link_user=target)
