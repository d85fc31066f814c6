"""Training jobs: start (checks + enqueue), run (in the worker), cancel, and recovery from dead workers.

Only these functions change a job's state: notStarted -> running -> succeeded | failed | cancelled.
"""

from __future__ import annotations

import json
import logging
import shutil
import threading
import time
import uuid
from datetime import timedelta
from pathlib import Path

from django.conf import settings
from django.db import close_old_connections, transaction
from django.utils import timezone

from annotation.formats.azure import write_project
from annotation.models import Label
from annotation.services.imports import project_data
from modeling import config as configs
from modeling.models import TrainedModel, TrainingJob
from modeling.services.data import split_documents, to_labeled
from projects.models import ACTIVE_STATUSES, JobStatus, Project
from projects.services.operations import new_job_id
from studio import limits
from studio.exceptions import Conflict, InvalidInput

logger = logging.getLogger(__name__)

JOB_LIFETIME = timedelta(days=7)
HEARTBEAT_SECONDS = 15
# A running job whose worker has not written for this long is dead (killed, crashed, machine restarted).
STALE_AFTER = timedelta(seconds=120)
DEFAULT_SPLIT_SEED = 42


def parse_evaluation_options(raw: dict | None) -> dict:
    """Azure's `evaluationOptions`, defaults filled in: percentage 80/20."""
    raw = raw or {}
    if not isinstance(raw, dict):
        raise InvalidInput("'evaluationOptions' must be an object.", target="evaluationOptions")
    kind = raw.get("kind", "percentage")
    if kind not in ("percentage", "manual"):
        raise InvalidInput(
            f"evaluationOptions.kind must be 'percentage' or 'manual', got {kind!r}.", target="evaluationOptions.kind"
        )
    if kind == "manual":
        return {"kind": "manual"}
    train = raw.get("trainingSplitPercentage", 80)
    test = raw.get("testingSplitPercentage", 100 - train if isinstance(train, int) else 20)
    if not all(isinstance(v, int) and not isinstance(v, bool) for v in (train, test)) or train + test != 100:
        raise InvalidInput(
            "trainingSplitPercentage and testingSplitPercentage must be whole numbers that add up to 100.",
            target="evaluationOptions",
        )
    if not 1 <= test <= 99:
        raise InvalidInput("testingSplitPercentage must be between 1 and 99.", target="evaluationOptions")
    return {"kind": "percentage", "trainingSplitPercentage": train, "testingSplitPercentage": test}


def resolve_config(version: str | None) -> configs.TrainingConfig:
    try:
        return configs.resolve(version)
    except ValueError as error:
        raise InvalidInput(
            str(error), target="trainingConfigVersion", innererror_code="InvalidParameterValue"
        ) from None


@transaction.atomic
def training_job_start(
    *, user, project: Project, model_label: str, training_config_version: str | None, evaluation_options: dict | None
) -> TrainingJob:
    """Checks that the project can be trained, records a job and hands it to the worker."""
    limits.check_name(model_label, what="Model")
    config = resolve_config(training_config_version)
    options = parse_evaluation_options(evaluation_options)
    Project.objects.select_for_update().filter(pk=project.pk).first()  # serializes concurrent starts
    training_jobs_fail_stale(project=project)
    active = project.training_jobs.filter(status__in=ACTIVE_STATUSES).first()
    if active:
        raise Conflict(
            f"A training job is already running in project '{project.name}' (model '{active.model_label}', "
            f"job {active.job_id}); wait for it or cancel it.",
            innererror_code="Conflict",
        )
    labels = Label.objects.filter(document__project=project)
    if not labels.exists():
        raise InvalidInput("The project has no labels; label some entities before training.")
    labeled_documents = labels.values("document").distinct().count()
    if labeled_documents < limits.TRAINING_DOCUMENTS_MIN:
        raise InvalidInput(
            f"Training needs at least {limits.TRAINING_DOCUMENTS_MIN} labeled documents; "
            f"the project has {labeled_documents}."
        )
    if options["kind"] == "manual":
        if not project.documents.filter(dataset="Test").exists():
            raise InvalidInput(
                "A manual split needs documents assigned to Test; assign some, or use a percentage split.",
                target="evaluationOptions.kind",
            )
        if not project.documents.exclude(dataset="Test").exists():
            raise InvalidInput("A manual split needs documents assigned to Train.", target="evaluationOptions.kind")
    existing = list(project.trained_models.values_list("label", flat=True))
    if model_label not in existing and len(existing) >= limits.MODELS_MAX:
        raise InvalidInput(
            f"The project already has {limits.MODELS_MAX} models, the limit; train under an existing label to "
            f"overwrite it ({', '.join(sorted(existing))}) or delete one.",
            target="modelLabel",
        )
    job = TrainingJob.objects.create(
        job_id=new_job_id(),
        project=project,
        model_label=model_label,
        training_config_version=config.version,
        evaluation_options=options,
        split_seed=DEFAULT_SPLIT_SEED,
        created_by=user,
        expires_at=timezone.now() + JOB_LIFETIME,
    )
    transaction.on_commit(lambda: _enqueue(job))
    return job


def _enqueue(job: TrainingJob) -> None:
    from django_q.tasks import async_task

    async_task("modeling.tasks.train_model", job.pk, task_name=f"train {job.project_id}/{job.model_label}")


@transaction.atomic
def training_job_cancel(*, job: TrainingJob) -> TrainingJob:
    """Asks a running job to stop (within one mini-batch); a job not started yet is cancelled at once."""
    job = TrainingJob.objects.select_for_update().get(pk=job.pk)
    if job.status == JobStatus.NOT_STARTED:
        job.status = job.training_status = job.evaluation_status = JobStatus.CANCELLED
        job.cancel_requested = True
        job.save()
    elif job.status == JobStatus.RUNNING:
        job.status = JobStatus.CANCELLING
        job.cancel_requested = True
        job.save()
    return job


def training_jobs_fail_stale(*, project: Project | None = None) -> int:
    """Marks failed every running job whose worker stopped writing (killed, crashed, restarted)."""
    cutoff = timezone.now() - STALE_AFTER
    stale = TrainingJob.objects.filter(status__in=(JobStatus.RUNNING, JobStatus.CANCELLING), heartbeat_at__lt=cutoff)
    if project is not None:
        stale = stale.filter(project=project)
    count = 0
    for job in stale:
        _finish(
            job,
            JobStatus.FAILED,
            error="The worker running this job stopped before it finished (it was restarted or crashed). "
            "Start the training again.",
        )
        count += 1
    return count


def training_jobs_fail_running() -> int:
    """At worker start-up on a single machine no job can still be running: fail the ones that claim to."""
    count = 0
    for job in TrainingJob.objects.filter(status__in=(JobStatus.RUNNING, JobStatus.CANCELLING)):
        _finish(job, JobStatus.FAILED, error="The worker was restarted while this job ran. Start the training again.")
        count += 1
    return count


def _finish(job: TrainingJob, status: str, *, error: str | None = None) -> None:
    now = timezone.now()
    job.status = status
    for phase in ("training", "evaluation"):
        if getattr(job, f"{phase}_status") in ACTIVE_STATUSES:
            setattr(job, f"{phase}_status", status)
            if getattr(job, f"{phase}_started_at"):
                setattr(job, f"{phase}_ended_at", now)
    if error:
        code = "OperationCancelled" if status == JobStatus.CANCELLED else "InternalServerError"
        job.errors = [*job.errors, {"code": code, "message": error}]
    job.save()


def _claim(job_pk: int) -> TrainingJob | None:
    """notStarted -> running, atomically, so a task delivered twice trains once."""
    now = timezone.now()
    claimed = TrainingJob.objects.filter(pk=job_pk, status=JobStatus.NOT_STARTED).update(
        status=JobStatus.RUNNING,
        training_status=JobStatus.RUNNING,
        training_started_at=now,
        heartbeat_at=now,
        updated_at=now,
    )
    return TrainingJob.objects.select_related("project").get(pk=job_pk) if claimed else None


class _Heartbeat:
    """Writes `heartbeat_at` every few seconds from a thread, so a live job is never taken for dead."""

    def __init__(self, job_pk: int) -> None:
        self.job_pk = job_pk
        self.stop = threading.Event()
        self.thread = threading.Thread(target=self._run, daemon=True, name=f"heartbeat-{job_pk}")

    def _run(self) -> None:
        try:
            while not self.stop.wait(HEARTBEAT_SECONDS):
                TrainingJob.objects.filter(pk=self.job_pk).update(heartbeat_at=timezone.now())
        finally:
            close_old_connections()

    def __enter__(self):
        self.thread.start()
        return self

    def __exit__(self, *exc):
        self.stop.set()
        self.thread.join(timeout=5)


def training_job_run(*, job_pk: int) -> None:
    """Runs a job in the worker: train, save + reload, evaluate on the test set, record the model."""
    job = _claim(job_pk)
    if job is None:
        logger.info("Training job %s is not waiting to start; nothing to do.", job_pk)
        return
    workdir = Path(settings.MODELS_DIR) / str(job.project_id) / f"{job.model_label}-{uuid.uuid4().hex[:12]}"
    try:
        with _Heartbeat(job.pk):
            model = _train_and_evaluate(job, workdir)
    except _Cancelled:
        shutil.rmtree(workdir, ignore_errors=True)
        _finish(TrainingJob.objects.get(pk=job.pk), JobStatus.CANCELLED, error="The job was cancelled.")
        return
    except (ValueError, InvalidInput) as error:
        shutil.rmtree(workdir, ignore_errors=True)
        _finish(TrainingJob.objects.get(pk=job.pk), JobStatus.FAILED, error=str(error))
        return
    except Exception as error:
        logger.exception("Training job %s failed", job.job_id)
        shutil.rmtree(workdir, ignore_errors=True)
        _finish(
            TrainingJob.objects.get(pk=job.pk),
            JobStatus.FAILED,
            error=f"Training failed: {type(error).__name__}: {error}",
        )
        return
    logger.info("Training job %s produced model %s", job.job_id, model.model_id)


class _Cancelled(Exception):
    pass


class _Progress:
    """Turns ML-core callbacks into job updates: percent, epochs, loss curve, ETA; polls for cancel."""

    def __init__(self, job: TrainingJob) -> None:
        self.job = job
        self.started = time.monotonic()
        self.last_cancel_check = 0.0
        self.cancelled = False

    def on_progress(self, report: dict) -> None:
        percent = max(0, min(99, int(report.get("percent") or 0)))
        progress = dict(self.job.progress)
        epoch = report.get("epoch")
        progress["epoch"] = epoch
        progress["total_epochs"] = report.get("total_epochs")
        # One point per epoch for the loss curve; reports within an epoch refine its running loss.
        curve = [p for p in progress.get("curve", []) if p["epoch"] != epoch]
        if epoch:
            curve.append({"epoch": epoch, "loss": report.get("loss"), "dev_score": report.get("dev_score")})
        progress["curve"] = curve
        now = timezone.now()
        elapsed = time.monotonic() - self.started
        fields = {"progress": progress, "training_percent": percent, "heartbeat_at": now, "updated_at": now}
        if percent > 0:
            # Evaluation is about a tenth of the work; the ETA covers both.
            fields["estimated_end_at"] = now + timedelta(seconds=elapsed * (100 - percent) / percent * 1.1)
        TrainingJob.objects.filter(pk=self.job.pk).update(**fields)
        self.job.progress = progress

    def should_cancel(self) -> bool:
        now = time.monotonic()
        if now - self.last_cancel_check >= 1.0:
            self.last_cancel_check = now
            self.cancelled = TrainingJob.objects.filter(pk=self.job.pk, cancel_requested=True).exists()
        return self.cancelled


def _train_and_evaluate(job: TrainingJob, workdir: Path) -> TrainedModel:
    from modeling.ml import training as ml_training
    from modeling.services.evaluation import evaluate_model

    config = configs.CONFIGS[job.training_config_version]
    project = job.project
    data = project_data(project=project)
    options = job.evaluation_options
    split = split_documents(
        data, kind=options["kind"], train_percent=options.get("trainingSplitPercentage", 80), seed=job.split_seed
    )
    if not split.test:
        raise InvalidInput("The split left no documents to test on; add documents or assign some to Test.")
    warnings = []
    if split.ignored:
        warnings.append(
            {
                "code": "DocumentsIgnored",
                "message": f"{len(split.ignored)} documents assigned to Test were left out of the percentage split.",
            }
        )
    workdir.mkdir(parents=True, exist_ok=True)
    snapshot = write_project(data, include_text=True)
    (workdir / "snapshot.json").write_text(json.dumps(snapshot, ensure_ascii=False))

    progress = _Progress(job)
    try:
        result = ml_training.train(
            config,
            [to_labeled(d) for d in split.train],
            None,
            workdir,
            on_progress=progress.on_progress,
            should_cancel=progress.should_cancel,
        )
    except ml_training.TrainingCancelled:
        raise _Cancelled() from None
    warnings += [w.as_dict() for w in result.warnings]
    now = timezone.now()
    TrainingJob.objects.filter(pk=job.pk).update(
        training_status=JobStatus.SUCCEEDED,
        training_percent=100,
        training_ended_at=now,
        evaluation_status=JobStatus.RUNNING,
        evaluation_started_at=now,
        warnings=warnings,
        heartbeat_at=now,
    )

    def on_evaluation_progress(percent: int) -> None:
        TrainingJob.objects.filter(pk=job.pk).update(evaluation_percent=percent, heartbeat_at=timezone.now())

    evaluation, documents = evaluate_model(
        model_path=result.model_path,
        config=config,
        test=split.test,
        categories=data.entity_types,
        on_progress=on_evaluation_progress,
        should_cancel=progress.should_cancel,
    )
    if progress.should_cancel():
        raise _Cancelled()
    return _record_model(job, workdir, config, result, split, evaluation, documents)


@transaction.atomic
def _record_model(job, workdir, config, result, split, evaluation, documents) -> TrainedModel:
    from collections import Counter

    project = Project.objects.select_for_update().get(pk=job.project_id)
    job = TrainingJob.objects.select_for_update().get(pk=job.pk)
    if job.cancel_requested:
        raise _Cancelled()
    now = timezone.now()
    previous = TrainedModel.objects.filter(project=project, label=job.model_label).first()
    if previous is not None:
        shutil.rmtree(Path(settings.MODELS_DIR) / previous.path, ignore_errors=True)
        previous.delete()
    model = TrainedModel.objects.create(
        project=project,
        label=job.model_label,
        model_id=f"{job.model_label}-{now:%Y%m%dT%H%M%S}-{uuid.uuid4().hex[:8]}",
        path=str(workdir.relative_to(settings.MODELS_DIR)),
        training_config_version=config.version,
        config=result.config,
        evaluation_options=job.evaluation_options,
        split_seed=job.split_seed,
        trained_at=now,
        training_seconds=round(result.seconds, 1),
        train_documents=len(split.train),
        test_documents=len(split.test),
        evaluation=evaluation,
        evaluation_documents=documents,
        label_counts={
            "train": dict(Counter(s.category for d in split.train for s in d.labels)),
            "test": dict(Counter(s.category for d in split.test for s in d.labels)),
        },
        created_by=job.created_by,
    )
    job.status = job.evaluation_status = JobStatus.SUCCEEDED
    job.evaluation_percent = 100
    job.evaluation_ended_at = now
    job.estimated_end_at = now
    job.progress = {
        **job.progress,
        "epochs_run": result.epochs_run,
        "stop_reason": result.stop_reason,
        "averaged_epochs": result.averaged_epochs,
    }
    job.save()
    project.last_trained_at = now
    project.save(update_fields=["last_trained_at"])
    return model
