"""Exact-match entity-level metrics in Azure's ``customEntityRecognitionEvaluation`` shape (pure Python).

Counting rules (Azure's, see shared/reference/azure-custom-ner.md §1.7):

- a predicted span is a true positive when a gold span has the same start, end and category;
- a span with the right boundaries but the wrong category is a false positive for the predicted category
  and a false negative for the gold one;
- the confusion matrix has gold categories as outer keys and predicted ones as inner keys, plus ``$none``:
  a gold span with no prediction of identical boundaries counts in column ``$none``, a prediction with no
  gold span of identical boundaries counts in row ``$none``. Each cell is ``{"normalizedValue": percent
  of its row, "rawValue": count}``. The matrix is complete (zero cells included) so a UI can draw it.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable, Sequence
from typing import Any

NONE = "$none"

# (start, end, category) or (start, end, category, confidence): extra fields are ignored.
SpanLike = Sequence[Any]


def evaluate(
    gold: Sequence[Iterable[SpanLike]],
    predicted: Sequence[Iterable[SpanLike]],
    categories: Iterable[str],
) -> dict[str, Any]:
    """Scores predictions against gold spans, document by document.

    Args:
        gold: per document, the labeled spans ``(start, end, category)``.
        predicted: per document (same order), the predicted spans; a 4th item (confidence) is ignored.
        categories: the project's entity categories; categories found in the data are added.

    Returns:
        ``{"entities", "microF1", "microPrecision", "microRecall", "macroF1", "macroPrecision",
        "macroRecall", "confusionMatrix"}``. Macro averages cover the categories that occur in the gold or
        predicted spans: a category absent from both has no defined precision or recall.
    """
    if len(gold) != len(predicted):
        raise ValueError(f"{len(gold)} gold documents but {len(predicted)} predicted ones.")
    tp: Counter[str] = Counter()
    fp: Counter[str] = Counter()
    fn: Counter[str] = Counter()
    cells: Counter[tuple[str, str]] = Counter()
    seen = set(categories)

    for gold_doc, predicted_doc in zip(gold, predicted, strict=True):
        gold_spans = {(s[0], s[1], s[2]) for s in gold_doc}
        predicted_spans = {(s[0], s[1], s[2]) for s in predicted_doc}
        seen.update(c for _, _, c in gold_spans | predicted_spans)
        tp.update(c for _, _, c in gold_spans & predicted_spans)
        fn.update(c for _, _, c in gold_spans - predicted_spans)
        fp.update(c for _, _, c in predicted_spans - gold_spans)

        predicted_at = _by_boundaries(predicted_spans)
        gold_at = _by_boundaries(gold_spans)
        for start, end, category in gold_spans:
            matches = predicted_at.get((start, end), [NONE])
            cells.update((category, p) for p in matches)
        for start, end, category in predicted_spans:
            if (start, end) not in gold_at:
                cells[(NONE, category)] += 1

    ordered = sorted(seen)
    entities = {c: _scores(tp[c], fp[c], fn[c]) for c in ordered}
    micro = _scores(sum(tp.values()), sum(fp.values()), sum(fn.values()))
    occurring = [entities[c] for c in ordered if tp[c] + fp[c] + fn[c] > 0]
    return {
        "entities": entities,
        "microF1": micro["f1"],
        "microPrecision": micro["precision"],
        "microRecall": micro["recall"],
        "macroF1": _mean(e["f1"] for e in occurring),
        "macroPrecision": _mean(e["precision"] for e in occurring),
        "macroRecall": _mean(e["recall"] for e in occurring),
        "confusionMatrix": _matrix(ordered, cells),
    }


def _by_boundaries(spans: Iterable[tuple[int, int, str]]) -> dict[tuple[int, int], list[str]]:
    result: dict[tuple[int, int], list[str]] = {}
    for start, end, category in spans:
        result.setdefault((start, end), []).append(category)
    return result


def _scores(tp: int, fp: int, fn: int) -> dict[str, Any]:
    precision = tp / (tp + fp) if tp + fp else 0.0
    recall = tp / (tp + fn) if tp + fn else 0.0
    f1 = 2 * precision * recall / (precision + recall) if precision + recall else 0.0
    return {
        "f1": f1,
        "precision": precision,
        "recall": recall,
        "truePositiveCount": tp,
        # Azure reports 0: true negatives are not defined for span extraction.
        "trueNegativeCount": 0,
        "falsePositiveCount": fp,
        "falseNegativeCount": fn,
    }


def _mean(values: Iterable[float]) -> float:
    items = list(values)
    return sum(items) / len(items) if items else 0.0


def _matrix(categories: list[str], cells: Counter[tuple[str, str]]) -> dict[str, dict[str, dict[str, float]]]:
    matrix: dict[str, dict[str, dict[str, float]]] = {}
    for row in [*categories, NONE]:
        columns = [c for c in [*categories, NONE] if not (row == NONE and c == NONE)]
        total = sum(cells[(row, c)] for c in columns)
        matrix[row] = {
            c: {"normalizedValue": 100.0 * cells[(row, c)] / total if total else 0.0, "rawValue": cells[(row, c)]}
            for c in columns
        }
    return matrix
