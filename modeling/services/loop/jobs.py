"""The one infrastructure of the model-in-the-loop jobs (pre-labeling, uncertainty, label errors, learning curve):
starting one (permission, one active job per kind and project, the queue), cancelling it, running it in the worker
(claim, heartbeat, progress, the runner, the end state) and the sweeps that fail jobs whose worker died.

A kind's runner is a function `run(job, progress) -> dict` found by dotted path in `RUNNERS`; what it returns is
the job's `result` (its `"summary"`, if any, becomes the ended job's message). Its module may also define
`check_params(*, project, params, trained_model) -> dict`, which `loop_job_start` calls before anything is queued
(a bad request is then a 400, not a failed job); it returns the params to store and raises `InvalidInput` with a
clear message.

Pages show a job with the partial `templates/modeling/_loop_job.html` and `static/modeling/loop-job.js` (which
polls `GET /api/projects/<p>/loop-jobs/<jobId>`, see `modeling/apis/loop.py`); tests run jobs without a worker
with `tests/modeling/loop/inline.py`.

A runner reports with `progress.report(percent, message)` and stops when `progress.should_cancel()` says so (or
calls `progress.check_cancel()`, which raises `LoopCancelled`) between its units of work (batches of documents,
folds, trainings); a runner that returns after a cancel request ends the job cancelled, its result kept. The same
check stops a job that is no longer the worker's (`LoopProgress.ended`): its row went with its project, or a sweep
ended it; it then ends as it was left, with nothing more written.

A runner that writes files (the models it trains for a while) writes them under `loop_job_directory(job)`, which
goes when the job ends: after its runner, whatever it raised, or, for a job whose worker died, with the sweep that
fails it; the sweep also removes what no running job owns under `MODELS_DIR/loop/` (a job deleted with its project
while it ran, say).
"""

from __future__ import annotations

import functools
import importlib
import logging
import shutil
import time
from collections.abc import Callable
from datetime import timedelta
from pathlib import Path
from typing import Any

from django.conf import settings
from django.db import transaction
from django.utils import timezone

from modeling.models import LoopJob, LoopKind, TrainedModel
from modeling.services.training.progress import Heartbeat, job_run_state
from projects.models import ACTIVE_STATUSES, JobStatus, Project
from projects.permissions import Action, require
from projects.services.operations import new_job_id
from studio import limits
from studio.exceptions import Conflict, InvalidInput

logger = logging.getLogger(__name__)

RUNNERS: dict[str, str] = {
    LoopKind.PRELABEL: "modeling.services.loop.prelabel.run",
    LoopKind.UNCERTAINTY: "modeling.services.loop.uncertainty.run",
    LoopKind.LABEL_ERRORS: "modeling.services.loop.label_errors.run",
    LoopKind.LEARNING_CURVE: "modeling.services.loop.learning_curve.run",
}

# What a user must be allowed to do to start or cancel a job of each kind.
KIND_ACTIONS: dict[str, Action] = {
    LoopKind.PRELABEL: Action.LABEL,  # writes suggestions, which a labeler then accepts or rejects
    LoopKind.UNCERTAINTY: Action.LABEL,  # writes the order a labeler works in
    LoopKind.LABEL_ERRORS: Action.LABEL,
    LoopKind.LEARNING_CURVE: Action.MANAGE,  # trains models
}

TITLES: dict[str, str] = {
    LoopKind.PRELABEL: "Pre-labeling",
    LoopKind.UNCERTAINTY: "Scoring uncertainty",
    LoopKind.LABEL_ERRORS: "Finding label errors",
    LoopKind.LEARNING_CURVE: "Learning curve",
}

# A running job whose worker has not written for this long is dead (killed, crashed, machine restarted).
STALE_AFTER = timedelta(seconds=120)
CANCEL_CHECK_SECONDS = 1.0
MESSAGE_MAX = 300


class LoopCancelled(Exception):
    """The user cancelled the job; raised by `LoopProgress.check_cancel`, the job ends cancelled."""


class LoopProgress:
    """What a runner is handed: progress reports (which are also the job's heartbeat) and whether it must stop: the
    user asked it to, or the job is no longer the worker's (`ended`)."""

    def __init__(self, job: LoopJob) -> None:
        self.job = job
        self._last_check = 0.0
        self._cancelled = False
        self.ended = False  # the job's row is gone (with its project), or no longer active: nobody waits for the run

    def report(self, percent: float, message: str = "") -> None:
        """Records how far the job is (0-99 while it runs; the end sets 100) and what it is doing."""
        percent = max(0, min(99, int(percent)))
        now = timezone.now()
        written = LoopJob.objects.filter(pk=self.job.pk, status__in=ACTIVE_STATUSES).update(
            percent=percent, message=message[:MESSAGE_MAX], heartbeat_at=now
        )
        self.ended = self.ended or not written
        self.job.percent, self.job.message = percent, message[:MESSAGE_MAX]

    def should_cancel(self) -> bool:
        """Whether the run must stop: the user asked it to, or the job `ended` (asks the database at most once a
        second)."""
        now = time.monotonic()
        if not (self._cancelled or self.ended) and now - self._last_check >= CANCEL_CHECK_SECONDS:
            self._last_check = now
            self.ended, self._cancelled = job_run_state(LoopJob, self.job.pk)
        return self._cancelled or self.ended

    def check_cancel(self) -> None:
        if self.should_cancel():
            raise LoopCancelled()


def loop_directory() -> Path:
    """The folder under `MODELS_DIR` that holds the working folders of loop jobs (`loop_job_directory`)."""
    return Path(settings.MODELS_DIR) / "loop"


def loop_job_directory(job: LoopJob) -> Path:
    """The folder a job's runner may write into; it goes when the job ends (see the module's docstring)."""
    return loop_directory() / job.job_id


def _directory_remove(folder: Path) -> None:
    if folder.is_dir() and not folder.is_symlink():
        shutil.rmtree(folder, ignore_errors=True)
    else:
        folder.unlink(missing_ok=True)


def _runner_module(kind: str):
    module_path, _, _ = RUNNERS[kind].rpartition(".")
    return importlib.import_module(module_path)


def runner(kind: str) -> Callable[[LoopJob, LoopProgress], dict[str, Any]]:
    module_path, _, name = RUNNERS[kind].rpartition(".")
    return getattr(importlib.import_module(module_path), name)


def _check_kind(kind: str) -> None:
    if kind not in RUNNERS:
        raise InvalidInput(
            f"Unknown job kind {kind!r}; the kinds are {', '.join(sorted(RUNNERS))}.",
            target="kind",
            innererror_code="InvalidParameterValue",
        )


def loop_job_start(
    *,
    user,
    project: Project,
    kind: str,
    params: dict[str, Any] | None = None,
    trained_model: TrainedModel | None = None,
) -> LoopJob:
    """Checks the user's permission, the params (the kind's `check_params`) and that no job of this kind runs in
    the project; records the job and queues it for the worker once the transaction commits."""
    _check_kind(kind)
    require(user, project, KIND_ACTIONS[kind])
    if trained_model is not None and trained_model.project_id != project.pk:
        raise InvalidInput("The model belongs to another project.", target="modelLabel")
    params = dict(params or {})
    check = getattr(_runner_module(kind), "check_params", None)
    if check is not None:
        params = check(project=project, params=params, trained_model=trained_model)
    return _job_create(user=user, project=project, kind=kind, params=params, trained_model=trained_model)


@transaction.atomic
def _job_create(*, user, project: Project, kind: str, params: dict, trained_model: TrainedModel | None) -> LoopJob:
    Project.objects.select_for_update().filter(pk=project.pk).first()  # serializes concurrent starts
    loop_jobs_fail_stale(project=project)
    active = LoopJob.objects.filter(project=project, kind=kind, status__in=ACTIVE_STATUSES).first()
    if active is not None:
        raise Conflict(
            f"{TITLES[kind]} is already running in project '{project.name}' (job {active.job_id}, "
            f"{active.percent}%); wait for it or cancel it.",
            innererror_code="Conflict",
        )
    job = LoopJob.objects.create(
        job_id=new_job_id(),
        project=project,
        kind=kind,
        trained_model=trained_model,
        params=params,
        created_by=user if user is not None and user.is_authenticated else None,
        expires_at=timezone.now() + limits.JOB_LIFETIME,
        message="Queued",
    )
    transaction.on_commit(lambda: _enqueue(job))
    return job


def _enqueue(job: LoopJob) -> None:
    from django_q.tasks import async_task

    async_task("modeling.tasks.run_loop_job", job.pk, task_name=f"{job.kind} {job.project_id}/{job.pk}")


@transaction.atomic
def loop_job_cancel(*, user, job: LoopJob) -> LoopJob:
    """Asks a running job to stop (the runner stops at its next check); a queued job is cancelled at once; an
    ended job stays as it is."""
    require(user, job.project, KIND_ACTIONS[job.kind])
    job = LoopJob.objects.select_for_update().select_related("project").get(pk=job.pk)
    now = timezone.now()
    if job.status == JobStatus.NOT_STARTED:
        job.status, job.cancel_requested, job.ended_at, job.message = JobStatus.CANCELLED, True, now, "Cancelled"
        job.save(update_fields=["status", "cancel_requested", "ended_at", "message"])
    elif job.status == JobStatus.RUNNING:
        job.status, job.cancel_requested, job.message = JobStatus.CANCELLING, True, "Cancelling…"
        job.save(update_fields=["status", "cancel_requested", "message"])
    return job


def _claim(job_pk: int) -> LoopJob | None:
    """notStarted -> running, atomically, so a task delivered twice runs once."""
    now = timezone.now()
    claimed = LoopJob.objects.filter(pk=job_pk, status=JobStatus.NOT_STARTED).update(
        status=JobStatus.RUNNING, started_at=now, heartbeat_at=now, message="Starting"
    )
    return LoopJob.objects.select_related("project", "trained_model").get(pk=job_pk) if claimed else None


def _finish(job: LoopJob, status: str, *, result: dict | None = None, error: str = "", message: str = "") -> bool:
    """Ends the job with `status` unless it already ended (a sweep failed it) or went with its project."""
    fields: dict[str, Any] = {"status": status, "ended_at": timezone.now(), "error": error, "message": message}
    if result is not None:
        fields["result"] = result
    if status == JobStatus.SUCCEEDED:
        fields["percent"] = 100
    return bool(LoopJob.objects.filter(pk=job.pk, status__in=ACTIVE_STATUSES).update(**fields))


def loop_job_run(*, job_pk: int) -> None:
    """Runs a queued job in the worker: claim, the kind's runner under a heartbeat, the end state."""
    job = _claim(job_pk)
    if job is None:
        logger.info("Loop job %s is not waiting to start; nothing to do.", job_pk)
        return
    progress = LoopProgress(job)
    try:
        with Heartbeat(job.pk, model=LoopJob):
            try:
                result = runner(job.kind)(job, progress)
            finally:
                _directory_remove(loop_job_directory(job))
    except LoopCancelled:
        if progress.ended:
            logger.info("Loop job %s (%s) stopped: it went with its project or was ended meanwhile.", job_pk, job.kind)
        _finish(job, JobStatus.CANCELLED, message="Cancelled")  # a job that ended stays as it was left
        return
    except (InvalidInput, ValueError) as error:
        message = getattr(error, "message", None) or str(error)
        _finish(job, JobStatus.FAILED, error=message, message="Failed")
        return
    except Exception as error:
        logger.exception("Loop job %s (%s) failed", job.job_id, job.kind)
        _finish(job, JobStatus.FAILED, error=f"The job failed: {type(error).__name__}: {error}", message="Failed")
        return
    if LoopJob.objects.filter(pk=job.pk, cancel_requested=True).exists():
        _finish(job, JobStatus.CANCELLED, result=result, message="Cancelled")
    else:
        _finish(job, JobStatus.SUCCEEDED, result=result, message=str(result.get("summary") or "Done"))


_RUNNING = (JobStatus.RUNNING, JobStatus.CANCELLING)


def loop_jobs_fail_stale(*, project: Project | None = None) -> int:
    """Fails every running job whose worker stopped writing (killed, crashed, restarted); their working folders go
    once that commits. The sweep (`project` None) then removes the folders under `MODELS_DIR/loop/` that no running
    job owns. Scheduled (the sweep), run when `runstudio` starts and (for one project) when a job starts; never
    inside a GET."""
    cutoff = timezone.now() - STALE_AFTER
    stale = LoopJob.objects.filter(status__in=_RUNNING, heartbeat_at__lt=cutoff)
    if project is not None:
        stale = stale.filter(project=project)
    failed = _fail(
        stale,
        "The worker running this job stopped before it finished (it was restarted or crashed). Start the job again.",
    )
    if project is None:
        loop_directories_remove_orphans()
    return failed


def loop_jobs_fail_running() -> int:
    """At worker start-up on a single machine no job can still be running: fail the ones that claim to."""
    return _fail(
        LoopJob.objects.filter(status__in=_RUNNING), "The worker was restarted while this job ran. Start the job again."
    )


def _fail(jobs, error: str) -> int:
    """Fails `jobs` (each only if it is still one of them: its worker may have written since they were read) and
    removes their working folders once that commits."""
    failed = 0
    for pk, job_id in list(jobs.values_list("pk", "job_id")):
        if jobs.filter(pk=pk).update(status=JobStatus.FAILED, ended_at=timezone.now(), message="Failed", error=error):
            failed += 1
            transaction.on_commit(functools.partial(_directory_remove, loop_directory() / job_id))
    return failed


def loop_directories_remove_orphans() -> int:
    """Removes what is under `MODELS_DIR/loop/` that no running job owns (a job whose worker died before the sweep
    could say which folder was its, or that went with its project while it ran); returns how many went. The folders
    are listed before the jobs are read: a runner makes its folder only once its job is running, so a folder made
    meanwhile belongs to a job read as running."""
    root = loop_directory()
    names = {entry.name for entry in root.iterdir()} if root.is_dir() else set()
    if not names:
        return 0
    running = set(LoopJob.objects.filter(status__in=_RUNNING, job_id__in=names).values_list("job_id", flat=True))
    for name in sorted(names - running):
        logger.info("Removing %s: no running loop job owns it.", root / name)
        _directory_remove(root / name)
    return len(names - running)


def loop_jobs_expire() -> int:
    """Deletes ended jobs past their expiry, except each project's latest succeeded job of each kind (whose lasting
    results, such as uncertainty scores, the pages still use)."""
    expired = LoopJob.objects.filter(expires_at__lt=timezone.now()).exclude(status__in=ACTIVE_STATUSES)
    # Each project's latest succeeded job of each kind stays: its pages still show what it found.
    latest: dict[tuple[int, str], int] = {}
    for project_id, kind, pk in (
        LoopJob.objects.filter(status=JobStatus.SUCCEEDED)
        .order_by("project_id", "kind", "-created_at", "-id")
        .values_list("project_id", "kind", "pk")
    ):
        latest.setdefault((project_id, kind), pk)
    _, deleted = expired.exclude(pk__in=latest.values()).delete()
    return deleted.get(LoopJob._meta.label, 0)
