"""Models list, delete and load-snapshot (each confirmed on its own page before the POST)."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.shortcuts import redirect
from django.views.decorators.http import require_GET, require_http_methods

from modeling import config as configs
from modeling import selectors
from modeling.guidance import finds_almost_nothing
from modeling.services import models as model_services
from modeling.views import presenters
from projects import selectors as project_selectors
from projects.models import ACTIVE_STATUSES
from projects.permissions import Action
from projects.views import render_project
from studio import limits
from studio.exceptions import ApplicationError


@login_required
@require_GET
def model_list(request, project_name: str):
    project = project_selectors.project_get(user=request.user, name=project_name)
    models = list(selectors.trained_model_list(project=project))
    active_job = selectors.training_job_list(project=project).filter(status__in=ACTIVE_STATUSES).first()
    rows = [
        {
            "model": model,
            "micro": presenters.micro(model.evaluation),
            "weak": finds_almost_nothing(model.evaluation),
            "duration": presenters.duration(model.training_seconds),
            "config": configs.CONFIGS.get(model.training_config_version),
        }
        for model in models
    ]
    return render_project(
        request,
        "modeling/model_list.html",
        project,
        active="models",
        rows=rows,
        active_job=active_job,
        models_max=limits.MODELS_MAX,
    )


@login_required
@require_http_methods(["GET", "POST"])
def model_delete(request, project_name: str, label: str):
    project = project_selectors.project_get(user=request.user, name=project_name, action=Action.MANAGE)
    model = selectors.trained_model_get(project=project, label=label)
    if request.method == "GET":
        return render_project(request, "modeling/model_delete.html", project, active="models", model=model)
    model_services.trained_model_delete(model=model)
    messages.success(request, f"Model '{label}' was deleted.")
    return redirect("model-list", project_name=project.name)


@login_required
@require_http_methods(["GET", "POST"])
def model_load_snapshot(request, project_name: str, label: str):
    project = project_selectors.project_get(user=request.user, name=project_name, action=Action.MANAGE)
    model = selectors.trained_model_get(project=project, label=label)
    if request.method == "GET":
        return render_project(
            request,
            "modeling/model_load_snapshot.html",
            project,
            active="models",
            model=model,
            snapshot_documents=len(model_services.snapshot_texts(model)),
            current_documents=project.documents.count(),
        )
    try:
        model_services.trained_model_load_snapshot(user=request.user, model=model)
    except ApplicationError as error:
        messages.error(request, error.message)
        return redirect("model-list", project_name=project.name)
    messages.success(request, f"The project's data was replaced by the data model '{label}' was trained on.")
    return redirect("project-overview", project_name=project.name)
