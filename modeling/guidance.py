"""Guidance on a trained model's data and scores, as Language Studio's guidance panel gives it.

Pure functions over a model's `evaluation` (Azure's ``customEntityRecognitionEvaluation``) and its
`label_counts` (``{"train": {category: n}, "test": {category: n}}``): no Django, no database, so every rule
is unit-tested on plain dicts. The thresholds follow Azure's evaluation-metrics guidance and FAQ
(shared/reference/azure-custom-ner.md sections 1.7 and 1.13).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from modeling.ml.evaluation import NONE

# Azure: "fewer than 15 training labels" for an entity type is too few for the model to learn it well.
MIN_TRAINING_LABELS = 15
# A type's share of the test labels may differ from its share of the training labels by this factor at most.
MAX_SHARE_RATIO = 2.0
# Test labels as a share of all labels. About 20 % is recommended (80/20); below this, scores are mostly noise.
MIN_TEST_SHARE = 0.05
# A pair of types is "often confused" when this share of one type's test labels was predicted as the other.
MIN_CONFUSION_SHARE = 0.10
# A model whose micro recall or micro F1 on the test set is below this finds almost nothing: not worth deploying.
# The one home of this rule; the models, overview, deploy form and deployments pages all ask `finds_almost_nothing`.
MIN_USEFUL_SCORE = 0.30

WARNING = "warning"
INFO = "info"


@dataclass(frozen=True)
class Guidance:
    """One piece of advice: what was found (`message`) and what to do about it (`advice`)."""

    # finds_almost_nothing | few_training_labels | no_test_labels | missing_from_test | small_test_set | imbalance
    # | confused
    kind: str
    severity: str  # "warning" (scores are unreliable or a type is weak) or "info" (worth a look)
    title: str
    message: str
    advice: str
    categories: tuple[str, ...] = ()


def model_guidance(evaluation: dict[str, Any], label_counts: dict[str, dict[str, int]]) -> list[Guidance]:
    """Every guidance item for a model, warnings first, in a stable order."""
    train, test = _counts(label_counts, "train"), _counts(label_counts, "test")
    categories = _categories(evaluation, train, test)
    items = [
        *low_scores(evaluation),  # the most severe: first
        *few_training_labels(categories, train),
        *evaluation_coverage(categories, train, test),
        *imbalanced_types(categories, train, test),
        *confused_types(evaluation.get("confusionMatrix") or {}),
    ]
    return sorted(items, key=lambda item: item.severity != WARNING)


def finds_almost_nothing(evaluation: dict[str, Any]) -> bool:
    """Whether the model's micro recall or micro F1 is under `MIN_USEFUL_SCORE` on a test set that has labels.

    Without test labels the scores measure nothing (`evaluation_coverage` says so instead)."""
    if "microF1" not in evaluation or not _expected_labels(evaluation):
        return False
    return evaluation["microRecall"] < MIN_USEFUL_SCORE or evaluation["microF1"] < MIN_USEFUL_SCORE


def low_scores(evaluation: dict[str, Any]) -> list[Guidance]:
    """A model that finds almost nothing (see `finds_almost_nothing`), with what to do about it."""
    if not finds_almost_nothing(evaluation):
        return []
    recall, precision, f1 = evaluation["microRecall"], evaluation["microPrecision"], evaluation["microF1"]
    expected = _expected_labels(evaluation)
    found = sum(int(scores.get("truePositiveCount", 0)) for scores in (evaluation.get("entities") or {}).values())
    return [
        Guidance(
            kind="finds_almost_nothing",
            severity=WARNING,
            title="The model finds almost nothing",
            message=f"It found {found} of the {expected} labeled entities in the test set (recall {recall:.1%}, "
            f"precision {precision:.1%}, F1 {f1:.1%}); below {MIN_USEFUL_SCORE:.0%}, it is not worth deploying.",
            advice=f"Label more documents (at least {MIN_TRAINING_LABELS} labels of each type, more for hard types); "
            "check that the "
            "Train documents have labels of every type; train longer or with the default configuration; and check "
            "that the Test labels follow the same guidelines as the Train labels.",
        )
    ]


def few_training_labels(categories: list[str], train: dict[str, int]) -> list[Guidance]:
    """Types with fewer than `MIN_TRAINING_LABELS` labels in the training set, fewest first."""
    weak = sorted((c for c in categories if train.get(c, 0) < MIN_TRAINING_LABELS), key=lambda c: (train.get(c, 0), c))
    if not weak:
        return []
    listed = ", ".join(f"{c} ({train.get(c, 0)})" for c in weak)
    one = len(weak) == 1
    return [
        Guidance(
            kind="few_training_labels",
            severity=WARNING,
            title=f"{'An entity type has' if one else f'{len(weak)} entity types have'} too few training labels",
            message=f"Fewer than {MIN_TRAINING_LABELS} labels in the training set: {listed}.",
            advice=f"Label at least {MIN_TRAINING_LABELS} examples of each type, in varied contexts, so the model "
            "learns what the type looks like rather than memorising a few cases.",
            categories=tuple(weak),
        )
    ]


def evaluation_coverage(categories: list[str], train: dict[str, int], test: dict[str, int]) -> list[Guidance]:
    """No test labels at all; types the model learned but the test set cannot measure; a tiny test set."""
    total_train, total_test = sum(train.values()), sum(test.values())
    if total_test == 0:
        return [
            Guidance(
                kind="no_test_labels",
                severity=WARNING,
                title="The test set has no labels",
                message="None of the test documents has a label, so none of these scores measures anything.",
                advice="Assign labeled documents to Test (or use a percentage split) and train again.",
            )
        ]
    items = []
    missing = [c for c in categories if train.get(c, 0) > 0 and test.get(c, 0) == 0]
    if missing:
        items.append(
            Guidance(
                kind="missing_from_test",
                severity=WARNING,
                title=f"{_count_types(len(missing))} not in the test set",
                message=f"{_join(missing)} {'has' if len(missing) == 1 else 'have'} training labels but no test "
                "labels, so the evaluation cannot tell how well the model finds "
                f"{'it' if len(missing) == 1 else 'them'}.",
                advice="Move some documents with these labels to Test, or label more documents of the test set.",
                categories=tuple(missing),
            )
        )
    share = total_test / (total_train + total_test)
    if share < MIN_TEST_SHARE:
        items.append(
            Guidance(
                kind="small_test_set",
                severity=WARNING,
                title="The test set is small",
                message=f"It holds {share:.1%} of the labels ({total_test} of {total_train + total_test}).",
                advice="Aim for about 20 % of the labels in Test (an 80/20 split); with a few labels, one document "
                "more or less swings the scores.",
            )
        )
    return items


def imbalanced_types(categories: list[str], train: dict[str, int], test: dict[str, int]) -> list[Guidance]:
    """Types whose share of the test labels differs from their share of the training labels by over 2x."""
    total_train, total_test = sum(train.values()), sum(test.values())
    if not total_train or not total_test:
        return []
    items = []
    for category in categories:
        n_train, n_test = train.get(category, 0), test.get(category, 0)
        if not n_train or not n_test:
            continue  # absent from one side: reported by the other checks
        share_train, share_test = n_train / total_train, n_test / total_test
        if max(share_train, share_test) / min(share_train, share_test) <= MAX_SHARE_RATIO:
            continue
        more = "test" if share_test > share_train else "training"
        items.append(
            Guidance(
                kind="imbalance",
                severity=INFO,
                title=f"{category} is spread unevenly between train and test",
                message=f"{category} is {share_test:.0%} of the test labels ({n_test}) but {share_train:.0%} of the "
                f"training labels ({n_train}): over-represented in the {more} set.",
                advice="Spread its documents evenly between Train and Test (a stratified split on the Distribution "
                "page does this), so the test set measures what the model learned.",
                categories=(category,),
            )
        )
    return items


def confused_types(matrix: dict[str, dict[str, dict[str, float]]]) -> list[Guidance]:
    """Pairs of types where at least `MIN_CONFUSION_SHARE` of one's test labels were predicted as the other."""
    pairs: dict[tuple[str, str], dict[str, tuple[float, float, float]]] = {}
    for labeled, row in matrix.items():
        if labeled == NONE:
            continue
        total = sum(cell.get("rawValue", 0) for cell in row.values())
        for predicted, cell in row.items():
            raw = cell.get("rawValue", 0)
            if predicted in (NONE, labeled) or not raw:
                continue
            pair = tuple(sorted((labeled, predicted)))
            pairs.setdefault(pair, {})[labeled] = (raw / total, raw, total)
    items = []
    for (a, b), directions in pairs.items():
        worst = max(share for share, _, _ in directions.values())
        if worst < MIN_CONFUSION_SHARE:
            continue
        parts = []
        for source, target in ((a, b), (b, a)):
            if source in directions:
                share, raw, total = directions[source]
                parts.append(
                    f"{_number(raw)} of {_number(total)} {source} labels ({share:.0%}) were predicted as {target}"
                )
        items.append(
            (
                worst,
                Guidance(
                    kind="confused",
                    severity=WARNING,
                    title=f"{a} and {b} are often confused",
                    message="; ".join(parts) + ".",
                    advice="If the two types mean the same thing, merge them into one. If not, label more examples "
                    "that show the difference, and make sure the labeling guidelines tell them apart.",
                    categories=(a, b),
                ),
            )
        )
    return [item for _, item in sorted(items, key=lambda pair: (-pair[0], pair[1].categories))]


def _expected_labels(evaluation: dict[str, Any]) -> int:
    """Labeled entities in the test set: each was found (true positive) or missed (false negative)."""
    return sum(
        int(scores.get("truePositiveCount", 0)) + int(scores.get("falseNegativeCount", 0))
        for scores in (evaluation.get("entities") or {}).values()
    )


def _counts(label_counts: dict[str, Any], side: str) -> dict[str, int]:
    return {c: int(n) for c, n in (label_counts.get(side) or {}).items() if n}


def _categories(evaluation: dict[str, Any], train: dict[str, int], test: dict[str, int]) -> list[str]:
    return sorted(set(evaluation.get("entities") or {}) | set(train) | set(test))


def _count_types(n: int) -> str:
    return "An entity type is" if n == 1 else f"{n} entity types are"


def _join(names: list[str]) -> str:
    return names[0] if len(names) == 1 else f"{', '.join(names[:-1])} and {names[-1]}"


def _number(value: float) -> str:
    return str(int(value)) if float(value).is_integer() else f"{value:.2f}"
