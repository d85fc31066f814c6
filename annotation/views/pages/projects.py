"""Project pages: list, create, sample, overview, settings, deletion and members."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.shortcuts import redirect, render
from django.views.decorators.http import require_http_methods, require_POST

from annotation import selectors, selectors_team
from annotation.forms import MemberForm, ProjectCreateForm, ProjectDeleteForm, ProjectSettingsForm, attach_error
from annotation.services import assignments as assignment_services
from annotation.services.sample import sample_project_create
from projects import selectors as project_selectors
from projects.models import Role
from projects.permissions import Action, require_project_create
from projects.services import projects as project_services
from projects.views import form_data, render_project
from studio.exceptions import ApplicationError, NotFound


@login_required
def project_list(request):
    projects = list(selectors.project_list_for_user(user=request.user))
    return render(request, "annotation/project_list.html", {"projects": projects})


@login_required
@require_http_methods(["GET", "POST"])
def project_create(request):
    require_project_create(request.user)
    form = ProjectCreateForm(*form_data(request))
    if request.method == "POST" and form.is_valid():
        try:
            project = project_services.project_create(user=request.user, **form.cleaned_data)
        except ApplicationError as error:
            # project_create's errors (name limits, a taken name, reserved names) are all about the name.
            attach_error(form, _on_field(error, "name"))
        else:
            messages.success(request, f"Project '{project.name}' created. Next: add entity types to its schema.")
            return redirect("project-schema", project_name=project.name)
    status = 400 if form.errors else 200
    return render(request, "annotation/project_create.html", {"form": form}, status=status)


@login_required
@require_POST
def sample_load(request):
    require_project_create(request.user)
    project = sample_project_create(user=request.user)
    messages.success(
        request,
        f"Sample project '{project.name}' is ready: {project.documents.count()} loan agreements, labeled and split. "
        "Open a practice document to try labeling.",
    )
    return redirect("project-overview", project_name=project.name)


@login_required
def project_overview(request, project_name: str):
    project = project_selectors.project_get(user=request.user, name=project_name)
    return render_project(
        request,
        "annotation/project_overview.html",
        project,
        active="overview",
        distribution=selectors.dataset_distribution(project=project),
        activities=project_selectors.activity_list(project=project, limit=12),
        progress=selectors_team.annotator_progress(project=project),
    )


@login_required
@require_http_methods(["GET", "POST"])
def project_settings(request, project_name: str):
    action = Action.MANAGE if request.method == "POST" else Action.VIEW
    project = project_selectors.project_get(user=request.user, name=project_name, action=action)
    form = ProjectSettingsForm(*form_data(request), initial=_settings_initial(project))
    if request.method == "POST" and form.is_valid():
        try:
            project_services.project_update(project=project, user=request.user, **form.cleaned_data)
        except ApplicationError as error:
            attach_error(form, error)
        else:
            messages.success(request, "Settings saved.")
            return redirect("project-settings", project_name=project.name)
    return _settings_page(request, project, form=form, delete_form=ProjectDeleteForm(project_name=project.name))


def _settings_initial(project) -> dict:
    return {"language": project.language, "multilingual": project.multilingual, "description": project.description}


def _settings_page(request, project, *, form, delete_form, status: int | None = None):
    if status is None:
        status = 400 if form.errors or delete_form.errors else 200
    return render_project(
        request,
        "annotation/project_settings.html",
        project,
        active="settings",
        status=status,
        form=form,
        delete_form=delete_form,
        counts=selectors.dataset_distribution(project=project),
    )


@login_required
@require_POST
def project_delete(request, project_name: str):
    project = project_selectors.project_get(user=request.user, name=project_name, action=Action.MANAGE)
    delete_form = ProjectDeleteForm(request.POST, project_name=project.name)
    if not delete_form.is_valid():
        form = ProjectSettingsForm(initial=_settings_initial(project))
        return _settings_page(request, project, form=form, delete_form=delete_form)
    project_services.project_delete(project=project)
    messages.success(
        request, f"Project '{project_name}' and all its documents, labels, models and deployments were deleted."
    )
    return redirect("project-list")


@login_required
@require_http_methods(["GET", "POST"])
def project_members(request, project_name: str):
    action = Action.MANAGE if request.method == "POST" else Action.VIEW
    project = project_selectors.project_get(user=request.user, name=project_name, action=action)
    form = MemberForm(*form_data(request))
    if request.method == "POST" and form.is_valid():
        try:
            membership, unassigned = assignment_services.member_role_set(
                project=project, user=request.user, **form.cleaned_data
            )
        except ApplicationError as error:
            attach_error(form, _on_field(error, "username") if isinstance(error, NotFound) else error)
        else:
            role = Role(membership.role).label.lower()
            message = f"{membership.user.username} is now {role}."
            if unassigned:
                message += f" The {_documents(unassigned)} assigned to them went back: a {role} does not label."
            messages.success(request, message)
            return redirect("project-members", project_name=project.name)
    return render_project(
        request,
        "annotation/project_members.html",
        project,
        active="members",
        status=400 if form.errors else 200,
        form=form,
        memberships=project_selectors.membership_list(project=project),
        roles=Role.choices,
    )


def _documents(count: int) -> str:
    return f"{count} document{'s' if count != 1 else ''}"


def _on_field(error: ApplicationError, field: str) -> ApplicationError:
    if not error.target:
        error.target = field
    return error


@login_required
@require_POST
def member_remove(request, project_name: str, membership_id: int):
    project = project_selectors.project_get(user=request.user, name=project_name, action=Action.MANAGE)
    try:
        membership, unassigned = assignment_services.member_remove(
            project=project, user=request.user, membership_id=membership_id
        )
    except ApplicationError as error:
        if error.status == 404:
            raise
        messages.error(request, error.message)
    else:
        taken = f"; the {_documents(unassigned)} assigned to them went back" if unassigned else ""
        messages.success(request, f"{membership.user.username} removed{taken}.")
        if not project_selectors.project_list(user=request.user).filter(pk=project.pk).exists():
            return redirect("project-list")  # the owner removed themselves
    return redirect("project-members", project_name=project.name)
