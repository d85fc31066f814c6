"""The page frame every app's project pages render in: the project's navigation and the user's permissions."""

from __future__ import annotations

from django.http import HttpResponse
from django.shortcuts import render

from projects.context_processors import project_permissions_for
from projects.models import Project


def render_project(
    request, template: str, project: Project, *, active: str, status: int = 200, **context
) -> HttpResponse:
    """Renders a page of `project` with its navigation and the user's permissions (`project_perms`)."""
    context.update(project=project, active=active, project_perms=project_permissions_for(request.user, project))
    return render(request, template, context, status=status)


def form_data(request, *, files: bool = False) -> tuple:
    """A form's data: the POST (even an empty one) on POST, nothing (an unbound form) on GET."""
    if request.method != "POST":
        return (None, None) if files else (None,)
    return (request.POST, request.FILES) if files else (request.POST,)
