"""The account page: the user's own password and API keys; and the one-time set-password link."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth import views as auth_views
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.shortcuts import redirect, render
from django.urls import reverse, reverse_lazy
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_http_methods, require_POST

from accounts import selectors
from accounts.forms import ApiKeyForm, attach_error
from accounts.views.shown_once import redirect_showing_once, take_shown_once
from projects import selectors as project_selectors
from projects.services.api_keys import api_key_create, api_key_revoke
from projects.views import form_data
from studio.exceptions import ApplicationError

KEYS_PER_PAGE = 50


@never_cache  # the page that shows a new key once is never kept
@login_required
@require_http_methods(["GET", "POST"])
def account(request):
    projects = project_selectors.project_list(user=request.user)
    form = ApiKeyForm(*form_data(request), projects=projects)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            raw = api_key_create(user=request.user, name=data["name"], projects=data["projects"], role=data["role"])
        except ApplicationError as error:
            attach_error(form, error)
        else:
            return redirect_showing_once(request, page=reverse("account"), new_key=raw)
    shown = take_shown_once(request, page=reverse("account")) or {}
    page = Paginator(selectors.api_key_list(user=request.user), KEYS_PER_PAGE).get_page(request.GET.get("page"))
    context = {"form": form, "keys": page, "page": page, "new_key": shown.get("new_key")}
    return render(request, "accounts/account.html", context, status=400 if form.errors else 200)


@login_required
@require_POST
def api_key_revoke_own(request, key_id: int):
    key = selectors.api_key_get(keys=selectors.api_key_list(user=request.user), key_id=key_id)
    api_key_revoke(key=key)
    messages.success(request, f"Key '{key.name}' revoked; it no longer works.")
    return redirect("account")


class PasswordChangeView(auth_views.PasswordChangeView):
    """Django's password change (validators from settings), on the studio's page; the session stays signed in."""

    template_name = "accounts/password_change.html"
    success_url = reverse_lazy("account")

    def form_valid(self, form):
        messages.success(self.request, "Your password was changed.")
        return super().form_valid(form)


class PasswordSetView(auth_views.PasswordResetConfirmView):
    """Where a new or reset user chooses a password, from the one-time link an administrator passed on."""

    template_name = "accounts/password_set.html"
    success_url = reverse_lazy("login")

    def form_valid(self, form):
        messages.success(self.request, "Your password is set. Sign in with it.")
        return super().form_valid(form)
