"""What modeling adds to annotation's pages through `annotation.extensions` (annotation imports nothing of
modeling): on the documents list, each document's open suggestions (a column and a filter), the uncertainty order
(a column and a sort, which the labeling view's Prev/Next then follow) and the panel that starts pre-labeling and
uncertainty jobs (with the measure to score by); in the labeling view, the suggestion bar and its keys in the `?`
help. `ModelingConfig.ready` registers them."""

from __future__ import annotations

from typing import Any

from django.db.models import F, QuerySet

from annotation import extensions, selectors_team
from modeling import selectors
from modeling.apis.suggestions import suggestions_json
from modeling.models import LoopKind
from modeling.services.loop.jobs import TITLES
from modeling.services.loop.uncertainty import DEFAULT_MEASURE, MEASURE_TITLES, MEASURES
from projects.models import Project
from projects.permissions import Action, can

SUGGESTION_FILTER = "suggestions"
UNCERTAINTY_ORDER = "uncertainty"


def _suggestion_filter(documents: QuerySet, value: str) -> QuerySet:
    if value == "open":
        return documents.filter(selectors.has_open_suggestions())
    if value == "none":
        return documents.exclude(selectors.has_open_suggestions())
    return documents


def _uncertainty_order(documents: QuerySet) -> QuerySet:
    return documents.order_by(F("uncertainty__score").desc(nulls_last=True), "location")


def _with_uncertainty(documents: QuerySet) -> QuerySet:
    return documents.annotate(uncertainty_score=F("uncertainty__score"))


def _sources(project: Project) -> list[dict[str, str]]:
    """The models and deployments a user can pick to suggest with: `value` is `model:<label>` or
    `deployment:<name>`."""
    sources = [
        {"value": f"deployment:{d.name}", "label": f"Deployment {d.name} (model {d.trained_model.label})"}
        for d in selectors.deployment_list(project=project)
    ]
    sources += [
        {"value": f"model:{m.label}", "label": f"Model {m.label}"}
        for m in selectors.trained_model_list(project=project).order_by("label")
    ]
    return sources


def documents_panel(*, request, project: Project, page) -> dict[str, Any] | None:
    if request is None or not can(request.user, project, Action.LABEL):
        return None
    return {
        "loop_sources": _sources(project),
        "prelabel_job": selectors.loop_job_latest(project=project, kind=LoopKind.PRELABEL),
        "uncertainty_job": selectors.loop_job_latest(project=project, kind=LoopKind.UNCERTAINTY),
        "prelabel_title": TITLES[LoopKind.PRELABEL],
        "uncertainty_title": TITLES[LoopKind.UNCERTAINTY],
        "uncertainty_measures": [
            {"value": m, "title": MEASURE_TITLES[m], "default": m == DEFAULT_MEASURE} for m in MEASURES
        ],
        "sorted_by_uncertainty": page.get("filters") is not None
        and page["filters"].selector_filters().get("sort") == UNCERTAINTY_ORDER,
    }


def _suggestion_sources(request, project: Project, document) -> list[dict[str, str]]:
    """What the user can suggest with in the labeling view of `document` (empty: no bar, no keys): the sources, for
    those who may label it (the role, and on a document others label independently, being one of them:
    `selectors_team.label_set`; elsewhere the view is read-only). Both of the view's slots ask: the answer is kept
    on the request, so its queries run once a page."""
    if request is None or document is None:
        return []
    memo = request.__dict__.setdefault("_modeling_suggestion_sources", {})
    if document.pk not in memo:
        may_label = (
            can(request.user, project, Action.LABEL)
            and selectors_team.label_set(document=document, user=request.user) != selectors_team.LOCKED
        )
        memo[document.pk] = _sources(project) if may_label else []
    return memo[document.pk]


def suggestion_bar(*, request, project: Project, page) -> dict[str, Any] | None:
    """The bar, for those who may label the document, in a project with a model to suggest with."""
    document = page.get("document")
    sources = _suggestion_sources(request, project, document)
    if not sources:
        return None
    return {
        "suggestion_data": {
            "api": f"/api/projects/{project.name}/documents/{document.pk}/suggestions",
            "sources": sources,
            "suggestions": suggestions_json(document, request.user),
        }
    }


def suggestion_keys(*, request, project: Project, page) -> dict[str, Any] | None:
    """The suggestion keys' rows in the labeling view's `?` help, wherever the bar is shown."""
    return {} if _suggestion_sources(request, project, page.get("document")) else None


def _styles(**_) -> dict[str, Any]:
    return {}  # stylesheets, for every page of the kind (harmless where the panel or bar is not shown)


def register() -> None:
    extensions.register_document_filter(
        extensions.DocumentFilter(
            key=SUGGESTION_FILTER,
            label="Suggestions",
            choices=(("", "Any"), ("open", "Has open suggestions"), ("none", "No open suggestions")),
            apply=_suggestion_filter,
        )
    )
    extensions.register_document_order(
        extensions.DocumentOrder(value=UNCERTAINTY_ORDER, label="Most uncertain first", apply=_uncertainty_order)
    )
    extensions.register_document_column(
        extensions.DocumentColumn(
            name="suggestions",
            heading="Suggestions",
            annotate=selectors.with_open_suggestion_count,
            template="modeling/_document_suggestions_cell.html",
        )
    )
    extensions.register_document_column(
        extensions.DocumentColumn(
            name="uncertainty",
            heading="Uncertainty",
            annotate=_with_uncertainty,
            template="modeling/_document_uncertainty_cell.html",
        )
    )
    for slot, template in (
        ("documents.head", "modeling/_documents_head.html"),
        ("labeling.head", "modeling/_labeling_head.html"),
    ):
        extensions.register_page_slot(
            extensions.PageSlot(name=f"modeling-{slot}", slot=slot, template=template, context=_styles)
        )
    extensions.register_page_slot(
        extensions.PageSlot(
            name="modeling-loop-panel",
            slot="documents.panel",
            template="modeling/_documents_loop_panel.html",
            context=documents_panel,
        )
    )
    extensions.register_page_slot(
        extensions.PageSlot(
            name="modeling-suggestions",
            slot="labeling.toolbar",
            template="modeling/_suggestion_bar.html",
            context=suggestion_bar,
        )
    )
    extensions.register_page_slot(
        extensions.PageSlot(
            name="modeling-suggestion-keys",
            slot="labeling.help",
            template="modeling/_suggestion_keys.html",
            context=suggestion_keys,
        )
    )
