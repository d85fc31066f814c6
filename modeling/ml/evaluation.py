"""Azure's scoring rule for custom NER, once: span matching, exact-match metrics and the confusion matrix.

Counting rules (Azure's, see shared/reference/azure-custom-ner.md §1.7), applied by `match_spans`:

- a predicted span is a true positive when a gold span has the same start, end and category;
- a span with the right boundaries but the wrong category is a false positive for the predicted category
  and a false negative for the gold one;
- any other gold span is a false negative, any other predicted span a false positive.

`evaluate` counts from those matches, and so do the model dashboard's test-set pages, so the two always agree.
The confusion matrix has gold categories as outer keys and predicted ones as inner keys, plus ``$none``: a gold
span with no prediction of identical boundaries counts in column ``$none``, a prediction with no gold span of
identical boundaries counts in row ``$none``. Each cell is ``{"normalizedValue": percent of its row,
"rawValue": count}``. The matrix is complete (zero cells included) so a UI can draw it. Pure Python.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import Any

# The confusion matrix's row and column for "no span here" (Azure's name).
NONE = "$none"

# Outcomes of a `SpanMatch`.
TP, FN, FP, WRONG_TYPE = "tp", "fn", "fp", "type"

# (start, end, category) or (start, end, category, confidence): extra fields are ignored.
SpanLike = Sequence[Any]


@dataclass(frozen=True)
class SpanMatch:
    """One place in a document, scored: what was labeled there and what the model predicted."""

    start: int
    end: int
    # tp | fn | fp | type (a wrong type counts as FN for the label and FP for the prediction)
    outcome: str
    expected: str | None  # the gold category; None for a spurious prediction
    predicted: str | None  # the predicted category; None for a missed label
    confidence: float | None = None  # of the prediction, when the predicted span carried one

    @property
    def false_negative(self) -> str | None:
        """The gold category this match counts a false negative for, if any."""
        return self.expected if self.outcome in (FN, WRONG_TYPE) else None

    @property
    def false_positive(self) -> str | None:
        """The predicted category this match counts a false positive for, if any."""
        return self.predicted if self.outcome in (FP, WRONG_TYPE) else None


def match_spans(gold: Iterable[SpanLike], predicted: Iterable[SpanLike]) -> list[SpanMatch]:
    """Lines up one document's gold and predicted spans with Azure's rule, in order of their boundaries.

    Identical span = TP; same boundaries, other category = "type" (FN + FP); otherwise FN or FP. A span given
    twice counts once. At one pair of boundaries (labels never overlap, so there is at most one of each side),
    true positives come first, then wrong types pairing the rest in order, then the misses and spurious ones.
    """
    expected: dict[tuple[int, int], list[str]] = {}
    guessed: dict[tuple[int, int], dict[str, float | None]] = {}
    for span in gold:
        categories = expected.setdefault((span[0], span[1]), [])
        if span[2] not in categories:
            categories.append(span[2])
    for span in predicted:
        guessed.setdefault((span[0], span[1]), {}).setdefault(span[2], span[3] if len(span) > 3 else None)
    matches: list[SpanMatch] = []
    for start, end in sorted(set(expected) | set(guessed)):
        labels = list(expected.get((start, end), []))
        guesses = dict(guessed.get((start, end), {}))
        for category in [c for c in guesses if c in labels]:
            labels.remove(category)
            matches.append(SpanMatch(start, end, TP, category, category, guesses.pop(category)))
        rest = list(guesses.items())
        for category, (guess, confidence) in zip(labels, rest, strict=False):
            matches.append(SpanMatch(start, end, WRONG_TYPE, category, guess, confidence))
        paired = min(len(labels), len(rest))
        matches += [SpanMatch(start, end, FN, category, None) for category in labels[paired:]]
        matches += [SpanMatch(start, end, FP, None, guess, confidence) for guess, confidence in rest[paired:]]
    return matches


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
        for match in match_spans(gold_doc, predicted_doc):
            seen.update(c for c in (match.expected, match.predicted) if c is not None)
            if match.outcome == TP:
                tp[match.expected] += 1
            if match.false_negative is not None:
                fn[match.false_negative] += 1
            if match.false_positive is not None:
                fp[match.false_positive] += 1
            cells[(match.expected or NONE, match.predicted or NONE)] += 1

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
