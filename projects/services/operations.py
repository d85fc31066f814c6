"""Azure long-running operations on projects (import, export, deletion, deployments): records and results."""

from __future__ import annotations

import functools
import json
import uuid
from pathlib import Path

from django.conf import settings
from django.db import transaction
from django.utils import timezone

from projects.models import JobStatus, Operation, OperationKind
from studio import limits


def new_job_id() -> str:
    """Azure-style job id: a GUID, then the creation time in .NET ticks."""
    ticks = int((timezone.now().timestamp() + 62135596800) * 10_000_000)
    return f"{uuid.uuid4()}_{ticks}"


def _results_dir() -> Path:
    path = Path(settings.DATA_DIR) / "exports"
    path.mkdir(parents=True, exist_ok=True)
    return path


def job_record(
    *,
    kind: OperationKind,
    project_name: str,
    user,
    status: JobStatus = JobStatus.SUCCEEDED,
    result: dict | None = None,
    errors: list | None = None,
) -> Operation:
    """Records a job (already done: these operations finish inside the request that starts them)."""
    job = Operation(
        job_id=new_job_id(),
        kind=kind,
        project_name=project_name,
        user=user,
        status=status,
        expires_at=timezone.now() + limits.JOB_LIFETIME,
        errors=errors or [],
    )
    if result is not None:
        path = _results_dir() / f"{job.job_id}.json"
        path.write_text(json.dumps(result, ensure_ascii=False))
        job.result_file = path.name
    job.save()
    return job


def job_result(job: Operation) -> bytes | None:
    if not job.result_file:
        return None
    path = _results_dir() / job.result_file
    return path.read_bytes() if path.exists() else None


def operations_expire() -> int:
    """Deletes expired job records and their result files; returns how many went."""
    expired = Operation.objects.filter(expires_at__lt=timezone.now())
    _unlink_results(list(expired.exclude(result_file="").values_list("result_file", flat=True)))
    count, _ = expired.delete()
    return count


def operations_delete_for_project(*, project_name: str) -> None:
    """With its project (in the deletion's transaction): the project's job records go, and their result files (an
    export's holds the documents' text) once that commits. A later project of the same name sees none of them."""
    operations = Operation.objects.filter(project_name=project_name)
    names = list(operations.exclude(result_file="").values_list("result_file", flat=True))
    operations.delete()
    transaction.on_commit(functools.partial(_unlink_results, names))


def _unlink_results(names: list[str]) -> None:
    for name in names:
        (_results_dir() / name).unlink(missing_ok=True)
