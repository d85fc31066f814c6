"""Evaluating a freshly trained (and reloaded) model on the test documents."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

from annotation.formats import DocumentData
from modeling.config import TrainingConfig

BATCH_DOCUMENTS = 32


def evaluate_model(
    *,
    model_path: Path,
    config: TrainingConfig,
    test: list[DocumentData],
    categories: list[str],
    on_progress: Callable[[int], None] | None = None,
    should_cancel: Callable[[], bool] | None = None,
) -> tuple[dict, list[dict]]:
    """Predicts every test document with the model as loaded from disk and scores it.

    Returns Azure's `customEntityRecognitionEvaluation` and, per document, the expected and predicted spans
    (code points) for the test-set views.
    """
    from modeling.ml.evaluation import evaluate
    from modeling.ml.inference import load_tagger, predict_spans

    tagger = load_tagger(model_path)
    predicted: list[list[tuple]] = []
    for offset in range(0, len(test), BATCH_DOCUMENTS):
        if should_cancel is not None and should_cancel():
            break
        batch = test[offset : offset + BATCH_DOCUMENTS]
        predicted += predict_spans(tagger, [d.text for d in batch], config)
        if on_progress is not None:
            on_progress(min(99, int(100 * (offset + len(batch)) / len(test))))
    if len(predicted) < len(test):
        return {}, []
    gold = [[tuple(s) for s in d.labels] for d in test]
    summary = evaluate(gold, predicted, categories)
    documents = [
        {
            "location": d.location,
            "language": d.language,
            "expected": [list(s) for s in g],
            "predicted": [[s, e, c, round(p, 4)] for s, e, c, p in pred],
        }
        for d, g, pred in zip(test, gold, predicted, strict=True)
    ]
    return summary, documents
