"""Agreement between annotators (pure): Krippendorff's alpha against the `krippendorff` package's values, span F1
per pair of annotators, averaged, per type and overall."""

import pytest

from annotation.agreement import AnnotatedSpan, agreement_of, alpha_nominal

# Krippendorff (2011), "Computing Krippendorff's Alpha-Reliability", the nominal example: 4 coders, 12 units,
# missing values left out. krippendorff.alpha(..., level_of_measurement="nominal") gives 0.743421052631579.
KRIPPENDORFF_2011 = [
    ["1", "1", "1"],
    ["2", "2", "3", "2"],
    ["3", "3", "3", "3"],
    ["3", "3", "3", "3"],
    ["2", "2", "2", "2"],
    ["1", "2", "3", "4"],
    ["4", "4", "4", "4"],
    ["1", "1", "2", "1"],
    ["2", "2", "2", "2"],
    ["5", "5", "5"],
    ["1", "1"],
    ["3"],
]


def test_alpha_matches_the_reference_example():
    assert alpha_nominal(KRIPPENDORFF_2011) == pytest.approx(0.743421052631579, abs=1e-12)


def test_alpha_matches_the_package_on_random_data():
    # Three coders, 40 units, values in A/B/C/O, 20% missing (random.seed(1)); the package gives -0.1959152799.
    import random

    random.seed(1)
    coders = [[random.choice("ABCO") if random.random() > 0.2 else None for _ in range(40)] for _ in range(3)]
    units = [[row[u] for row in coders if row[u]] for u in range(40)]
    assert alpha_nominal(units) == pytest.approx(-0.1959152799, abs=1e-9)


def test_alpha_is_undefined_without_variation_and_perfect_with_agreement():
    assert alpha_nominal([["O", "O"], ["O", "O"]]) is None
    assert alpha_nominal([["A", "A"], ["O", "O"], ["B", "B"]]) == pytest.approx(1.0)
    assert alpha_nominal([["A"], ["B"]]) is None  # no unit has two values


def test_span_f1_is_pairwise_and_averaged_per_type_and_overall():
    tokens = [(0, 3), (4, 9), (10, 15), (16, 20)]
    a = [AnnotatedSpan(0, 3, "P"), AnnotatedSpan(10, 15, "A")]
    b = [AnnotatedSpan(0, 3, "P"), AnnotatedSpan(10, 20, "A")]  # A's extent differs
    c = [AnnotatedSpan(0, 3, "P")]
    result = agreement_of([(tokens, {"a": a, "b": b, "c": c})])
    assert result.pairs == 3 and result.annotators == 3
    # overall: a-b 2*1/4, a-c 2*1/3, b-c 2*1/3
    assert result.f1 == pytest.approx((0.5 + 2 / 3 + 2 / 3) / 3)
    by_type = {t.category: t for t in result.types}
    assert by_type["P"].f1 == pytest.approx(1.0) and by_type["P"].alpha == pytest.approx(1.0)
    # A: a-b 0 agreed of 1+1, a-c 0 of 1+0, b-c 0 of 1+0
    assert by_type["A"].f1 == pytest.approx(0.0)
    assert by_type["A"].spans == 2
    assert result.alpha is not None and result.alpha < 1


def test_documents_with_one_annotator_do_not_count():
    tokens = [(0, 3)]
    result = agreement_of([(tokens, {"a": [AnnotatedSpan(0, 3, "P")]})])
    assert result.pairs == 0 and result.f1 is None and result.alpha is None and result.types == []


def test_an_annotator_who_labeled_nothing_disagrees():
    tokens = [(0, 3), (4, 7)]
    result = agreement_of([(tokens, {"a": [AnnotatedSpan(0, 3, "P")], "b": []})])
    assert result.f1 == pytest.approx(0.0)
    assert result.alpha is not None and result.alpha < 0.5
