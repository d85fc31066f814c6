"""The learning curve's shares of documents and its last step's gain (pure)."""

from __future__ import annotations

import pytest

from modeling.ml.learning_curve import CurvePoint, curve_subsets, gain_per_ten_percent


def test_shares_are_nested_seeded_and_independent_of_the_input_order():
    ids = [f"d{i:02d}" for i in range(10)]
    subsets = curve_subsets(ids, seed=3)
    assert [len(s) for s in subsets] == [2, 5, 8, 10]  # round(2.5) is 2 (to even), at least one
    for smaller, larger in zip(subsets, subsets[1:], strict=False):
        assert larger[: len(smaller)] == smaller
    assert curve_subsets(list(reversed(ids)), seed=3) == subsets
    assert curve_subsets(ids, seed=4) != subsets
    assert len(curve_subsets(["a", "b", "c"], (0.25, 1.0))[0]) == 1  # round(0.75) is 1: never an empty share


def test_shares_refuse_nonsense():
    with pytest.raises(ValueError, match=r"Fractions must be in \(0, 1\]"):
        curve_subsets(["a"], (0.0, 1.0))
    with pytest.raises(ValueError, match="unique"):
        curve_subsets(["a", "a"])


def test_the_gain_is_per_ten_percent_over_the_last_step():
    points = [
        CurvePoint(0.25, 10, 0.40),
        CurvePoint(0.5, 20, 0.55),
        CurvePoint(0.75, 30, 0.62),
        CurvePoint(1, 40, 0.67),
    ]
    assert gain_per_ten_percent(points) == pytest.approx(0.02)  # 0.05 over 25 %
    assert gain_per_ten_percent(points[:1]) is None
    assert gain_per_ten_percent([CurvePoint(0.75, 3, 0.5), CurvePoint(1, 3, 0.6)]) is None  # no documents added
