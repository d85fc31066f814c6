"""Team workflow pages (issue 16): a document's label history, adjudication of independent labels, the project's
agreement report, and the "training needs review" setting."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.shortcuts import redirect
from django.utils.http import urlencode
from django.views.decorators.http import require_POST

from annotation import selectors, selectors_team
from annotation.apis.ui import entity_types_json
from annotation.services.reviews import project_set_require_review
from projects import selectors as project_selectors
from projects.permissions import Action
from projects.views import render_project

HISTORY_PAGE_SIZE = 100


@login_required
def document_history(request, project_name: str, document_id: int):
    project = project_selectors.project_get(user=request.user, name=project_name)
    document = selectors.document_get(project=project, document_id=document_id)
    username = request.GET.get("user", "")
    changes = selectors_team.label_change_list(document=document, user=request.user, username=username)
    page = Paginator(changes, HISTORY_PAGE_SIZE).get_page(request.GET.get("page"))
    return render_project(
        request,
        "annotation/document_history.html",
        project,
        active="documents",
        document=document,
        page=page,
        users=selectors_team.label_change_users(document=document, user=request.user),
        chosen_user=username,
        history_query=urlencode({"user": username}) if username else "",
    )


@login_required
def document_adjudicate(request, project_name: str, document_id: int):
    project = project_selectors.project_get(user=request.user, name=project_name, action=Action.REVIEW)
    document = selectors.document_get(project=project, document_id=document_id)
    adjudication = selectors_team.adjudication_get(document=document)
    types = list(project.entity_types.order_by("order", "id"))
    return render_project(
        request,
        "annotation/document_adjudicate.html",
        project,
        active="documents",
        document=document,
        adjudication=adjudication,
        entity_types=types,
        data={
            "api": f"/api/projects/{project.name}/documents/{document.pk}/adjudication",
            "entityTypes": entity_types_json(types),
            "labelsVersion": selectors.label_version(document=document),
        },
    )


@login_required
def project_agreement(request, project_name: str):
    project = project_selectors.project_get(user=request.user, name=project_name)
    agreement, documents = selectors_team.project_agreement(project=project)
    return render_project(
        request,
        "annotation/project_agreement.html",
        project,
        active="overview",
        agreement=agreement,
        documents=documents,
        progress=selectors_team.annotator_progress(project=project),
    )


@login_required
@require_POST
def project_review_setting(request, project_name: str):
    project = project_selectors.project_get(user=request.user, name=project_name, action=Action.MANAGE)
    required = request.POST.get("require_review") == "on"
    project_set_require_review(project=project, user=request.user, required=required)
    messages.success(
        request,
        "Training now uses only reviewed documents." if required else "Training uses all labeled documents again.",
    )
    return redirect("project-settings", project_name=project.name)
