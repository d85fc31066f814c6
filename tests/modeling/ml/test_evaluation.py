"""Entity-level metrics against hand-computed examples."""

from __future__ import annotations

import pytest

from modeling.ml.evaluation import evaluate, match_spans


def test_counts_precision_recall_and_f1_by_hand():
    gold = [[(0, 4, "PER"), (10, 14, "ORG"), (20, 25, "PER")], [(0, 3, "LOC")]]
    predicted = [
        [(0, 4, "PER", 0.9), (10, 14, "PER", 0.8), (30, 33, "LOC", 0.5)],  # hit, wrong type, spurious
        [(0, 3, "LOC", 0.99)],  # hit
    ]
    result = evaluate(gold, predicted, ["PER", "ORG", "LOC", "MISC"])
    per, org, loc = (result["entities"][c] for c in ("PER", "ORG", "LOC"))
    # PER: tp (0,4); fp (10,14 typed PER); fn (20,25).
    assert (per["truePositiveCount"], per["falsePositiveCount"], per["falseNegativeCount"]) == (1, 1, 1)
    assert per["precision"] == pytest.approx(0.5) and per["recall"] == pytest.approx(0.5)
    # ORG: the wrong type is its false negative.
    assert (org["truePositiveCount"], org["falsePositiveCount"], org["falseNegativeCount"]) == (0, 0, 1)
    assert org["f1"] == 0.0
    # LOC: tp 1, fp 1 (the spurious span) -> P 0.5, R 1, F1 2/3.
    assert loc["f1"] == pytest.approx(2 / 3)
    assert all(e["trueNegativeCount"] == 0 for e in result["entities"].values())
    # Micro: tp 2, fp 2, fn 2 -> 0.5 everywhere.
    assert (result["microPrecision"], result["microRecall"], result["microF1"]) == pytest.approx((0.5, 0.5, 0.5))
    # Macro over PER, ORG, LOC (MISC occurs nowhere and is left out): F1 (0.5 + 0 + 2/3) / 3.
    assert result["macroF1"] == pytest.approx((0.5 + 0 + 2 / 3) / 3)
    assert result["macroPrecision"] == pytest.approx((0.5 + 0 + 0.5) / 3)
    assert result["macroRecall"] == pytest.approx((0.5 + 0 + 1) / 3)
    assert result["entities"]["MISC"]["f1"] == 0.0


def test_confusion_matrix_rows_are_gold_and_columns_predicted():
    gold = [[(0, 4, "PER"), (10, 14, "ORG"), (20, 25, "PER"), (40, 45, "PER")]]
    predicted = [[(0, 4, "PER"), (10, 14, "PER"), (30, 33, "LOC"), (40, 45, "PER")]]
    matrix = evaluate(gold, predicted, ["PER", "ORG", "LOC"])["confusionMatrix"]
    assert set(matrix) == {"PER", "ORG", "LOC", "$none"}
    assert "$none" not in matrix["$none"]
    # PER row: two matched (0,4) and (40,45), one unpredicted (20,25) -> 2/3 and 1/3.
    assert matrix["PER"]["PER"] == {"normalizedValue": pytest.approx(200 / 3), "rawValue": 2}
    assert matrix["PER"]["$none"] == {"normalizedValue": pytest.approx(100 / 3), "rawValue": 1}
    assert matrix["PER"]["ORG"]["rawValue"] == 0
    # ORG gold predicted as PER with identical boundaries.
    assert matrix["ORG"]["PER"] == {"normalizedValue": 100.0, "rawValue": 1}
    # A prediction without gold at its boundaries.
    assert matrix["$none"]["LOC"] == {"normalizedValue": 100.0, "rawValue": 1}
    # LOC has no gold: an all-zero row.
    assert all(cell == {"normalizedValue": 0.0, "rawValue": 0} for cell in matrix["LOC"].values())


def test_overlapping_but_not_identical_boundaries_are_fp_and_fn():
    result = evaluate([[(0, 10, "PER")]], [[(0, 4, "PER")]], ["PER"])
    per = result["entities"]["PER"]
    assert (per["truePositiveCount"], per["falsePositiveCount"], per["falseNegativeCount"]) == (0, 1, 1)
    assert result["confusionMatrix"]["PER"]["$none"]["rawValue"] == 1
    assert result["confusionMatrix"]["$none"]["PER"]["rawValue"] == 1


def test_no_predictions_at_all_and_categories_from_the_data():
    result = evaluate([[(0, 1, "X")], []], [[], [(3, 4, "Y")]], [])
    assert set(result["entities"]) == {"X", "Y"}
    assert result["microF1"] == 0.0 and result["macroF1"] == 0.0


def test_documents_must_pair_up():
    with pytest.raises(ValueError, match="2 gold documents but 1 predicted"):
        evaluate([[], []], [[]], [])


def test_match_spans_lines_up_a_document_with_azures_rule():
    gold = [(0, 4, "PER"), (10, 14, "ORG"), (20, 25, "PER")]
    predicted = [(0, 4, "PER", 0.9), (10, 14, "PER", 0.8), (21, 25, "PER", 0.4), (30, 33, "LOC")]
    assert [(m.start, m.outcome, m.expected, m.predicted, m.confidence) for m in match_spans(gold, predicted)] == [
        (0, "tp", "PER", "PER", 0.9),
        (10, "type", "ORG", "PER", 0.8),
        (20, "fn", "PER", None, None),
        (21, "fp", None, "PER", 0.4),
        (30, "fp", None, "LOC", None),
    ]
    wrong_type = match_spans(gold, predicted)[1]
    assert (wrong_type.false_negative, wrong_type.false_positive) == ("ORG", "PER")


def test_a_span_given_twice_counts_once():
    matches = match_spans([(0, 4, "PER"), (0, 4, "PER")], [(0, 4, "PER", 0.9), (0, 4, "PER", 0.7)])
    assert [(m.outcome, m.confidence) for m in matches] == [("tp", 0.9)]
