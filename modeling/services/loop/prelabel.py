"""The `prelabel` job: a model's suggestions for a chosen set of documents (the documents list's selection, or
every document its filters match), so the labeling view opens them with suggestions already there."""

from __future__ import annotations

from collections import Counter
from typing import Any

from django.http import QueryDict

from annotation import selectors as annotation_selectors
from annotation.forms import DocumentFilterForm
from modeling.models import LoopJob, TrainedModel
from modeling.services.loop.jobs import LoopProgress
from modeling.services.loop.suggestions import SuggestionSource, documents_suggest
from projects.models import Project
from studio import limits
from studio.exceptions import InvalidInput

# Documents per prediction call, the serving path's batch (one analyze-text request's documents); progress and cancel
# are checked between calls.
BATCH_DOCUMENTS = limits.RUNTIME_DOCUMENTS_MAX


def check_params(*, project: Project, params: dict[str, Any], trained_model: TrainedModel | None) -> dict[str, Any]:
    """`documentIds` (a list of the project's document ids) or `filter` (the documents list's query string: every
    document it matches), plus the model; stores the resolved ids, so the job pre-labels what the user saw."""
    if trained_model is None:
        raise InvalidInput("Choose the model (modelLabel) or deployment (deploymentName) that pre-labels.")
    ids, query = params.get("documentIds"), params.get("filter")
    if (ids is None) == (query is None):
        raise InvalidInput("Choose the documents to pre-label: documentIds, or filter (the documents list's query).")
    if query is not None:
        if not isinstance(query, str):
            raise InvalidInput("filter must be the documents list's query string.", target="params.filter")
        form = DocumentFilterForm(QueryDict(query), entity_types=annotation_selectors.entity_type_list(project=project))
        chosen = list(
            annotation_selectors.document_list(project=project, **form.selector_filters()).values_list("pk", flat=True)
        )
    else:
        if not isinstance(ids, list) or not all(limits.is_row_id(i) for i in ids):
            raise InvalidInput("documentIds must be a list of document ids.", target="params.documentIds")
        chosen = list(project.documents.filter(pk__in=ids).order_by("location").values_list("pk", flat=True))
        if len(chosen) != len(set(ids)):
            raise InvalidInput(
                f"{len(set(ids)) - len(chosen)} of the documents are not in project '{project.name}' (deleted?).",
                target="params.documentIds",
            )
    if not chosen:
        raise InvalidInput("No documents to pre-label: the selection or filter matches none.")
    result = {"documentIds": chosen}
    if params.get("deployment"):
        result["deployment"] = params["deployment"]
    return result


def _source(job: LoopJob) -> SuggestionSource:
    model = job.trained_model
    if model is None:
        raise InvalidInput("The model was deleted before the job ran; choose another one.")
    deployment = job.params.get("deployment")
    if deployment:
        return SuggestionSource(model, f"deployment {deployment} (model {model.label})")
    return SuggestionSource.of_model(model)


def run(job: LoopJob, progress: LoopProgress) -> dict[str, Any]:
    source = _source(job)
    ids = job.params["documentIds"]
    total = len(ids)
    done = suggestions = over_labels = rejected_before = 0
    unknown: Counter[str] = Counter()
    progress.report(0, f"Loading {source.description}…")
    for at in range(0, total, BATCH_DOCUMENTS):
        progress.check_cancel()
        documents = list(job.project.documents.filter(pk__in=ids[at : at + BATCH_DOCUMENTS]).order_by("location"))
        for outcome in documents_suggest(documents=documents, source=source) if documents else []:
            suggestions += len(outcome.suggestions)
            over_labels += outcome.over_labels
            rejected_before += outcome.rejected_before
            unknown.update(outcome.unknown_categories)
        done = min(total, at + BATCH_DOCUMENTS)
        progress.report(100 * done / total, f"{done} of {total} documents pre-labeled, {suggestions} suggestions")
    return {
        "documents": total,
        "suggestions": suggestions,
        "overLabels": over_labels,
        "rejectedBefore": rejected_before,
        "unknownCategories": dict(unknown),
        "source": source.description,
        "summary": f"{total} documents pre-labeled: {suggestions} suggestions",
    }
