"""A model's dashboard: overview, entity types, confusion matrix, test set details (one page per tab)."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import QueryDict
from django.views.decorators.http import require_GET

from modeling import config as configs
from modeling import selectors
from modeling.guidance import finds_almost_nothing, model_guidance
from modeling.models import LoopKind
from modeling.services import models as model_services
from modeling.services.loop.jobs import TITLES
from modeling.views import presenters
from modeling.views.presenters import learning_curve as curves
from projects import selectors as project_selectors
from projects.models import JobStatus
from projects.views import render_project

DOCUMENTS_PER_PAGE = 20


def _render_tab(request, project, model, tab: str, template: str, **context):
    return render_project(
        request,
        template,
        project,
        active="models",
        model=model,
        tab=tab,
        has_evaluation=bool(model.evaluation),
        weak=finds_almost_nothing(model.evaluation),
        **context,
    )


def _colors(project) -> dict[str, str]:
    return dict(project.entity_types.values_list("name", "color"))


@login_required
@require_GET
def model_overview(request, project_name: str, label: str):
    project = project_selectors.project_get(user=request.user, name=project_name)
    model = selectors.trained_model_get(project=project, label=label)
    guidance = model_guidance(model.evaluation, model.label_counts)
    rows = presenters.entity_rows(model.evaluation, model.label_counts, _colors(project))
    counts = model.label_counts or {}
    return _render_tab(
        request,
        project,
        model,
        "overview",
        "modeling/model_overview.html",
        micro=presenters.micro(model.evaluation),
        macro=presenters.macro(model.evaluation),
        duration=presenters.duration(model.training_seconds),
        config=configs.CONFIGS.get(model.training_config_version),
        head=presenters.head_text(model.config),
        evaluation_options=presenters.evaluation_options_text(model.evaluation_options),
        guidance=guidance,
        entity_rows=sorted(rows, key=lambda r: -r.metrics.f1),
        train_labels=sum((counts.get("train") or {}).values()),
        test_labels=sum((counts.get("test") or {}).values()),
    )


@login_required
@require_GET
def model_entities(request, project_name: str, label: str):
    project = project_selectors.project_get(user=request.user, name=project_name)
    model = selectors.trained_model_get(project=project, label=label)
    flagged: dict[str, list[str]] = {}
    for item in model_guidance(model.evaluation, model.label_counts):
        for category in item.categories:
            flagged.setdefault(category, []).append(item.title)
    rows = presenters.entity_rows(model.evaluation, model.label_counts, _colors(project), flagged)
    return _render_tab(request, project, model, "entities", "modeling/model_entities.html", rows=rows)


@login_required
@require_GET
def model_confusion(request, project_name: str, label: str):
    project = project_selectors.project_get(user=request.user, name=project_name)
    model = selectors.trained_model_get(project=project, label=label)
    matrix = model.evaluation.get("confusionMatrix") or {}
    columns, rows = presenters.confusion_rows(matrix, _colors(project))
    return _render_tab(
        request, project, model, "confusion", "modeling/model_confusion.html", columns=columns, rows=rows
    )


@login_required
@require_GET
def model_test_set(request, project_name: str, label: str):
    project = project_selectors.project_get(user=request.user, name=project_name)
    model = selectors.trained_model_get(project=project, label=label, with_documents=True)
    texts, colors = model_services.snapshot_texts(model), _colors(project)
    documents = [presenters.compare_document(d, texts.get(d["location"]), colors) for d in model.evaluation_documents]
    mismatched = sum(d.mismatched for d in documents)
    mismatches_only = request.GET.get("mismatches") == "1"
    shown = [d for d in documents if d.mismatched] if mismatches_only else documents
    page = Paginator(shown, DOCUMENTS_PER_PAGE).get_page(request.GET.get("page"))
    ids = dict(project.documents.filter(location__in=[d.location for d in page]).values_list("location", "pk"))
    for document in page:
        document.document_id = ids.get(document.location)
    query = QueryDict(mutable=True)
    if mismatches_only:
        query["mismatches"] = "1"
    return _render_tab(
        request,
        project,
        model,
        "test-set",
        "modeling/model_test_set.html",
        page=page,
        total=len(documents),
        mismatched=mismatched,
        mismatches_only=mismatches_only,
        query=query.urlencode(),
    )


@login_required
@require_GET
def model_learning_curve(request, project_name: str, label: str):
    project = project_selectors.project_get(user=request.user, name=project_name)
    model = selectors.trained_model_get(project=project, label=label)
    jobs = selectors.model_loop_jobs(model=model, kind=LoopKind.LEARNING_CURVE)
    done = jobs.filter(status=JobStatus.SUCCEEDED).first()
    result = done.result if done is not None and done.result.get("modelId") == model.model_id else None
    return _render_tab(
        request,
        project,
        model,
        "learning-curve",
        "modeling/model_learning_curve.html",
        latest_job=jobs.first(),
        loop_title=TITLES[LoopKind.LEARNING_CURVE],
        plan=curves.plan_text(model),
        curve=result,
        chart=curves.chart(result) if result else None,
        verdict=curves.verdict(result) if result else "",
        curve_job=done,
    )
