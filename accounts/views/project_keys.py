"""A project's API keys: its owners create keys scoped to it, list every key scoped to it, and revoke them."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.shortcuts import redirect
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_http_methods, require_POST

from accounts import selectors
from accounts.forms import ApiKeyForm, attach_error
from projects import selectors as project_selectors
from projects.permissions import Action
from projects.services.api_keys import api_key_create, api_key_revoke
from projects.views import form_data, render_project
from studio.exceptions import ApplicationError


@never_cache
@login_required
@require_http_methods(["GET", "POST"])
def project_api_keys(request, project_name: str):
    project = project_selectors.project_get(user=request.user, name=project_name, action=Action.MANAGE)
    form = ApiKeyForm(*form_data(request))
    new_key = None
    if request.method == "POST" and form.is_valid():
        try:
            new_key = api_key_create(user=request.user, projects=[project], **form.cleaned_data)
        except ApplicationError as error:
            attach_error(form, error)
        else:
            form = ApiKeyForm()
    return render_project(
        request,
        "accounts/project_api_keys.html",
        project,
        active="members",
        status=400 if form.errors else 201 if new_key else 200,
        form=form,
        new_key=new_key,
        keys=selectors.api_key_list_for_project(project=project),
    )


@login_required
@require_POST
def project_api_key_revoke(request, project_name: str, key_id: int):
    project = project_selectors.project_get(user=request.user, name=project_name, action=Action.MANAGE)
    key = selectors.api_key_get(keys=selectors.api_key_list_for_project(project=project), key_id=key_id)
    api_key_revoke(key=key)
    messages.success(request, f"Key '{key.name}' revoked; it no longer works.")
    return redirect("project-api-keys", project_name=project.name)
