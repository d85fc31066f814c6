"""Presenters: formatting once, the test-set rows following the evaluation's own scoring rule."""

from __future__ import annotations

import random
from collections import Counter

import pytest

from modeling.ml.evaluation import evaluate
from modeling.views import presenters
from modeling.views.presenters import compare_document, context, duration, number, percent


def test_numbers_and_durations_are_formatted_once():
    assert [percent(0.8734), percent(1.0), percent(None)] == ["87.3%", "100.0%", "—"]
    assert [number(3), number(3.0), number(0.5517), number(12000)] == ["3", "3", "0.55", "12,000"]
    assert [duration(12.4), duration(185), duration(120), duration(7260), duration(None)] == [
        "12 s",
        "3 min 5 s",
        "2 min",
        "2 h 1 min",
        "—",
    ]


def test_compare_document_follows_azures_counting_rule():
    text = "😀 Ana Lopez owes $20 to Acme."
    document = {
        "location": "a.txt",
        "expected": [[2, 11, "Borrower"], [17, 20, "Amount"], [24, 28, "Lender"]],
        # Ana Lopez: wrong type; $20: boundaries differ (a miss and a spurious span); Acme: right.
        "predicted": [[2, 11, "Lender", 0.51], [16, 20, "Amount", 0.9], [24, 28, "Lender", 0.99]],
    }
    result = compare_document(document, text, {"Lender": "#ff0000"})
    assert [(r.start, r.outcome, r.expected, r.predicted) for r in result.rows] == [
        (2, "type", "Borrower", "Lender"),
        (16, "fp", None, "Amount"),
        (17, "fn", "Amount", None),
        (24, "tp", "Lender", "Lender"),
    ]
    assert (result.tp, result.fp, result.fn, result.mismatched) == (1, 2, 2, True)
    assert (result.rows[0].before, result.rows[0].text, result.rows[0].after) == (
        "😀 ",
        "Ana Lopez",
        " owes $20 to Acme.",
    )
    assert result.rows[0].predicted_color == "#ff0000" and result.rows[0].confidence_text == "51.0%"


def test_context_is_cut_at_word_boundaries():
    text = "word " * 20 + "TARGET" + " more" * 20
    before, span, after = context(text, 100, 106, width=12)
    assert (before, span, after) == ("…word word ", "TARGET", " more more…")


# ------------------------------------------------------------------------ the test set agrees with the scores

CATEGORIES = ["Amount", "Borrower", "Date", "Lender"]


def _spans(rng: random.Random, count: int) -> list[list]:
    """Non-overlapping spans in text order, as labels (and a flat tagger's predictions) always are."""
    spans, position = [], 0
    for _ in range(count):
        position += rng.randint(0, 3)
        length = rng.randint(1, 5)
        spans.append([position, position + length, rng.choice(CATEGORIES)])
        position += length
    return spans


def _prediction(rng: random.Random, expected: list[list]) -> list[list]:
    """Right, wrong type, shifted boundaries or missed, per label; sometimes something spurious instead."""
    if rng.random() < 0.2:
        return [[*span, 0.5] for span in _spans(rng, rng.randint(0, 4))]
    predicted = []
    for start, end, category in expected:
        outcome = rng.random()
        if outcome < 0.5:
            predicted.append([start, end, category, 0.9])
        elif outcome < 0.7:
            predicted.append([start, end, rng.choice(CATEGORIES), 0.6])
        elif outcome < 0.85:
            predicted.append([start, end + 1, category, 0.4])
    return predicted


def _stored_documents(seed: int) -> list[dict]:
    """Test documents in the shape `evaluate_model` stores them."""
    rng = random.Random(seed)
    documents = []
    for index in range(rng.randint(1, 8)):
        expected = _spans(rng, rng.randint(0, 6))
        documents.append({"location": f"{index}.txt", "expected": expected, "predicted": _prediction(rng, expected)})
    return documents


@pytest.mark.parametrize("seed", range(25))
def test_the_test_sets_per_document_counts_add_up_to_the_evaluation(seed):
    documents = _stored_documents(seed)
    evaluation = evaluate([d["expected"] for d in documents], [d["predicted"] for d in documents], CATEGORIES)
    rows = [compare_document(d, None) for d in documents]

    entities = evaluation["entities"]
    assert sum(r.tp for r in rows) == sum(e["truePositiveCount"] for e in entities.values())
    assert sum(r.fp for r in rows) == sum(e["falsePositiveCount"] for e in entities.values())
    assert sum(r.fn for r in rows) == sum(e["falseNegativeCount"] for e in entities.values())
    # Per entity type as well: the dashboard's rows are the evaluation's matches.
    tp, fp, fn = Counter(), Counter(), Counter()
    for row in (row for document in rows for row in document.rows):
        tp[row.expected] += row.outcome == "tp"
        fp[row.predicted] += row.outcome in ("fp", "type")
        fn[row.expected] += row.outcome in ("fn", "type")
    for category, scores in entities.items():
        assert (tp[category], fp[category], fn[category]) == (
            scores["truePositiveCount"],
            scores["falsePositiveCount"],
            scores["falseNegativeCount"],
        )


def test_the_names_other_views_use_are_importable_from_the_package():
    for name in ("DEFAULT_COLOR", "STATUS_LABELS", "job_rows", "percent", "duration", "micro", "macro"):
        assert hasattr(presenters, name), name


def test_the_model_page_says_which_head_the_project_got():
    from modeling import config as configs

    default = configs.CONFIGS[configs.DEFAULT_VERSION]
    small = presenters.head_text(default.for_tokens(1_187).as_dict())
    large = presenters.head_text(default.for_tokens(31_000).as_dict())
    assert small.startswith("Chosen for this project: its Train documents hold fewer than 10,000 tokens")
    assert "BiLSTM 256, mini-batches of 4" in small
    assert "10,000 tokens or more" in large and "BiLSTM 128, mini-batches of 32" in large
    # Configs that do not adapt (and models trained before) say nothing.
    assert presenters.head_text(configs.CONFIGS["2026-12-02-accurate"].as_dict()) == ""
    assert presenters.head_text({}) == presenters.head_text(None) == ""
