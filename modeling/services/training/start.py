"""Starting a training job (every check, then the queue) and cancelling one."""

from __future__ import annotations

import logging
from datetime import timedelta

from django.db import transaction
from django.utils import timezone

from annotation import selectors_team
from annotation.models import Dataset, Label
from annotation.splits import DEFAULT_SEED, split_counts
from modeling import config as configs
from modeling import selectors
from modeling.models import TrainingJob
from modeling.services.training.estimate import training_estimate
from modeling.services.training.options import MANUAL, EvaluationOptions
from modeling.services.training.split import NO_TRAIN_DOCUMENTS
from modeling.services.training.state import job_enqueue
from modeling.services.training.sweeps import training_jobs_fail_stale
from projects.models import ACTIVE_STATUSES, JobStatus, Project
from projects.services.operations import new_job_id
from studio import limits
from studio.exceptions import ApplicationError, Conflict, InvalidInput, ServiceBusy

logger = logging.getLogger(__name__)
# Seconds a caller is asked to wait (`Retry-After`) when the task queue cannot take a job.
QUEUE_DOWN_RETRY_AFTER = 30


def resolve_config(version: str | None) -> configs.TrainingConfig:
    try:
        return configs.resolve(version)
    except ValueError as error:
        raise InvalidInput(
            str(error), target="trainingConfigVersion", innererror_code="InvalidParameterValue"
        ) from None


def training_job_start(
    *, user, project: Project, model_label: str, config_version: str | None, evaluation: EvaluationOptions
) -> TrainingJob:
    """Checks that the project can be trained, records a job and hands it to the worker."""
    limits.check_name(model_label, what="Model")
    config = resolve_config(config_version)
    # Read-only work (it tokenizes a sample of the documents) before the transaction, which on SQLite holds the
    # database's write lock from its first statement.
    estimated_seconds = training_estimate(project=project, config=config, evaluation=evaluation).total_seconds
    return _job_create(
        user=user,
        project=project,
        model_label=model_label,
        config=config,
        evaluation=evaluation,
        estimated_seconds=estimated_seconds,
    )


@transaction.atomic
def _job_create(
    *,
    user,
    project: Project,
    model_label: str,
    config: configs.TrainingConfig,
    evaluation: EvaluationOptions,
    estimated_seconds: float,
) -> TrainingJob:
    Project.objects.select_for_update().filter(pk=project.pk).first()  # serializes concurrent starts
    training_jobs_fail_stale(project=project)
    active = project.training_jobs.filter(status__in=ACTIVE_STATUSES).first()
    if active:
        raise Conflict(
            f"A training job is already running in project '{project.name}' (model '{active.model_label}', "
            f"job {active.job_id}); wait for it or cancel it.",
            innererror_code="Conflict",
        )
    labels = Label.objects.filter(document__in=selectors_team.training_documents(project=project))
    if not labels.exists():
        if project.require_review:
            raise InvalidInput(
                "The project trains only on reviewed documents and no reviewed document has labels; review some "
                "(or turn the requirement off in the project's settings)."
            )
        raise InvalidInput("The project has no labels; label some entities before training.")
    labeled_documents = labels.values("document").distinct().count()
    if labeled_documents < limits.TRAINING_DOCUMENTS_MIN:
        raise InvalidInput(
            f"Training needs at least {limits.TRAINING_DOCUMENTS_MIN} labeled documents; "
            f"the project has {labeled_documents}{' reviewed' if project.require_review else ''}."
        )
    _check_split(project, evaluation)
    existing = list(selectors.trained_model_list(project=project).values_list("label", flat=True))
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
        evaluation_options=evaluation.as_stored(),
        split_seed=DEFAULT_SEED,  # the distribution page's split with this seed is the one the job trains on
        created_by=user,
        expires_at=timezone.now() + limits.JOB_LIFETIME,
        # Until its first progress report, the train page's estimate says when a queued job should end.
        estimated_end_at=timezone.now() + timedelta(seconds=estimated_seconds),
        heartbeat_at=timezone.now(),  # handed to the queue now (`sweeps.training_jobs_requeue_waiting`)
    )
    transaction.on_commit(lambda: _enqueue(job))
    return job


def _enqueue(job: TrainingJob) -> None:
    """After the commit, so the worker finds the job it is given. A queue that cannot take it (Redis down) leaves no
    job behind to block the project: the caller gets a retryable 503."""
    try:
        job_enqueue(job)
    except Exception as error:  # whatever the broker raises (redis.ConnectionError, a database error)
        logger.warning("Training job %s was not started: the task queue refused it (%r).", job.job_id, error)
        TrainingJob.objects.filter(pk=job.pk).delete()
        raise ServiceBusy(
            "The task queue cannot be reached, so the training job was not started. "
            f"Try again in {QUEUE_DOWN_RETRY_AFTER} seconds.",
            retry_after=QUEUE_DOWN_RETRY_AFTER,
            innererror_code="QueueUnavailable",
        ) from error


def _check_split(project: Project, evaluation: EvaluationOptions) -> None:
    """Both sides of the split must have documents, or the job could only fail in the worker."""
    if evaluation.kind == MANUAL:
        if not project.documents.filter(dataset=Dataset.TEST).exists():
            raise InvalidInput(
                "A manual split needs documents assigned to Test; assign some, or use a percentage split.",
                target="evaluationOptions.kind",
            )
        if not project.documents.filter(dataset=Dataset.TRAIN).exists():
            raise InvalidInput(NO_TRAIN_DOCUMENTS, target="evaluationOptions.kind")
        return
    pool = project.documents.exclude(dataset=Dataset.TEST).count()
    train, test = split_counts(pool, evaluation.testing_percent)
    if not train or not test:
        raise InvalidInput(
            f"A {evaluation.training_percent}/{evaluation.testing_percent} split of the {pool} Train and unassigned "
            f"documents leaves none to {'train' if not train else 'test'} on; change the percentages, or assign "
            "documents to Test and use a manual split.",
            target="evaluationOptions",
        )


@transaction.atomic
def training_job_cancel(*, job: TrainingJob) -> TrainingJob:
    """Asks a running job to stop (within one mini-batch); a job not started yet is cancelled at once; one already
    cancelling stays so. A job that has ended cannot be cancelled (400 InvalidRequest, as the runtime's jobs and
    Azure answer)."""
    job = TrainingJob.objects.select_for_update().get(pk=job.pk)
    if job.status not in ACTIVE_STATUSES:
        raise ApplicationError(
            f"Failed to cancel training job {job.job_id}: it has already ended ({job.status}), and only a job that "
            "is notStarted or running can be cancelled.",
            code="InvalidRequest",
        )
    if job.status == JobStatus.NOT_STARTED:
        job.status = job.training_status = job.evaluation_status = JobStatus.CANCELLED
        job.cancel_requested = True
        job.save()
    elif job.status == JobStatus.RUNNING:
        job.status = JobStatus.CANCELLING
        job.cancel_requested = True
        job.save()
    return job
