"""Asking for an analysis: the synchronous call, answered at once, and a job's submission, which checks its tasks,
records the job (a task of a kind the studio does not run failed at once) and runs it, inline when tiny."""

from __future__ import annotations

import uuid

from django.utils import timezone

from modeling.models import AnalyzeJob
from modeling.services.runtime import admission, background
from modeling.services.runtime.jobs.records import (
    JobError,
    RuntimeTask,
    UnsupportedTask,
    document_json,
    error_json,
    task_json,
)
from modeling.services.runtime.jobs.run import analyze_job_hand_to_thread, analyze_job_run_inline
from modeling.services.runtime.prediction import (
    Analysis,
    RuntimeDocument,
    batch_characters,
    documents_analyze,
    runtime_deployment_get,
)
from studio import limits

# Jobs up to this many characters (a document or two) are predicted inside the submitting request, in tens of
# milliseconds: the SDK's first poll finds them done. Larger ones run in the background, where a caller can still
# cancel them, as on Azure (where every job does).
INLINE_MAX_CHARACTERS = 2_000
DISPLAY_NAME_MAX = 200


def unsupported_task_error(task: UnsupportedTask, index: int) -> JobError:
    """Why a task of a kind the studio does not run failed (Azure's error for a failed task: code and message)."""
    return JobError(
        f"Task '{task.name}' was not run: its kind, {task.kind}, is not one this service runs. The studio runs "
        "custom named entity recognition (CustomEntityRecognition) tasks only.",
        code="InvalidRequest",
        task=index,
    )


def analyze_sync(*, user, task: RuntimeTask, documents: list[RuntimeDocument]) -> Analysis:
    """`POST /language/:analyze-text`: one task, answered at once."""
    deployment = runtime_deployment_get(user=user, project_name=task.project_name, deployment_name=task.deployment_name)
    return documents_analyze(deployment=deployment, documents=documents)


def analyze_job_submit(
    *,
    user,
    documents: list[RuntimeDocument],
    tasks: list[RuntimeTask | UnsupportedTask],
    display_name: str = "",
) -> AnalyzeJob:
    """Records the job and runs it: inline when tiny, in the background otherwise. An unknown project or
    deployment is refused now (404), not reported as a failed job; a task the studio does not run is recorded
    failed at once."""
    for task in tasks:
        if isinstance(task, RuntimeTask):
            runtime_deployment_get(user=user, project_name=task.project_name, deployment_name=task.deployment_name)
    inline = batch_characters([d.text for d in documents]) <= INLINE_MAX_CHARACTERS and admission.has_free_turn()
    if inline:
        job = _job_create(user=user, documents=documents, tasks=tasks, display_name=display_name)
        if analyze_job_run_inline(job_pk=job.pk):
            # No turn within a call's bound (another request took the free one): the job was accepted, so it goes
            # to the background thread even past the queue's bound, rather than being refused now.
            analyze_job_hand_to_thread(job_pk=job.pk)
        job.refresh_from_db()
        return job
    with background.place():  # 429 when this process's queue is full
        job = _job_create(user=user, documents=documents, tasks=tasks, display_name=display_name)
        analyze_job_hand_to_thread(job_pk=job.pk)
    return job


def _job_create(
    *, user, documents: list[RuntimeDocument], tasks: list[RuntimeTask | UnsupportedTask], display_name: str
) -> AnalyzeJob:
    now = timezone.now()
    unsupported = [(i, task) for i, task in enumerate(tasks) if isinstance(task, UnsupportedTask)]
    return AnalyzeJob.objects.create(
        job_id=str(uuid.uuid4()),
        user=user,
        display_name=display_name[:DISPLAY_NAME_MAX],
        documents=[document_json(d) for d in documents],
        tasks=[task_json(task, now) for task in tasks],
        errors=[error_json(unsupported_task_error(task, i)) for i, task in unsupported],
        expires_at=now + limits.RUNTIME_JOB_LIFETIME,
        heartbeat_at=now,
    )
