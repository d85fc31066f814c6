"""What an analyze-text job is made of (its tasks, errors and status rule), and what an `AnalyzeJob` stores, both ways.

What an `AnalyzeJob` stores is domain data; Azure's shape is built only when answering (`modeling/apis/runtime/`):
- `documents`: `[{"id", "text", "language", "problem"?}]`; a document that cannot be analyzed (empty, too long) is
  kept without its text, with its `problem`
- `tasks`: `[{"name", "projectName", "deploymentName", "stringIndexType", "status", "updatedAt" (ISO 8601 or null),
  "results"?: {"documents": [{"id", "entities": [[start, end, category, confidence], ...]}],
  "errors": [{"id", "message", "code"}]}}]`, offsets in code points (`code`: Azure's inner code, InvalidDocument
  when absent); a task the studio does not run is `{"name", "kind" (Azure's), "status": "failed", "updatedAt"}`
- `errors`: `[{"task" (index or null), "code", "innerCode" (or null), "message"}]`
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any

from django.utils import timezone

from modeling.models import AnalyzeJob
from modeling.services.runtime.prediction import (
    INVALID_DOCUMENT,
    Analysis,
    DocumentEntities,
    DocumentError,
    Entity,
    RuntimeDocument,
)
from projects.models import JobStatus

# Some tasks succeeded and some failed (Azure's job status; the other job kinds never reach it).
PARTIALLY_COMPLETED = "partiallyCompleted"
# The states of a job or task that has not ended: only these can be cancelled.
UNFINISHED = (JobStatus.NOT_STARTED, JobStatus.RUNNING)


@dataclass(frozen=True)
class RuntimeTask:
    """One custom-entity-recognition task: which deployment analyzes, and the unit its offsets are reported in."""

    name: str
    project_name: str
    deployment_name: str
    string_index_type: str


@dataclass(frozen=True)
class UnsupportedTask:
    """A task of a kind the studio does not run (`kind` is Azure's name for it, e.g. "KeyPhraseExtraction"): a job
    records it as failed, saying so, and runs its other tasks."""

    name: str
    kind: str


@dataclass(frozen=True)
class JobError:
    """Why a job, or one of its tasks (`task` is its index), failed."""

    message: str
    code: str = "InternalServerError"
    inner_code: str | None = None
    task: int | None = None


@dataclass(frozen=True)
class JobTask:
    task: RuntimeTask | UnsupportedTask
    status: str
    updated_at: datetime | None
    analysis: Analysis | None


def job_status_from(task_statuses: list[str]) -> str:
    """A finished job's status from its tasks' (Azure's rule): succeeded when every task succeeded, failed when none
    did, partiallyCompleted otherwise."""
    succeeded = sum(status == JobStatus.SUCCEEDED for status in task_statuses)
    if succeeded == len(task_statuses):
        return JobStatus.SUCCEEDED
    return JobStatus.FAILED if succeeded == 0 else PARTIALLY_COMPLETED


def job_end(job: AnalyzeJob, status: str) -> None:
    """Ends a job that has not ended (cancelled, or failed by a sweep) before the tasks it had not done: those take
    `status` too; the tasks done keep theirs and their results. The caller saves `status`, `tasks`."""
    now = timezone.now().isoformat()
    for stored in job.tasks:
        if stored["status"] in UNFINISHED:
            stored["status"] = status
            stored["updatedAt"] = now
    job.status = status


# --- What a job stores, both ways (the module docstring describes the shape).


def job_documents(job: AnalyzeJob) -> list[RuntimeDocument]:
    return [RuntimeDocument(d["id"], d["text"], d.get("language"), d.get("problem")) for d in job.documents]


def job_tasks(job: AnalyzeJob) -> list[JobTask]:
    items = []
    for stored in job.tasks:
        if "kind" in stored:
            task = UnsupportedTask(stored["name"], stored["kind"])
        else:
            task = RuntimeTask(
                stored["name"], stored["projectName"], stored["deploymentName"], stored["stringIndexType"]
            )
        updated = stored.get("updatedAt")
        results = stored.get("results")
        items.append(
            JobTask(
                task=task,
                status=stored["status"],
                updated_at=datetime.fromisoformat(updated) if updated else None,
                analysis=_analysis_from(results) if results else None,
            )
        )
    return items


def job_errors(job: AnalyzeJob) -> list[JobError]:
    return [JobError(e["message"], e["code"], e.get("innerCode"), e.get("task")) for e in job.errors]


def document_json(document: RuntimeDocument) -> dict[str, Any]:
    problem = document.unanalyzable()
    if problem and document.text:  # its text is never analyzed: not kept for a day either
        return {"id": document.id, "text": "", "language": document.language, "problem": problem}
    return {"id": document.id, "text": document.text, "language": document.language}


def task_json(task: RuntimeTask | UnsupportedTask, now: datetime) -> dict[str, Any]:
    if isinstance(task, UnsupportedTask):
        return {"name": task.name, "kind": task.kind, "status": JobStatus.FAILED, "updatedAt": now.isoformat()}
    return {
        "name": task.name,
        "projectName": task.project_name,
        "deploymentName": task.deployment_name,
        "stringIndexType": task.string_index_type,
        "status": JobStatus.NOT_STARTED,
        "updatedAt": None,
    }


def analysis_json(analysis: Analysis) -> dict[str, Any]:
    return {
        "documents": [
            {"id": d.id, "entities": [[e.start, e.end, e.category, e.confidence] for e in d.entities]}
            for d in analysis.documents
        ],
        "errors": [{"id": e.id, "message": e.message, "code": e.code} for e in analysis.errors],
    }


def _analysis_from(stored: dict[str, Any]) -> Analysis:
    return Analysis(
        documents=[DocumentEntities(d["id"], [Entity(*e) for e in d["entities"]]) for d in stored["documents"]],
        errors=[DocumentError(e["id"], e["message"], e.get("code", INVALID_DOCUMENT)) for e in stored["errors"]],
    )


def error_json(error: JobError) -> dict[str, Any]:
    return {"task": error.task, "code": error.code, "innerCode": error.inner_code, "message": error.message}
