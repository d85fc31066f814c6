"""Deployments page: the project's deployments, deploy / swap / delete (owners, each confirmed before it changes a
name's model), the "Test deployment" panel (any member; it predicts with the runtime service the API uses and
shows the API's answer) and how to call a deployment from code."""

from __future__ import annotations

import json
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import JsonResponse
from django.shortcuts import redirect
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from modeling import forms, selectors
from modeling.apis.runtime import responses as runtime_responses
from modeling.guidance import finds_almost_nothing
from modeling.services import deployments as deployment_services
from modeling.services import runtime
from modeling.views import presenters
from projects import selectors as project_selectors
from projects.permissions import Action
from projects.views import form_data, render_project
from studio import limits
from studio.exceptions import ApplicationError

API_VERSION = "2023-04-01"
CONFIRMED = "yes"
TEST_DOCUMENT_ID = "1"
# The panel shows offsets in code points, as a client asking for UnicodeCodePoint gets them.
TEST_INDEX_TYPE = "UnicodeCodePoint"


def _test_result(
    project, deployment, document: runtime.RuntimeDocument, entities: list[runtime.Entity]
) -> dict[str, Any]:
    """What the Result tab shows, and the JSON tab: what `POST /language/:analyze-text` answers for this text."""
    colors = dict(project.entity_types.values_list("name", "color"))
    rows = presenters.test_entity_rows(document.text, entities, colors)
    task = runtime.RuntimeTask("", project.name, deployment.name, TEST_INDEX_TYPE)
    analysis = runtime.Analysis(documents=[runtime.DocumentEntities(document.id, entities)], errors=[])
    answer = runtime_responses.analyze_text_results(task, [document], analysis)
    return {
        "deployment": deployment.name,
        "fragments": presenters.fragments(document.text, rows),
        "entities": rows,
        "json": json.dumps(answer, indent=2, ensure_ascii=False),
    }


def _deployments(project):
    return selectors.deployment_list(project=project)


def _load_state(deployment) -> dict[str, str]:
    """The deployment's model in this server process, as the list's badge and the test panel's note say it."""
    state = deployment_services.deployment_load_state(deployment)
    model = deployment.trained_model.label
    return {
        "state": state,
        "badge": presenters.LOAD_BADGES[state],
        "notice": presenters.LOAD_NOTICES[state].format(model=model),
    }


def _render_page(request, project, *, status: int = 200, deploy: dict | None = None, test_form=None, **context):
    """The deployments page; `deploy` refills the deploy form, `test_form` and `result` fill the test panel."""
    deploy = deploy or {}
    deployments = list(_deployments(project))
    names = [d.name for d in deployments]
    models = list(selectors.trained_model_list(project=project))
    if test_form is None:
        chosen = request.GET.get("deployment")
        test_form = forms.DeploymentTestForm(
            deployments=names, initial={"deployment": chosen if chosen in names else None, "language": project.language}
        )
    chosen = test_form["deployment"].value() or (names[0] if names else "")
    labels = [m.label for m in models]
    rows = [
        {
            "deployment": d,
            "model": d.trained_model,
            "micro": presenters.micro(d.trained_model.evaluation),
            "weak": finds_almost_nothing(d.trained_model.evaluation),
            "load": _load_state(d),
        }
        for d in deployments
    ]
    load_states = {row["deployment"].name: row["load"] for row in rows}
    return render_project(
        request,
        "modeling/deployment_list.html",
        project,
        active="deployments",
        status=status,
        rows=rows,
        models=[
            {"model": m, "micro": presenters.micro(m.evaluation), "weak": finds_almost_nothing(m.evaluation)}
            for m in models
        ],
        deploy=deploy,
        selected_model=deploy.get("model") if deploy.get("model") in labels else next(iter(labels), ""),
        load_states=load_states,
        test_load=load_states.get(chosen, {}),
        deployed_models={d.name: presenters.served_model_name(d.trained_model) for d in deployments},
        deployments_max=limits.DEPLOYMENTS_MAX,
        at_limit=len(deployments) >= limits.DEPLOYMENTS_MAX,
        test_form=test_form,
        snippet_deployment=chosen or "<deployment-name>",
        endpoint=request.build_absolute_uri("/").rstrip("/"),
        api_version=API_VERSION,
        max_characters=limits.RUNTIME_CHARACTERS_MAX,
        max_characters_text=f"{limits.RUNTIME_CHARACTERS_MAX:,}",
        **context,
    )


@login_required
@require_GET
def deployment_list(request, project_name: str):
    project = project_selectors.project_get(user=request.user, name=project_name)
    return _render_page(request, project)


@login_required
@require_GET
def deployment_status(request, project_name: str):
    """Whether each deployment's model is loaded in the server process that answers, for the page to poll."""
    project = project_selectors.project_get(user=request.user, name=project_name)
    return JsonResponse(
        {
            "deployments": [
                {"name": d.name, "model": d.trained_model.label, **_load_state(d)} for d in _deployments(project)
            ]
        }
    )


@login_required
@require_POST
def deployment_deploy(request, project_name: str):
    """Deploys a model under a name; a name that already serves a model is only reassigned once confirmed."""
    project = project_selectors.project_get(user=request.user, name=project_name, action=Action.MANAGE)
    name, label = request.POST.get("name", "").strip(), request.POST.get("model", "")
    current = _deployments(project).filter(name=name).first()
    if current is not None and request.POST.get("confirmed") != CONFIRMED:
        model = selectors.trained_model_list(project=project).filter(label=label).first()
        if model is not None:  # an unknown model falls through to the service, which says so
            return render_project(
                request,
                "modeling/deployment_confirm.html",
                project,
                active="deployments",
                kind="deploy",
                current=current,
                model=model,
                micro=presenters.micro(model.evaluation),
                weak=finds_almost_nothing(model.evaluation),
            )
    try:
        deployment_services.deployment_deploy(user=request.user, project=project, name=name, model_label=label)
    except ApplicationError as error:
        messages.error(request, error.message)
        return _render_page(request, project, status=error.status, deploy={"name": name, "model": label})
    if current is None:
        messages.success(request, f"Model '{label}' is deployed as '{name}'.")
    else:
        messages.success(
            request, f"Deployment '{name}' now serves model '{label}' (it served '{current.trained_model.label}')."
        )
    return redirect("deployment-list", project_name=project.name)


@login_required
@require_POST
def deployment_swap(request, project_name: str):
    project = project_selectors.project_get(user=request.user, name=project_name, action=Action.MANAGE)
    first, second = request.POST.get("first", ""), request.POST.get("second", "")
    if request.POST.get("confirmed") != CONFIRMED:
        pair = {d.name: d for d in _deployments(project).filter(name__in=[first, second])}
        if first != second and len(pair) == 2:  # otherwise the service explains what is wrong
            return render_project(
                request,
                "modeling/deployment_confirm.html",
                project,
                active="deployments",
                kind="swap",
                first=pair[first],
                second=pair[second],
            )
    try:
        deployment_services.deployments_swap(user=request.user, project=project, first=first, second=second)
    except ApplicationError as error:
        messages.error(request, error.message)
        return _render_page(request, project, status=error.status)
    messages.success(request, f"Swapped the models of '{first}' and '{second}'.")
    return redirect("deployment-list", project_name=project.name)


@login_required
@require_http_methods(["GET", "POST"])
def deployment_delete(request, project_name: str, deployment_name: str):
    project = project_selectors.project_get(user=request.user, name=project_name, action=Action.MANAGE)
    if request.method == "GET":
        current = selectors.deployment_get(project=project, name=deployment_name)
        return render_project(
            request, "modeling/deployment_confirm.html", project, active="deployments", kind="delete", current=current
        )
    deployment_services.deployment_delete(user=request.user, project=project, name=deployment_name)
    messages.success(request, f"Deployment '{deployment_name}' was deleted; its model is still in Models.")
    return redirect("deployment-list", project_name=project.name)


@login_required
@require_POST
def deployment_test(request, project_name: str):
    """Predicts the chosen deployment's entities in one text, with the service the runtime API uses."""
    project = project_selectors.project_get(user=request.user, name=project_name)
    names = list(project.deployments.values_list("name", flat=True))
    form = forms.DeploymentTestForm(*form_data(request, files=True), deployments=names)
    if not form.is_valid():
        return _render_page(request, project, status=400, test_form=form)
    text = form.cleaned_data["document"]
    document = runtime.RuntimeDocument(TEST_DOCUMENT_ID, text, form.cleaned_data["language"] or project.language)
    try:
        deployment = selectors.deployment_get(project=project, name=form.cleaned_data["deployment"])
        entities = runtime.deployment_predict(deployment=deployment, texts=[text])[0]
    except ApplicationError as error:
        messages.error(request, error.message)
        return _render_page(request, project, status=error.status, test_form=form)
    # The text box shows the text that ran (an uploaded file's, too), ready to edit and run again.
    form = forms.DeploymentTestForm(deployments=names, initial={**form.cleaned_data, "text": text, "file": None})
    return _render_page(request, project, test_form=form, result=_test_result(project, deployment, document, entities))
