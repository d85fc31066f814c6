"""The label-error ranking (pure) and the fold assignment of the cross-validation."""

from __future__ import annotations

import pytest

from modeling.ml.cross_validation import assign_folds
from modeling.ml.label_errors import (
    BOUNDARY,
    MISSING,
    SPURIOUS,
    WRONG_TYPE,
    ReviewedDocument,
    document_issues,
    find_issues,
)


def review(labels, probabilities, predicted, doc_id="d1", **extra) -> ReviewedDocument:
    return ReviewedDocument(doc_id, labels, probabilities, predicted, **extra)


def test_agreement_is_no_issue():
    doc = review([(0, 4, "PER"), (10, 15, "LOC")], [0.9, 0.8], [(0, 4, "PER", 0.9), (10, 15, "LOC", 0.8)])
    assert document_issues(doc) == []


def test_each_kind_of_disagreement_is_one_issue_with_the_models_version_as_its_fix():
    doc = review(
        labels=[(10, 15, "LOC"), (20, 25, "ORG"), (30, 40, "PER")],
        probabilities=[0.05, 0.1, 0.2],
        predicted=[(0, 4, "PER", 0.9), (20, 25, "LOC", 0.7), (30, 35, "PER", 0.6)],
    )
    issues = document_issues(doc)
    assert [(i.kind, i.labels, i.suggestion) for i in issues] == [
        (MISSING, (), ((0, 4, "PER"),)),
        (SPURIOUS, ((10, 15, "LOC"),), ()),
        (WRONG_TYPE, ((20, 25, "ORG"),), ((20, 25, "LOC"),)),
        (BOUNDARY, ((30, 40, "PER"),), ((30, 35, "PER"),)),
    ]
    assert (issues[0].start, issues[0].end) == (0, 4)
    assert (issues[3].start, issues[3].end) == (30, 40)


def test_a_label_split_in_two_by_the_model_is_one_boundary_issue():
    doc = review([(0, 20, "ORG")], [0.3], [(0, 8, "ORG", 0.6), (9, 20, "LOC", 0.5)])
    (issue,) = document_issues(doc)
    assert issue.kind == BOUNDARY
    assert issue.labels == ((0, 20, "ORG"),)
    assert issue.suggestion == ((0, 8, "ORG"), (9, 20, "LOC"))
    assert issue.suggestion_probability == 0.5


def test_a_chain_of_overlaps_is_one_place():
    # Label A overlaps prediction P1, which overlaps label B: one place, fixed together.
    doc = review([(0, 5, "PER"), (6, 10, "PER")], [0.4, 0.4], [(0, 10, "PER", 0.5), (12, 14, "LOC", 0.9)])
    issues = document_issues(doc)
    assert [(i.kind, i.labels, i.suggestion) for i in issues] == [
        (BOUNDARY, ((0, 5, "PER"), (6, 10, "PER")), ((0, 10, "PER"),)),
        (MISSING, (), ((12, 14, "LOC"),)),
    ]


def test_the_score_is_the_models_preference_for_its_version_over_the_labels():
    doc = review(
        labels=[(10, 15, "LOC"), (20, 25, "ORG"), (30, 40, "PER")],
        probabilities=[0.3, 0.01, None],
        predicted=[(0, 4, "PER", 0.9), (20, 25, "LOC", 0.7), (30, 35, "PER", 0.8)],
        label_none_probabilities=[0.6, 0.2, 0.1],
        predicted_none_probabilities=[0.05, 0.25, 0.1],
    )
    issues = {i.kind: i for i in document_issues(doc)}
    # Missing: the entity (0.9) against "no entity over its tokens" (0.05).
    assert (issues[MISSING].suggestion_probability, issues[MISSING].label_probability) == (0.9, 0.05)
    assert issues[MISSING].score == pytest.approx(0.9 / 0.95)
    # Spurious: "no entity over the label's tokens" (0.6) against the label (0.3).
    assert (issues[SPURIOUS].suggestion_probability, issues[SPURIOUS].label_probability) == (0.6, 0.3)
    assert issues[SPURIOUS].score == pytest.approx(0.6 / 0.9)
    assert issues[WRONG_TYPE].score == pytest.approx(0.7 / 0.71)
    # A label the model cannot score (off its token edges) counts as 50 % likely.
    assert issues[BOUNDARY].score == pytest.approx(0.8 / 1.3)


def test_without_none_probabilities_the_complements_stand_in():
    doc = review([(10, 15, "LOC")], [0.3], [(0, 4, "PER", 0.9)])
    spurious, missing = sorted(document_issues(doc), key=lambda i: i.kind)[::-1]
    assert spurious.kind == SPURIOUS and spurious.score == pytest.approx(0.7)  # 0.7 / (0.7 + 0.3)
    assert missing.kind == MISSING and missing.score == pytest.approx(0.9)


def test_issues_rank_most_likely_first_across_documents_and_a_threshold_leaves_out_the_rest():
    docs = [
        review([(0, 4, "PER")], [0.6], [], doc_id="a"),  # 0.4
        review([], [], [(0, 4, "PER", 0.95)], doc_id="b"),  # 0.95
        review([(0, 4, "PER")], [0.1], [(0, 4, "ORG", 0.85)], doc_id="c"),  # 0.89
    ]
    assert [(i.doc_id, i.kind) for i in find_issues(docs)] == [("b", MISSING), ("c", WRONG_TYPE), ("a", SPURIOUS)]
    assert [i.doc_id for i in find_issues(docs, min_score=0.5)] == ["b", "c"]


def test_mismatched_probabilities_are_refused():
    with pytest.raises(ValueError, match="2 spans but 1 label probabilities"):
        review([(0, 4, "PER"), (5, 6, "PER")], [0.5], [])
    with pytest.raises(ValueError, match="1 spans but 2 predicted none-probabilities"):
        review([], [], [(0, 4, "PER", 0.5)], predicted_none_probabilities=[0.1, 0.2])


def test_folds_are_even_seeded_and_independent_of_the_input_order():
    ids = [f"doc-{i:02d}" for i in range(11)]
    folds = assign_folds(ids, 3, seed=1)
    assert sorted(folds.count(f) for f in range(3)) == [3, 4, 4]
    again = assign_folds(list(reversed(ids)), 3, seed=1)
    assert dict(zip(ids, folds, strict=True)) == dict(zip(reversed(ids), again, strict=True))
    assert assign_folds(ids, 3, seed=2) != folds


def test_folds_need_two_and_as_many_documents():
    with pytest.raises(ValueError, match="at least 2 folds"):
        assign_folds(["a", "b"], 1, seed=0)
    with pytest.raises(ValueError, match="5 folds need at least 5 documents; there are 3"):
        assign_folds(["a", "b", "c"], 5, seed=0)
