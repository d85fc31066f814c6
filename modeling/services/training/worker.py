"""Running a job in the worker: claim it, train, save + reload, evaluate on the test set, record the model."""

from __future__ import annotations

import json
import logging
import uuid
from collections import Counter
from pathlib import Path

from django.conf import settings
from django.db import transaction
from django.utils import timezone

from annotation.formats.azure import write_project
from annotation.services.imports import project_data
from modeling import config as configs
from modeling import selectors
from modeling.ml.callbacks import TrainingTimedOut
from modeling.models import TrainedModel, TrainingJob
from modeling.services.data import to_labeled
from modeling.services.models import trained_model_replace
from modeling.services.training.progress import Cancelled, Heartbeat, Progress
from modeling.services.training.split import job_split
from modeling.services.training.state import job_claim, job_finish, run_directory, run_directory_remove
from projects.models import ACTIVE_STATUSES, JobStatus, Project
from studio.exceptions import InvalidInput

logger = logging.getLogger(__name__)


def training_job_run(*, job_pk: int) -> None:
    """Runs a job in the worker: train, save + reload, evaluate on the test set, record the model."""
    job = job_claim(job_pk)
    if job is None:
        logger.info("Training job %s is not waiting to start; nothing to do.", job_pk)
        return
    workdir = run_directory(job)
    try:
        with Heartbeat(job.pk):
            model = _train_and_evaluate(job, workdir)
    except Cancelled:
        _finish(job, workdir, JobStatus.CANCELLED, "The job was cancelled.")
        return
    except (ValueError, InvalidInput, TrainingTimedOut) as error:
        _finish(job, workdir, JobStatus.FAILED, str(error))
        return
    except JobEnded:
        logger.info("Training job %s was ended or deleted while it ran; its files are gone.", job.job_id)
        run_directory_remove(workdir)
        return
    except Exception as error:
        logger.exception("Training job %s failed", job.job_id)
        _finish(job, workdir, JobStatus.FAILED, f"Training failed: {type(error).__name__}: {error}")
        return
    logger.info("Training job %s produced model %s", job.job_id, model.model_id)


class JobEnded(Exception):
    """The job is no longer this worker's: a sweep failed it, or it went with its project."""


def _finish(job: TrainingJob, workdir: Path, status: str, error: str) -> None:
    """Ends a run that recorded no model: its files go at once (no row points at them), and the job ends with
    `status` unless a sweep ended it, or its project's deletion removed it, meanwhile."""
    run_directory_remove(workdir)
    current = TrainingJob.objects.filter(pk=job.pk).first()
    if current is not None and current.status in ACTIVE_STATUSES:
        job_finish(current, status, error=error)


def _train_and_evaluate(job: TrainingJob, workdir: Path) -> TrainedModel:
    from modeling.ml import training as ml_training
    from modeling.services.evaluation import evaluate_model

    config = configs.CONFIGS[job.training_config_version]
    data = project_data(project=job.project)
    split, warnings = job_split(job, data)
    workdir.mkdir(parents=True, exist_ok=True)
    snapshot = write_project(data, include_text=True)
    (workdir / "snapshot.json").write_text(json.dumps(snapshot, ensure_ascii=False))

    progress = Progress(job)
    try:
        result = ml_training.train(
            config,
            [to_labeled(d) for d in split.train],
            None,
            workdir,
            on_progress=progress.on_progress,
            should_cancel=progress.should_cancel,
            time_limit_seconds=settings.STUDIO_TRAINING_TIME_LIMIT,
        )
    except ml_training.TrainingCancelled:
        raise (JobEnded() if progress.ended else Cancelled()) from None
    warnings += [w.as_dict() for w in result.warnings]
    now = timezone.now()
    TrainingJob.objects.filter(pk=job.pk, status__in=ACTIVE_STATUSES).update(
        training_status=JobStatus.SUCCEEDED,
        training_percent=100,
        training_ended_at=now,
        evaluation_status=JobStatus.RUNNING,
        evaluation_started_at=now,
        warnings=warnings,
        heartbeat_at=now,
    )
    evaluation, documents = evaluate_model(
        model_path=result.model_path,
        config=config,
        test=split.test,
        categories=data.entity_types,
        on_progress=progress.on_evaluation_progress,
        should_cancel=progress.should_cancel,
    )
    if progress.should_cancel():
        raise JobEnded() if progress.ended else Cancelled()
    return _record_model(job, workdir, config, result, split, evaluation, documents)


@transaction.atomic
def _record_model(job, workdir, config, result, split, evaluation, documents) -> TrainedModel:
    """Records the new model under the job's label in one transaction. The label's previous model is replaced:
    deleted (its files once this commits) unless a deployment serves it, in which case it keeps serving, files
    included, until no deployment serves it any more (`modeling.services.models`)."""
    project = Project.objects.select_for_update().filter(pk=job.project_id).first()
    job = TrainingJob.objects.select_for_update().filter(pk=job.pk).first()
    if project is None or job is None or job.status not in ACTIVE_STATUSES:
        raise JobEnded()
    if job.cancel_requested:
        raise Cancelled()
    now = timezone.now()
    previous = selectors.trained_model_list(project=project).filter(label=job.model_label).first()
    if previous is not None:
        trained_model_replace(model=previous, at=now)
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
        "total_epochs": result.epochs_planned,
        "stop_reason": result.stop_reason,
        "averaged_epochs": result.averaged_epochs,
    }
    job.save()
    project.last_trained_at = now
    project.save(update_fields=["last_trained_at"])
    return model
