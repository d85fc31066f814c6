"""The `label-errors` job: k-fold cross-validation over the project's labeled Train documents
(`modeling.ml.cross_validation`), each document's labels compared with what the fold model that never saw it
predicts (`modeling.ml.label_errors`), the likely errors stored as `LabelIssue` rows, most likely first.

A dismissed issue is remembered: when a later check finds the same issue (same document, same labels, same
suggestion), it starts dismissed. Applying or dismissing one is `label_issues`' job.
"""

from __future__ import annotations

import shutil
from dataclasses import dataclass
from typing import Any

from django.conf import settings
from django.db import transaction

from annotation.models import Dataset, Document
from annotation.services.imports import project_data
from modeling import config as configs
from modeling.ml.label_errors import LabelIssue as FoundIssue
from modeling.ml.label_errors import find_issues
from modeling.models import LabelIssue, LabelIssueStatus, LoopJob, LoopKind, TrainedModel
from modeling.services.data import to_labeled
from modeling.services.loop.jobs import LoopCancelled, LoopProgress, loop_job_directory
from modeling.services.training.estimate import DocumentCounts, TrainingEstimate, document_counts, estimate_for
from modeling.services.training.options import MANUAL, EvaluationOptions
from projects.models import Project
from studio.exceptions import InvalidInput

DEFAULT_FOLDS = 5
MIN_FOLDS, MAX_FOLDS = 2, 10
# Issues scored below this are not listed: there the model prefers the labels to its own version.
MIN_SCORE = 0.5
# At most this many issues are stored per check, the most likely ones.
MAX_ISSUES = 2_000
FOLD_SEED = 0


@dataclass(frozen=True)
class LabelErrorsPlan:
    """What a check would do, before it starts: the documents, the fold choices and how long each would take."""

    documents: int  # labeled Train documents
    default_folds: int
    config: configs.TrainingConfig
    # One training on all `documents` (what the train page would estimate for them); None: too few documents.
    one_training: TrainingEstimate | None
    # Per number of folds that can be chosen: the estimated seconds of all folds (each trains on (k - 1) / k of
    # the documents and predicts the rest).
    fold_seconds: dict[int, float]

    @property
    def possible(self) -> bool:
        return self.documents >= MIN_FOLDS


def _labeled_train(project: Project):
    return project.documents.filter(dataset=Dataset.TRAIN, labels__isnull=False).distinct()


def default_folds(documents: int) -> int:
    """5 folds (each model trains on 80 % of the documents), fewer when there are fewer documents."""
    return max(MIN_FOLDS, min(DEFAULT_FOLDS, documents))


def label_errors_plan(*, project: Project, config_version: str | None = None) -> LabelErrorsPlan:
    """What a check of `project` would train, and how long it would take with each number of folds (reads only)."""
    config = configs.resolve(config_version)
    documents = _labeled_train(project).count()
    if documents < MIN_FOLDS:
        return LabelErrorsPlan(documents, default_folds(documents), config, None, {})
    counts = document_counts(project=project)
    per_document = counts.train_tokens / counts.train_documents if counts.train_documents else 0.0
    manual = EvaluationOptions(kind=MANUAL)

    def estimate(train: int, test: int) -> TrainingEstimate:
        return estimate_for(
            counts=_counts(train, round(per_document * train), test, round(per_document * test)),
            config=config,
            evaluation=manual,
        )

    fold_seconds = {}
    for folds in range(MIN_FOLDS, min(MAX_FOLDS, documents) + 1):
        held_out = documents // folds
        fold_seconds[folds] = estimate(documents - held_out, held_out).total_seconds * folds
    return LabelErrorsPlan(documents, default_folds(documents), config, estimate(documents, 0), fold_seconds)


def _counts(train_documents: int, train_tokens: int, test_documents: int, test_tokens: int) -> DocumentCounts:
    return DocumentCounts(
        train_documents=train_documents,
        train_tokens=train_tokens,
        unassigned_documents=0,
        unassigned_tokens=0,
        test_documents=test_documents,
        test_tokens=test_tokens,
    )


def check_params(*, project: Project, params: dict[str, Any], trained_model: TrainedModel | None) -> dict[str, Any]:
    """`folds` (2-10; default 5, fewer for fewer documents) and `trainingConfigVersion` (default: the default)."""
    version = params.get("trainingConfigVersion")
    try:
        config = configs.resolve(version if version is None or isinstance(version, str) else str(version))
    except ValueError as error:
        raise InvalidInput(str(error), target="params.trainingConfigVersion") from None
    documents = _labeled_train(project).count()
    if documents < MIN_FOLDS:
        raise InvalidInput(
            f"Checking labels needs at least {MIN_FOLDS} labeled documents in Train; project '{project.name}' has "
            f"{documents}. Assign labeled documents to Train on the documents page.",
        )
    folds = params.get("folds", default_folds(documents))
    if not isinstance(folds, int) or isinstance(folds, bool) or not MIN_FOLDS <= folds <= MAX_FOLDS:
        raise InvalidInput(
            f"folds must be a whole number from {MIN_FOLDS} to {MAX_FOLDS}, got {folds!r}.", target="params.folds"
        )
    if folds > documents:
        raise InvalidInput(
            f"{folds} folds need at least {folds} labeled Train documents; there are {documents}.",
            target="params.folds",
        )
    return {"folds": folds, "trainingConfigVersion": config.version, "seed": FOLD_SEED}


def run(job: LoopJob, progress: LoopProgress) -> dict[str, Any]:
    from modeling.ml.callbacks import TrainingCancelled
    from modeling.ml.cross_validation import out_of_fold_review

    config = configs.CONFIGS[job.params["trainingConfigVersion"]]
    folds = job.params["folds"]
    data = project_data(project=job.project)
    labeled = [d for d in data.documents if d.dataset == Dataset.TRAIN and d.labels]
    if len(labeled) < folds:
        raise InvalidInput(f"{folds} folds need at least {folds} labeled Train documents; there are {len(labeled)}.")
    workdir = loop_job_directory(job)
    progress.report(0, f"Training {folds} models on {len(labeled)} labeled Train documents")
    try:
        reviewed = out_of_fold_review(
            config,
            [to_labeled(d) for d in labeled],
            workdir,
            folds=folds,
            seed=job.params.get("seed", FOLD_SEED),
            on_progress=lambda percent, message: progress.report(percent * 0.98, message),
            should_cancel=progress.should_cancel,
            time_limit_seconds=settings.STUDIO_TRAINING_TIME_LIMIT,
        )
    except TrainingCancelled:
        raise LoopCancelled() from None
    finally:
        shutil.rmtree(workdir, ignore_errors=True)
    progress.check_cancel()
    issues = find_issues(reviewed, min_score=MIN_SCORE)
    stored = _store(job, issues[:MAX_ISSUES])
    kinds: dict[str, int] = {}
    for issue in issues:
        kinds[issue.kind] = kinds.get(issue.kind, 0) + 1
    return {
        "documents": len(labeled),
        "folds": folds,
        "trainingConfigVersion": config.version,
        "issues": len(issues),
        "stored": stored,
        "byKind": kinds,
        "keptDismissed": LabelIssue.objects.filter(job=job, status=LabelIssueStatus.DISMISSED).count(),
    }


def _key(document_id: int, labels: Any, suggestion: Any) -> tuple:
    return (document_id, tuple(map(tuple, labels)), tuple(map(tuple, suggestion)))


@transaction.atomic
def _store(job: LoopJob, issues: list[FoundIssue]) -> int:
    """Stores the issues with their ranks; those a person dismissed in an earlier check stay dismissed."""
    documents = dict(Document.objects.filter(project=job.project_id).values_list("location", "pk"))
    dismissed = {
        _key(document_id, labels, suggestion)
        for document_id, labels, suggestion in LabelIssue.objects.filter(
            job__project=job.project_id, job__kind=LoopKind.LABEL_ERRORS, status=LabelIssueStatus.DISMISSED
        ).values_list("document_id", "labels", "suggestion")
    }
    rows = []
    for issue in issues:
        document_id = documents.get(issue.doc_id)
        if document_id is None:  # deleted while the check ran
            continue
        labels, suggestion = [list(s) for s in issue.labels], [list(s) for s in issue.suggestion]
        was_dismissed = _key(document_id, labels, suggestion) in dismissed
        rows.append(
            LabelIssue(
                job=job,
                document_id=document_id,
                rank=len(rows) + 1,
                kind=issue.kind,
                score=issue.score,
                labels=labels,
                suggestion=suggestion,
                label_probability=issue.label_probability,
                suggestion_probability=issue.suggestion_probability,
                status=LabelIssueStatus.DISMISSED if was_dismissed else LabelIssueStatus.OPEN,
            )
        )
    LabelIssue.objects.bulk_create(rows, batch_size=500)
    return len(rows)
