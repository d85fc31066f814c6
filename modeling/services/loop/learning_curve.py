"""The `learning-curve` job: a model's config retrained on 25 %, 50 % and 75 % of the model's own training
documents (nested shares, fixed seed; `modeling.ml.learning_curve`), each scored on the model's own test documents,
as they were when it trained (its snapshot). The 100 % point is the model itself: the same documents, config and seed
train the same model, so training it again would only cost time.

The result: ``{"points": [{"fraction", "documents", "f1", "precision", "recall", "trained"}], "trainDocuments",
"testDocuments", "modelId", "seed"}``.
"""

from __future__ import annotations

import shutil
from pathlib import Path
from typing import Any

from django.conf import settings

from annotation.formats import DocumentData, ProjectData
from annotation.models import Dataset
from modeling.config import TrainingConfig
from modeling.ml.learning_curve import FRACTIONS, curve_subsets
from modeling.models import LoopJob, TrainedModel
from modeling.services.data import to_labeled
from modeling.services.loop.jobs import LoopCancelled, LoopProgress, loop_job_directory
from modeling.services.models import model_directory, trained_model_snapshot
from modeling.services.training.options import MANUAL, EvaluationOptions
from projects.models import Project
from studio.exceptions import InvalidInput

CURVE_SEED = 0
MIN_TRAIN_DOCUMENTS = 4  # so that 25 % is at least one document


def curve_documents(model: TrainedModel, snapshot: ProjectData) -> tuple[list[DocumentData], list[DocumentData]]:
    """The model's training and test documents, from its snapshot: the test ones are those it was evaluated on;
    the training ones what its split trained on (Train in a manual split, Train and unassigned in a percentage
    one), less the test ones."""
    tested = {d["location"] for d in model.evaluation_documents}
    manual = EvaluationOptions.from_stored(model.evaluation_options or {}).kind == MANUAL
    test = [d for d in snapshot.documents if d.location in tested]
    train = [
        d
        for d in snapshot.documents
        if d.location not in tested and (d.dataset == Dataset.TRAIN if manual else d.dataset != Dataset.TEST)
    ]
    return train, test


def check_params(*, project: Project, params: dict[str, Any], trained_model: TrainedModel | None) -> dict[str, Any]:
    """The model (`modelLabel`) must have been evaluated, keep its snapshot, and have trained on at least 4
    documents."""
    if trained_model is None:
        raise InvalidInput("Choose the model (modelLabel) whose learning curve to draw.", target="modelLabel")
    if not trained_model.evaluation or not trained_model.evaluation_documents:
        raise InvalidInput(f"Model '{trained_model.label}' has no evaluation to compare with; retrain it first.")
    if not (model_directory(trained_model) / "snapshot.json").exists():
        raise InvalidInput(f"Model '{trained_model.label}' has no snapshot of its documents; retrain it first.")
    if trained_model.train_documents < MIN_TRAIN_DOCUMENTS:
        raise InvalidInput(
            f"A learning curve needs a model trained on at least {MIN_TRAIN_DOCUMENTS} documents; "
            f"'{trained_model.label}' trained on {trained_model.train_documents}."
        )
    return {"seed": CURVE_SEED}


def run(job: LoopJob, progress: LoopProgress) -> dict[str, Any]:
    model = job.trained_model
    if model is None:
        raise InvalidInput("The model was deleted before the job ran.")
    config = TrainingConfig.from_dict(model.config)
    snapshot = trained_model_snapshot(model=model)
    train, test = curve_documents(model, snapshot)
    if len(train) < MIN_TRAIN_DOCUMENTS or not test:
        raise InvalidInput(
            f"Model '{model.label}' has {len(train)} training and {len(test)} test documents in its snapshot."
        )
    by_location = {d.location: d for d in train}
    subsets = curve_subsets(list(by_location), FRACTIONS, seed=job.params.get("seed", CURVE_SEED))
    steps = len(FRACTIONS) - 1
    points = []
    for step, (fraction, locations) in enumerate(zip(FRACTIONS[:-1], subsets, strict=False)):
        progress.check_cancel()
        share = f"{fraction:.0%}"
        progress.report(100 * step / steps, f"Training on {share} of the documents ({len(locations)})")

        def report(percent: float, step: int = step, share: str = share, n: int = len(locations)) -> None:
            progress.report(100 * (step + percent / 100) / steps, f"Training on {share} of the documents ({n})")

        scores = train_and_score(
            config=config,
            train=[by_location[location] for location in locations],
            test=test,
            categories=snapshot.entity_types,
            workdir=loop_job_directory(job) / f"{round(100 * fraction)}",
            on_progress=report,
            should_cancel=progress.should_cancel,
        )
        points.append(_point(fraction, len(locations), scores, trained=True))
    points.append(_point(1.0, len(train), model.evaluation, trained=False))
    return {
        "points": points,
        "trainDocuments": len(train),
        "testDocuments": len(test),
        "modelId": model.model_id,
        "seed": job.params.get("seed", CURVE_SEED),
    }


def _point(fraction: float, documents: int, scores: dict[str, Any], *, trained: bool) -> dict[str, Any]:
    return {
        "fraction": fraction,
        "documents": documents,
        "f1": round(scores.get("microF1", 0.0), 4),
        "precision": round(scores.get("microPrecision", 0.0), 4),
        "recall": round(scores.get("microRecall", 0.0), 4),
        "trained": trained,
    }


def train_and_score(
    *,
    config: TrainingConfig,
    train: list[DocumentData],
    test: list[DocumentData],
    categories: list[str],
    workdir: Path,
    on_progress,
    should_cancel,
) -> dict[str, Any]:
    """Trains `config` on `train` in `workdir` (removed after), scores it on `test`: Azure's evaluation summary."""
    from modeling.ml.training import TrainingCancelled
    from modeling.ml.training import train as ml_train
    from modeling.services.evaluation import evaluate_model

    try:
        result = ml_train(
            config,
            [to_labeled(d) for d in train],
            None,
            workdir,
            on_progress=lambda update: on_progress(0.9 * float(update.get("percent") or 0)),
            should_cancel=should_cancel,
            time_limit_seconds=settings.STUDIO_TRAINING_TIME_LIMIT,
        )
        evaluation, _ = evaluate_model(
            model_path=result.model_path,
            config=config,
            test=test,
            categories=categories,
            on_progress=lambda percent: on_progress(90 + percent / 10),
            should_cancel=should_cancel,
        )
    except TrainingCancelled:
        raise LoopCancelled() from None
    finally:
        shutil.rmtree(workdir, ignore_errors=True)
    if not evaluation:  # evaluation stops early only when cancelled
        raise LoopCancelled()
    return evaluation
