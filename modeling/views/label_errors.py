"""The label-errors page: start a check (cross-validation over the labeled Train documents), follow it, and work
through the likely errors it found, most likely first (apply the model's version or dismiss, over the UI JSON API)."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.views.decorators.http import require_GET

from modeling import selectors
from modeling.models import LabelIssueStatus, LoopKind
from modeling.services.loop.jobs import TITLES
from modeling.services.loop.label_errors import MAX_FOLDS, MIN_FOLDS, label_errors_plan
from modeling.views.presenters.label_errors import KIND_TITLES, issue_row, plan_text
from projects import selectors as project_selectors
from projects.views import render_project

ISSUES_PER_PAGE = 20
SHOWN = {"open": LabelIssueStatus.OPEN, "dismissed": LabelIssueStatus.DISMISSED, "applied": LabelIssueStatus.APPLIED}


@login_required
@require_GET
def label_errors(request, project_name: str):
    project = project_selectors.project_get(user=request.user, name=project_name)
    plan = label_errors_plan(project=project)
    latest = selectors.loop_job_latest(project=project, kind=LoopKind.LABEL_ERRORS)
    checked = selectors.loop_job_latest_succeeded(project=project, kind=LoopKind.LABEL_ERRORS)
    shown = request.GET.get("show", "open")
    shown = shown if shown in SHOWN or shown == "all" else "open"
    page = None
    if checked is not None:
        issues = selectors.label_issue_list(job=checked, status=SHOWN.get(shown))
        page = Paginator(issues, ISSUES_PER_PAGE).get_page(request.GET.get("page"))
        colors = dict(project.entity_types.values_list("name", "color"))
        page.object_list = [issue_row(issue, colors) for issue in page.object_list]
    plans = {
        folds: plan_text(plan.documents, folds, plan.one_training.total_seconds, seconds)
        for folds, seconds in plan.fold_seconds.items()
    } if plan.one_training is not None else {}  # fmt: skip
    return render_project(
        request,
        "modeling/label_errors.html",
        project,
        active="label-errors",
        plan=plan,
        plan_texts=plans,
        plan_text=plans.get(plan.default_folds, ""),
        fold_choices=list(plan.fold_seconds) or list(range(MIN_FOLDS, MAX_FOLDS + 1)),
        latest_job=latest,
        loop_title=TITLES[LoopKind.LABEL_ERRORS],
        checked=checked,
        page=page,
        shown=shown,
        kind_titles=KIND_TITLES,
    )
