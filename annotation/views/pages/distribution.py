"""Distribution page: labels and labeled documents per entity type in Train and Test, and the automatic split
(previewed with GET, applied with POST)."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import QueryDict
from django.shortcuts import redirect
from django.urls import reverse
from django.views.decorators.http import require_POST

from annotation import selectors
from annotation.forms import SplitForm, attach_error
from annotation.services import splits
from annotation.splits import DEFAULT_SEED
from projects import selectors as project_selectors
from projects.permissions import Action, can
from projects.views import render_project
from studio import limits
from studio.exceptions import ApplicationError, Conflict


@login_required
def project_distribution(request, project_name: str):
    project = project_selectors.project_get(user=request.user, name=project_name)
    previewing = "test_percent" in request.GET and can(request.user, project, Action.ASSIGN_DATASET)
    form = SplitForm(request.GET if previewing else None)
    preview = None
    if previewing and form.is_valid():
        try:
            preview = splits.split_preview(project=project, **_split_arguments(form))
        except ApplicationError as error:
            attach_error(form, error)
    distribution = selectors.dataset_distribution(project=project)
    return render_project(
        request,
        "annotation/project_distribution.html",
        project,
        active="distribution",
        status=400 if form.errors else 200,
        distribution=distribution,
        form=form,
        preview=preview,
        training_minimum=limits.TRAINING_DOCUMENTS_MIN,
        training_seed=DEFAULT_SEED,
    )


def _split_arguments(form: SplitForm) -> dict:
    data = form.cleaned_data
    return {
        "test_percent": data["test_percent"],
        "seed": data["seed"],
        "scope": data["scope"],
        "stratify": data["stratify"],
    }


@login_required
@require_POST
def project_split(request, project_name: str):
    project = project_selectors.project_get(user=request.user, name=project_name, action=Action.ASSIGN_DATASET)
    form = SplitForm(request.POST)
    if not form.is_valid():
        messages.error(request, "The split settings are not valid; check them and preview again.")
        return redirect("project-distribution", project_name=project.name)
    try:
        preview = splits.documents_split(
            project=project, user=request.user, fingerprint=form.cleaned_data["fingerprint"], **_split_arguments(form)
        )
    except Conflict as error:
        messages.error(request, error.message)
        query = QueryDict(mutable=True)
        query.update({key: request.POST.get(key, "") for key in ("test_percent", "seed", "scope")})
        if form.cleaned_data["stratify"]:
            query["stratify"] = "on"
        return redirect(f"{reverse('project-distribution', args=[project.name])}?{query.urlencode()}#split")
    test = sum(1 for dataset in preview.assignments.values() if dataset == "Test")
    messages.success(
        request,
        f"Split {len(preview.assignments)} documents: {len(preview.assignments) - test} to Train, {test} to Test.",
    )
    return redirect("project-distribution", project_name=project.name)
