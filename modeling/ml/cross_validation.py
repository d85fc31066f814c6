"""k-fold cross-validation for the label-error finder: every document is predicted by a model that never saw it.

The documents are dealt into k folds (shuffled with a seed, so the same documents and seed give the same folds);
for each fold a model trains on the other k - 1 folds (`training.train`, the config's own epochs) and scores the
fold's documents (`span_probabilities.score_spans`): its entities and the probability of each label. Each fold
trains on (k - 1) / k of the documents, so the whole costs a little under k trainings on all of them.

flair and torch are imported lazily (by the modules called here).
"""

from __future__ import annotations

import random
import shutil
from collections.abc import Callable, Sequence
from pathlib import Path

from modeling.config import TrainingConfig
from modeling.ml.callbacks import CancelCheck, TrainingCancelled
from modeling.ml.corpus import LabeledDocument
from modeling.ml.label_errors import ReviewedDocument

# Called with (percent of the whole 0-100, a sentence for people).
FoldProgress = Callable[[float, str], None]
# A fold's scoring is a small share of its cost (one pass over a k-th of the documents vs epochs over the rest).
_SCORING_SHARE = 0.05


def assign_folds(doc_ids: Sequence[str], folds: int, seed: int) -> list[int]:
    """The fold (0 .. folds - 1) of each document, same order: dealt round-robin after a seeded shuffle of the
    ids, so the folds differ in size by at most one and do not depend on the order the documents came in."""
    if folds < 2:
        raise ValueError(f"Cross-validation needs at least 2 folds, got {folds}.")
    if len(doc_ids) < folds:
        raise ValueError(f"{folds} folds need at least {folds} documents; there are {len(doc_ids)}.")
    order = sorted(set(doc_ids))
    if len(order) != len(doc_ids):
        raise ValueError("Document ids must be unique.")
    random.Random(seed).shuffle(order)
    fold_of = {doc_id: position % folds for position, doc_id in enumerate(order)}
    return [fold_of[doc_id] for doc_id in doc_ids]


def out_of_fold_review(
    config: TrainingConfig,
    documents: Sequence[LabeledDocument],
    workdir: str | Path,
    *,
    folds: int,
    seed: int = 0,
    on_progress: FoldProgress | None = None,
    should_cancel: CancelCheck | None = None,
    threads: int | None = 1,
    time_limit_seconds: float | None = None,
) -> list[ReviewedDocument]:
    """Trains `folds` models and returns, per document (same order), its labels with their probabilities and the
    entities predicted by the model that left it out.

    Raises:
        TrainingCancelled: ``should_cancel`` answered True (between or during folds).
        ValueError: too few documents for the folds, or a fold's training documents hold no labels.
    """
    from modeling.ml.inference import load_tagger
    from modeling.ml.span_probabilities import score_spans
    from modeling.ml.training import train

    workdir = Path(workdir)
    fold_of = assign_folds([d.doc_id for d in documents], folds, seed)
    reviewed: list[ReviewedDocument | None] = [None] * len(documents)
    for fold in range(folds):
        if should_cancel is not None and should_cancel():
            raise TrainingCancelled()
        held_out = [i for i, f in enumerate(fold_of) if f == fold]
        training = [d for d, f in zip(documents, fold_of, strict=True) if f != fold]
        base = 100.0 * fold / folds
        share = 100.0 / folds

        def report(update: dict, fold: int = fold, base: float = base, share: float = share) -> None:
            if on_progress is not None:
                done = (1 - _SCORING_SHARE) * float(update.get("percent") or 0) / 100
                epoch = f", epoch {update['epoch']} of {update['total_epochs']}" if update.get("epoch") else ""
                on_progress(base + share * done, f"Training fold {fold + 1} of {folds}{epoch}")

        if on_progress is not None:
            on_progress(base, f"Training fold {fold + 1} of {folds}")
        fold_dir = workdir / f"fold-{fold + 1}"
        try:
            result = train(
                config,
                training,
                None,
                fold_dir,
                on_progress=report,
                should_cancel=should_cancel,
                threads=threads,
                time_limit_seconds=time_limit_seconds,
            )
            if on_progress is not None:
                on_progress(base + share * (1 - _SCORING_SHARE), f"Checking fold {fold + 1} of {folds}")
            tagger = load_tagger(result.model_path)
            scored = score_spans(
                tagger, [documents[i].text for i in held_out], [documents[i].spans for i in held_out], config
            )
        finally:
            shutil.rmtree(fold_dir, ignore_errors=True)
        for i, result_of_doc in zip(held_out, scored, strict=True):
            doc = documents[i]
            reviewed[i] = ReviewedDocument(
                doc_id=doc.doc_id,
                labels=list(doc.spans),
                label_probabilities=result_of_doc.label_probabilities,
                predicted=result_of_doc.predicted,
                label_none_probabilities=result_of_doc.label_none_probabilities,
                predicted_none_probabilities=result_of_doc.predicted_none_probabilities,
            )
    if on_progress is not None:
        on_progress(100.0, f"Checked {len(documents)} documents with {folds} folds")
    return [r for r in reviewed if r is not None]
