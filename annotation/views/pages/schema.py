"""Schema page: the project's entity types, with add, rename, recolour, shortcut and delete."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.shortcuts import redirect
from django.views.decorators.http import require_http_methods, require_POST

from annotation import selectors
from annotation.forms import EntityTypeDeleteForm, EntityTypeForm, attach_error
from annotation.services import entity_types as entity_type_services
from projects import selectors as project_selectors
from projects.permissions import Action
from projects.views import form_data, render_project
from studio.exceptions import ApplicationError


def _schema_page(request, project, *, form, status: int = 200, edit: dict | None = None):
    return render_project(
        request,
        "annotation/project_schema.html",
        project,
        active="schema",
        status=status,
        form=form,
        entity_types=selectors.entity_type_list(project=project),
        edit=edit or {},
        reserved_keys=sorted({k.lower() for k in entity_type_services.RESERVED_KEYS if k.strip()}),
        next_color=entity_type_services.next_color(project.entity_types.count()),
    )


@login_required
@require_http_methods(["GET", "POST"])
def project_schema(request, project_name: str):
    action = Action.MANAGE if request.method == "POST" else Action.VIEW
    project = project_selectors.project_get(user=request.user, name=project_name, action=action)
    form = EntityTypeForm(*form_data(request))
    if request.method == "POST" and form.is_valid():
        try:
            entity_type = entity_type_services.entity_type_create(
                project=project, user=request.user, **form.cleaned_data
            )
        except ApplicationError as error:
            attach_error(form, error)
        else:
            messages.success(request, f"Entity type '{entity_type.name}' added.")
            return redirect("project-schema", project_name=project.name)
    return _schema_page(request, project, form=form, status=400 if form.errors else 200)


@login_required
@require_POST
def entity_type_update(request, project_name: str, entity_type_id: int):
    project = project_selectors.project_get(user=request.user, name=project_name, action=Action.MANAGE)
    entity_type = selectors.entity_type_get(project=project, entity_type_id=entity_type_id)
    form = EntityTypeForm(request.POST)
    if form.is_valid():
        data = form.cleaned_data
        try:
            entity_type_services.entity_type_update(
                entity_type=entity_type,
                user=request.user,
                name=data["name"],
                color=data["color"] or entity_type.color,
                shortcut=data["shortcut"],
            )
        except ApplicationError as error:
            attach_error(form, error)
        else:
            messages.success(request, f"Entity type '{data['name']}' saved.")
            return redirect("project-schema", project_name=project.name)
    edit = {"id": entity_type.pk, "form": form, "errors": [e for errors in form.errors.values() for e in errors]}
    return _schema_page(request, project, form=EntityTypeForm(), status=400, edit=edit)


@login_required
@require_http_methods(["GET", "POST"])
def entity_type_delete(request, project_name: str, entity_type_id: int):
    project = project_selectors.project_get(user=request.user, name=project_name, action=Action.MANAGE)
    entity_type = selectors.entity_type_get(project=project, entity_type_id=entity_type_id)
    form = EntityTypeDeleteForm(*form_data(request))
    if request.method == "POST" and form.is_valid():
        name = entity_type.name
        count = entity_type_services.entity_type_delete(entity_type=entity_type, user=request.user)
        messages.success(request, f"Entity type '{name}' deleted with its {count} label{'s' if count != 1 else ''}.")
        return redirect("project-schema", project_name=project.name)
    labels, documents = selectors.entity_type_usage(entity_type=entity_type)
    return render_project(
        request,
        "annotation/entity_type_delete.html",
        project,
        active="schema",
        status=400 if form.errors else 200,
        entity_type=entity_type,
        form=form,
        labels=labels,
        documents=documents,
    )
