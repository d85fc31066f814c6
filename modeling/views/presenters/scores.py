"""A model's scores: micro and macro averages, per entity type rows, and how it was evaluated."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from modeling.views.presenters.formatting import DEFAULT_COLOR, percent


def evaluation_options_text(options: dict[str, Any]) -> str:
    if options.get("kind") == "manual":
        return "Manual: the documents' own Train/Test assignment"
    train, test = options.get("trainingSplitPercentage", 80), options.get("testingSplitPercentage", 20)
    return f"Automatic: {train}% train / {test}% test"


@dataclass
class Metrics:
    precision: float
    recall: float
    f1: float

    @property
    def precision_text(self) -> str:
        return percent(self.precision)

    @property
    def recall_text(self) -> str:
        return percent(self.recall)

    @property
    def f1_text(self) -> str:
        return percent(self.f1)


def micro(evaluation: dict[str, Any]) -> Metrics | None:
    if "microF1" not in evaluation:
        return None
    return Metrics(evaluation["microPrecision"], evaluation["microRecall"], evaluation["microF1"])


def macro(evaluation: dict[str, Any]) -> Metrics | None:
    if "macroF1" not in evaluation:
        return None
    return Metrics(evaluation["macroPrecision"], evaluation["macroRecall"], evaluation["macroF1"])


@dataclass
class EntityRow:
    category: str
    color: str
    metrics: Metrics
    tp: int
    fp: int
    fn: int
    train_labels: int
    test_labels: int
    flags: list[str] = field(default_factory=list)  # guidance titles that name this type


def entity_rows(
    evaluation: dict[str, Any],
    label_counts: dict[str, dict[str, int]],
    colors: dict[str, str],
    flagged: dict[str, list[str]] | None = None,
) -> list[EntityRow]:
    """Per entity type: scores, counts and label counts, in name order (the table sorts in the browser)."""
    entities = evaluation.get("entities") or {}
    train, test = label_counts.get("train") or {}, label_counts.get("test") or {}
    rows = []
    for category in sorted(set(entities) | set(train) | set(test)):
        scores = entities.get(category, {})
        rows.append(
            EntityRow(
                category=category,
                color=colors.get(category, DEFAULT_COLOR),
                metrics=Metrics(scores.get("precision", 0.0), scores.get("recall", 0.0), scores.get("f1", 0.0)),
                tp=scores.get("truePositiveCount", 0),
                fp=scores.get("falsePositiveCount", 0),
                fn=scores.get("falseNegativeCount", 0),
                train_labels=train.get(category, 0),
                test_labels=test.get(category, 0),
                flags=(flagged or {}).get(category, []),
            )
        )
    return rows


def head_text(stored_config: dict | None) -> str:
    """How the model's BiLSTM-CRF head was chosen for its project, from the config it stored: "" when the config
    does not adapt to the project (`TrainingConfig.small_projects`)."""
    small = (stored_config or {}).get("small_projects")
    if not small:
        return ""
    hidden, batch = stored_config.get("hidden_size"), stored_config.get("mini_batch_size")
    threshold = f"{small['below_tokens']:,}"
    if (hidden, batch) == (small["hidden_size"], small["mini_batch_size"]):
        return (
            f"Chosen for this project: its Train documents hold fewer than {threshold} tokens, so it trained the "
            f"small-project head (BiLSTM {hidden}, mini-batches of {batch}), which learns more from little text."
        )
    return (
        f"Chosen for this project: its Train documents hold {threshold} tokens or more, so it trained the "
        f"large-project head (BiLSTM {hidden}, mini-batches of {batch}), as good there and faster."
    )
