"""Guidance rules on plain evaluation and label-count dicts (the evaluation comes from the real metric code)."""

from __future__ import annotations

import pytest

from modeling.guidance import (
    MIN_TRAINING_LABELS,
    MIN_USEFUL_SCORE,
    confused_types,
    evaluation_coverage,
    few_training_labels,
    finds_almost_nothing,
    imbalanced_types,
    low_scores,
    model_guidance,
)
from modeling.ml.evaluation import evaluate


def counts(train: dict, test: dict) -> dict:
    return {"train": train, "test": test}


def kinds(items) -> list[str]:
    return [item.kind for item in items]


def test_a_healthy_model_gets_no_guidance():
    evaluation = evaluate([[(0, 4, "Name"), (5, 9, "Date")]], [[(0, 4, "Name"), (5, 9, "Date")]], ["Name", "Date"])
    assert model_guidance(evaluation, counts({"Name": 40, "Date": 40}, {"Name": 10, "Date": 10})) == []


def test_fewer_than_15_training_labels_lists_each_type_fewest_first():
    [item] = few_training_labels(["Amount", "Date", "Name", "Unused"], {"Amount": 14, "Date": 3, "Name": 15})
    assert item.kind == "few_training_labels" and item.severity == "warning"
    assert item.categories == ("Unused", "Date", "Amount")
    assert item.message == "Fewer than 15 labels in the training set: Unused (0), Date (3), Amount (14)."
    assert item.title == "3 entity types have too few training labels"
    assert MIN_TRAINING_LABELS == 15


def test_exactly_15_training_labels_is_enough():
    assert few_training_labels(["Name"], {"Name": 15}) == []


def test_a_type_missing_from_the_test_set():
    [item] = evaluation_coverage(["Amount", "Name"], {"Amount": 20, "Name": 20}, {"Name": 5})
    assert item.kind == "missing_from_test"
    assert item.categories == ("Amount",)
    assert item.message.startswith("Amount has training labels but no test labels")


def test_no_test_labels_at_all_replaces_the_per_type_warnings():
    [item] = evaluation_coverage(["Amount", "Name"], {"Amount": 20, "Name": 20}, {})
    assert item.kind == "no_test_labels"


@pytest.mark.parametrize("test_labels,warned", [(4, True), (6, False)])
def test_a_small_test_set_is_under_5_percent_of_the_labels(test_labels, warned):
    # 4 of 104 labels is 3.8 %; 6 of 106 is 5.7 %.
    items = evaluation_coverage(["Name"], {"Name": 100}, {"Name": test_labels})
    assert kinds(items) == (["small_test_set"] if warned else [])
    if warned:
        assert items[0].message == "It holds 3.8% of the labels (4 of 104)."


def test_imbalance_is_a_share_ratio_above_two():
    # Train: Name 80 %, Date 20 %. Test: Name 50 %, Date 50 % -> Date's share is 2.5x: flagged; Name 1.6x: not.
    items = imbalanced_types(["Date", "Name"], {"Name": 80, "Date": 20}, {"Name": 10, "Date": 10})
    assert [i.categories for i in items] == [("Date",)]
    assert items[0].severity == "info"
    assert items[0].message == (
        "Date is 50% of the test labels (10) but 20% of the training labels (20): over-represented in the test set."
    )


def test_imbalance_at_exactly_two_is_not_flagged():
    assert imbalanced_types(["Date", "Name"], {"Name": 60, "Date": 40}, {"Name": 80, "Date": 20}) == []


def test_confused_pairs_come_from_the_matrix_off_diagonal():
    # 10 Borrower labels: 7 right, 3 predicted as Lender (30 %); 10 Lender labels: 9 right, 1 as Borrower (10 %).
    gold, predicted = [], []
    for i in range(10):
        gold.append([(0, 5, "Borrower"), (10, 15, "Lender")])
        predicted.append([(0, 5, "Borrower" if i < 7 else "Lender"), (10, 15, "Lender" if i < 9 else "Borrower")])
    evaluation = evaluate(gold, predicted, ["Borrower", "Lender", "Amount"])
    [item] = confused_types(evaluation["confusionMatrix"])
    assert item.categories == ("Borrower", "Lender")
    assert item.title == "Borrower and Lender are often confused"
    assert item.message == (
        "3 of 10 Borrower labels (30%) were predicted as Lender; "
        "1 of 10 Lender labels (10%) were predicted as Borrower."
    )
    assert "merge them" in item.advice


def test_rare_confusions_and_misses_are_not_pairs():
    # 1 of 20 Borrower labels predicted as Lender (5 %), and misses ($none) never make a pair.
    gold = [[(0, 5, "Borrower")] for _ in range(20)]
    predicted = [[(0, 5, "Lender")]] + [[] for _ in range(19)]
    evaluation = evaluate(gold, predicted, ["Borrower", "Lender"])
    assert confused_types(evaluation["confusionMatrix"]) == []


def test_model_guidance_puts_warnings_first():
    # Date: 10 training labels (too few) and 11 % of train but 50 % of test (4.5x); Name: 89 % vs 50 % (1.8x).
    evaluation = evaluate([[(0, 4, "Name")]], [[(0, 4, "Name")]], ["Name", "Date"])
    items = model_guidance(evaluation, counts({"Name": 80, "Date": 10}, {"Name": 10, "Date": 10}))
    assert kinds(items) == ["few_training_labels", "imbalance"]
    assert [i.severity for i in items] == ["warning", "info"]
    assert items[0].categories == items[1].categories == ("Date",)


# ------------------------------------------------------------------------------------------------ a useless model


def scores(recall: float, f1: float, *, found: int = 3, missed: int = 7) -> dict:
    return {
        "microRecall": recall,
        "microF1": f1,
        "microPrecision": 0.5,
        "entities": {"Name": {"truePositiveCount": found, "falseNegativeCount": missed}},
    }


@pytest.mark.parametrize(
    "recall,f1,warned",
    [
        (0.30, 0.30, False),  # at the threshold: not flagged
        (0.2999, 0.50, True),  # finds too few of the labels
        (0.50, 0.2999, True),  # or finds them among too many wrong ones
        (0.0, 0.0, True),
        (0.90, 0.90, False),
    ],
)
def test_a_model_under_30_percent_recall_or_f1_finds_almost_nothing(recall, f1, warned):
    assert MIN_USEFUL_SCORE == 0.30
    assert finds_almost_nothing(scores(recall, f1)) is warned
    assert kinds(low_scores(scores(recall, f1))) == (["finds_almost_nothing"] if warned else [])


def test_the_first_model_of_issue_10_is_flagged_first_with_what_to_do():
    # Micro P 0.143, R 0.026, F1 0.043 (the sample project, manual split), with one confusion on top.
    # 38 Name documents: 2 found. 38 Date documents: 12 predicted as Name, 14 missed, 12 with a spurious Date.
    expected = [[(0, 4, "Name")]] * 38 + [[(5, 9, "Date")]] * 38
    predicted = [[(0, 4, "Name")]] * 2 + [[]] * 36 + [[(5, 9, "Name")]] * 12 + [[]] * 14 + [[(20, 24, "Date")]] * 12
    evaluation = evaluate(expected, predicted, ["Name", "Date"])
    items = model_guidance(evaluation, counts({"Name": 40, "Date": 40}, {"Name": 38, "Date": 38}))
    assert items[0].kind == "finds_almost_nothing" and items[0].severity == "warning"
    assert items[0].title == "The model finds almost nothing"
    assert items[0].message.startswith("It found 2 of the 76 labeled entities in the test set (recall 2.6%")
    for hint in ("Label more documents", "labels of every type", "train longer", "default configuration", "Test"):
        assert hint in items[0].advice
    assert "confused" in kinds(items[1:])


def test_scores_without_test_labels_are_not_called_useless():
    # Nothing to find: the scores measure nothing, and `no_test_labels` says so instead.
    assert not finds_almost_nothing(scores(0.0, 0.0, found=0, missed=0))
    assert not finds_almost_nothing({})  # no evaluation (interrupted)
    items = model_guidance(scores(0.0, 0.0, found=0, missed=0), counts({"Name": 40}, {}))
    assert kinds(items) == ["no_test_labels"]
