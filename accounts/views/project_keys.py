"""A project's API keys: its owners create keys scoped to it, list every key scoped to it, and take keys out of it."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.shortcuts import redirect
from django.urls import reverse
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_http_methods, require_POST

from accounts import selectors
from accounts.forms import ApiKeyForm, attach_error
from accounts.views.shown_once import redirect_showing_once, take_shown_once
from projects import selectors as project_selectors
from projects.permissions import Action
from projects.services.api_keys import api_key_create, api_key_project_remove
from projects.views import form_data, render_project
from studio.exceptions import ApplicationError

KEYS_PER_PAGE = 50


@never_cache  # the page that shows a new key once is never kept
@login_required
@require_http_methods(["GET", "POST"])
def project_api_keys(request, project_name: str):
    project = project_selectors.project_get(user=request.user, name=project_name, action=Action.MANAGE)
    form = ApiKeyForm(*form_data(request))
    here = reverse("project-api-keys", kwargs={"project_name": project.name})
    if request.method == "POST" and form.is_valid():
        try:
            raw = api_key_create(user=request.user, projects=[project], **form.cleaned_data)
        except ApplicationError as error:
            attach_error(form, error)
        else:
            return redirect_showing_once(request, page=here, new_key=raw)
    shown = take_shown_once(request, page=here) or {}
    keys = selectors.api_key_list_for_project(project=project, user=request.user)
    page = Paginator(keys, KEYS_PER_PAGE).get_page(request.GET.get("page"))
    return render_project(
        request,
        "accounts/project_api_keys.html",
        project,
        active="members",
        status=400 if form.errors else 200,
        form=form,
        new_key=shown.get("new_key"),
        keys=page,
        page=page,
    )


@login_required
@require_POST
def project_api_key_revoke(request, project_name: str, key_id: int):
    """Takes the key out of this project only: its other projects are not this project's owners' to manage."""
    project = project_selectors.project_get(user=request.user, name=project_name, action=Action.MANAGE)
    keys = selectors.api_key_list_for_project(project=project, user=request.user)
    key = selectors.api_key_get(keys=keys, key_id=key_id)
    key = api_key_project_remove(key=key, project=project)
    if key.revoked_at is not None:
        messages.success(request, f"Key '{key.name}' revoked; it no longer works.")
    else:
        messages.success(
            request, f"Key '{key.name}' no longer reaches {project.name}; it still works in its other projects."
        )
    return redirect("project-api-keys", project_name=project.name)
