"""Consistency page: strings labeled as a type somewhere but unlabeled, or labeled with another type, elsewhere;
"label all occurrences" previewed (GET), applied (POST) and undone (POST) as one step."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import QueryDict
from django.shortcuts import redirect
from django.urls import reverse
from django.views.decorators.http import require_POST

from annotation import selectors
from annotation.forms import ConsistencyForm, LabelAllForm
from annotation.services import consistency
from projects import selectors as project_selectors
from projects.permissions import Action
from projects.views import render_project
from studio.exceptions import ApplicationError, Conflict

FINDINGS_PER_PAGE = 25


def _label_all_query(surface: str, entity_type_id: int, ignore_case: bool) -> str:
    query = QueryDict(mutable=True)
    query.update({"surface": surface, "type": str(entity_type_id)})
    if ignore_case:
        query["ignore_case"] = "on"
    return query.urlencode()


@login_required
def project_consistency(request, project_name: str):
    project = project_selectors.project_get(user=request.user, name=project_name)
    form = ConsistencyForm(request.GET or None)
    ignore_case = form.is_valid() and form.cleaned_data["ignore_case"]
    findings = selectors.consistency_findings(project=project, case_sensitive=not ignore_case)
    page = Paginator(findings, FINDINGS_PER_PAGE).get_page(request.GET.get("page"))
    types = {t.name: t for t in selectors.entity_type_list(project=project)}
    rows = [  # each finding with, per type labeling it: the count, the type and the query of its "label all"
        (
            finding,
            [
                (t, types[t.category], _label_all_query(finding.surface, types[t.category].pk, ignore_case))
                for t in finding.types
                if t.category in types
            ],
        )
        for finding in page.object_list
    ]
    return render_project(
        request,
        "annotation/project_consistency.html",
        project,
        active="consistency",
        form=form,
        ignore_case=ignore_case,
        findings_total=len(findings),
        page=page,
        rows=rows,
        query="ignore_case=on" if ignore_case else "",
        batches=selectors.label_batch_list(project=project),
    )


@login_required
def label_all_preview(request, project_name: str):
    project = project_selectors.project_get(user=request.user, name=project_name, action=Action.LABEL)
    entity_types = list(selectors.entity_type_list(project=project))
    form = LabelAllForm(request.GET, entity_types=entity_types)
    plan = entity_type = None
    if form.is_valid():
        entity_type = next(t for t in entity_types if t.pk == form.cleaned_data["type"])
        plan = selectors.label_all_preview(
            project=project,
            surface=form.cleaned_data["surface"],
            entity_type=entity_type,
            case_sensitive=not form.cleaned_data["ignore_case"],
            user=request.user,
        )
    return render_project(
        request,
        "annotation/label_all_preview.html",
        project,
        active="consistency",
        status=200 if plan else 400,
        form=form,
        plan=plan,
        entity_type=entity_type,
        back=reverse("project-consistency", args=[project.name])
        + ("?ignore_case=on" if form.cleaned_data.get("ignore_case") else ""),
    )


@login_required
@require_POST
def label_all_apply(request, project_name: str):
    project = project_selectors.project_get(user=request.user, name=project_name, action=Action.LABEL)
    form = LabelAllForm(request.POST, entity_types=selectors.entity_type_list(project=project))
    back = reverse("project-consistency", args=[project.name])
    if not form.is_valid():
        messages.error(request, "The labeling request is not valid; check the string and type and preview again.")
        return redirect(back)
    data = form.cleaned_data
    try:
        batch = consistency.label_batch_create(
            project=project,
            user=request.user,
            surface=data["surface"],
            entity_type_id=data["type"],
            case_sensitive=not data["ignore_case"],
            fingerprint=data["fingerprint"],
        )
    except Conflict as error:
        messages.error(request, error.message)
        preview = reverse("label-all-preview", args=[project.name])
        return redirect(f"{preview}?{_label_all_query(data['surface'], data['type'], data['ignore_case'])}")
    except ApplicationError as error:
        messages.error(request, error.message)
        return redirect(back)
    skipped = f" Skipped {batch.skipped_count} (see why below)." if batch.skipped_count else ""
    messages.success(
        request,
        f"Labeled {len(batch.labels)} occurrence{'s' if len(batch.labels) != 1 else ''} of '{batch.surface}' "
        f"as {batch.type_name}.{skipped}",
    )
    return redirect("label-batch", project_name=project.name, batch_id=batch.pk)


@login_required
def label_batch_detail(request, project_name: str, batch_id: int):
    project = project_selectors.project_get(user=request.user, name=project_name)
    batch = selectors.label_batch_get(project=project, batch_id=batch_id)
    return render_project(
        request,
        "annotation/label_batch.html",
        project,
        active="consistency",
        batch=batch,
        documents=selectors.label_batch_documents(batch=batch, user=request.user),
    )


@login_required
@require_POST
def label_batch_undo(request, project_name: str, batch_id: int):
    project = project_selectors.project_get(user=request.user, name=project_name, action=Action.LABEL)
    try:
        result = consistency.label_batch_undo(project=project, user=request.user, batch_id=batch_id)
    except Conflict as error:
        messages.error(request, error.message)
    else:
        messages.success(request, f"Undone. {result.message}")
    return redirect("project-consistency", project_name=project.name)
