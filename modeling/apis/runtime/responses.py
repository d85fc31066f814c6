"""Runtime results -> Azure's JSON: `AnalyzeTextJobState`, task results, statistics and per-document errors,
offsets converted from code points to the task's `stringIndexType`."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from annotation.offsets import convert_span, length_in
from modeling.models import AnalyzeJob
from modeling.services import runtime
from modeling.services.runtime import (
    Analysis,
    DocumentError,
    Entity,
    JobError,
    JobTask,
    RuntimeDocument,
    RuntimeTask,
    UnsupportedTask,
)
from projects.models import JobStatus
from studio.api import azure_datetime

RESULTS_KIND = "CustomEntityRecognitionResults"
LRO_RESULTS_KIND = "CustomEntityRecognitionLROResults"
# Azure's task counts have no bucket for a cancelled task: it did not complete, so it counts as failed (and
# `completed + failed + inProgress == total` always).
_TASK_COUNT = {JobStatus.SUCCEEDED: "completed", JobStatus.FAILED: "failed", JobStatus.CANCELLED: "failed"}


def analyze_text_results(task: RuntimeTask, documents: list[RuntimeDocument], analysis: Analysis) -> dict[str, Any]:
    """The synchronous call's answer (statistics always included)."""
    return {"kind": RESULTS_KIND, "results": task_results(task, documents, analysis, show_stats=True)}


def statistics(documents: list[RuntimeDocument]) -> dict[str, int]:
    """Azure's request statistics for these documents; only analyzable ones count as valid and are billed."""
    valid = [d for d in documents if d.unanalyzable() is None]
    return {
        "documentsCount": len(documents),
        "validDocumentsCount": len(valid),
        "erroneousDocumentsCount": len(documents) - len(valid),
        "transactionsCount": sum(runtime.transactions_count(d.text) for d in valid),
    }


def task_results(
    task: RuntimeTask,
    documents: list[RuntimeDocument],
    analysis: Analysis,
    *,
    show_stats: bool,
) -> dict[str, Any]:
    """A task's results for `documents` (all of the request, or a page of it)."""
    by_id = {d.id: d for d in documents}
    body: dict[str, Any] = {"projectName": task.project_name, "deploymentName": task.deployment_name}
    if show_stats:
        body["statistics"] = statistics(documents)
    body["documents"] = [
        _document(by_id[d.id], d.entities, task.string_index_type, show_stats=show_stats)
        for d in analysis.documents
        if d.id in by_id
    ]
    body["errors"] = [_document_error(e) for e in analysis.errors if e.id in by_id]
    return body


def _document(document: RuntimeDocument, entities: list[Entity], unit: str, *, show_stats: bool) -> dict[str, Any]:
    text, cache = document.text, {}
    found = []
    for entity in entities:
        offset, length = convert_span(text, entity.start, entity.end, unit, cache)
        found.append(
            {
                "text": text[entity.start : entity.end],
                "category": entity.category,
                "offset": offset,
                "length": length,
                "confidenceScore": entity.confidence,
            }
        )
    body: dict[str, Any] = {"id": document.id, "entities": found, "warnings": []}
    if show_stats:
        body["statistics"] = {
            "charactersCount": length_in(text, unit),
            "transactionsCount": runtime.transactions_count(text),
        }
    return body


# Azure's top-level message for each inner code of a per-document error.
_DOCUMENT_ERROR_MESSAGES = {"UnsupportedLanguageCode": "Invalid language code."}


def _document_error(error: DocumentError) -> dict[str, Any]:
    return {
        "id": error.id,
        "error": {
            "code": "InvalidArgument",
            "message": _DOCUMENT_ERROR_MESSAGES.get(error.code, "Invalid document in request."),
            "innererror": {"code": error.code, "message": error.message},
        },
    }


def _job_error(error: JobError) -> dict[str, Any]:
    body: dict[str, Any] = {"code": error.code, "message": error.message}
    if error.inner_code:
        body["innererror"] = {"code": error.inner_code, "message": error.message}
    if error.task is not None:
        body["target"] = f"#/tasks/items/{error.task}"
    return body


def _task_item(job: AnalyzeJob, item: JobTask, page: list[RuntimeDocument], *, show_stats: bool) -> dict[str, Any]:
    """One of `tasks.items`. A failed task has no results (its error is the job's, targeting it); a cancelled one
    has empty results, so the SDKs report "no result" for each document."""
    task = item.task
    body: dict[str, Any] = {
        # Azure names each kind's results "<kind>LROResults".
        "kind": f"{task.kind}LROResults" if isinstance(task, UnsupportedTask) else LRO_RESULTS_KIND,
        "taskName": task.name,
        "lastUpdateDateTime": azure_datetime(item.updated_at or job.updated_at),
        "status": item.status,
    }
    if isinstance(task, RuntimeTask) and item.analysis is not None:
        body["results"] = task_results(task, page, item.analysis, show_stats=show_stats)
    elif isinstance(task, RuntimeTask) and item.status == JobStatus.CANCELLED:
        body["results"] = {
            "projectName": task.project_name,
            "deploymentName": task.deployment_name,
            "documents": [],
            "errors": [],
        }
    return body


def analyze_job_state(
    job: AnalyzeJob, *, show_stats: bool, top: int | None, skip: int, next_link: Callable[[int, int], str]
) -> dict[str, Any]:
    """Azure's `AnalyzeTextJobState`, documents paged by `top`/`skip`; `next_link(skip, top)` is the next page."""
    documents = runtime.job_documents(job)
    page = documents[skip : skip + top] if top is not None else documents[skip:]
    items, counts = [], {"completed": 0, "failed": 0, "inProgress": 0}
    for item in runtime.job_tasks(job):
        counts[_TASK_COUNT.get(item.status, "inProgress")] += 1
        items.append(_task_item(job, item, page, show_stats=show_stats))
    state: dict[str, Any] = {"jobId": job.job_id}
    if job.display_name:
        state["displayName"] = job.display_name
    state.update(
        {
            "createdDateTime": azure_datetime(job.created_at),
            "lastUpdatedDateTime": azure_datetime(job.updated_at),
            "expirationDateTime": azure_datetime(job.expires_at),
            "status": job.status,
            "errors": [_job_error(e) for e in runtime.job_errors(job)],
        }
    )
    if show_stats:
        state["statistics"] = statistics(page)
    state["tasks"] = {**counts, "total": len(items), "items": items}
    if top is not None and skip + top < len(documents):
        state["nextLink"] = next_link(skip + top, top)
    return state
