"""Label alignment, BIOES tags and segmentation into model inputs (the split is `annotation.splits`)."""

from __future__ import annotations

import dataclasses

import pytest

from modeling.config import CONFIGS
from modeling.ml.corpus import (
    LabeledDocument,
    SpanError,
    align,
    prepare_document,
    prepare_text,
    spans_from_tags,
    tokenize,
)

FAST = CONFIGS["2026-11-01-fast"]


def aligned(text: str, spans: list[tuple[int, int, str]]):
    doc = LabeledDocument("d1", text, spans)
    tokens, tags, warnings = align(doc, tokenize(text))
    return [text[t.start : t.end] for t in tokens], tags, warnings


def span_of(text: str, needle: str, category: str) -> tuple[int, int, str]:
    start = text.index(needle)
    return (start, start + len(needle), category)


def test_single_and_multi_token_labels_get_bioes_tags():
    text = "Loan to John Ronald Smith of Acme ."
    words, tags, warnings = aligned(text, [span_of(text, "John Ronald Smith", "PER"), span_of(text, "Acme", "ORG")])
    assert words == ["Loan", "to", "John", "Ronald", "Smith", "of", "Acme", "."]
    assert tags == ["O", "O", "B-PER", "I-PER", "E-PER", "O", "S-ORG", "O"]
    assert warnings == []


def test_adjacent_labels_stay_apart():
    text = "Acme Corp John"
    words, tags, _ = aligned(text, [(0, 9, "ORG"), (10, 14, "PER")])
    assert tags == ["B-ORG", "E-ORG", "S-PER"]


def test_adjacent_labels_without_space_split_the_token_between_them():
    text = "NewYorkCity"
    words, tags, warnings = aligned(text, [(0, 7, "LOC"), (7, 11, "LOC")])
    assert words == ["NewYork", "City"]
    assert tags == ["S-LOC", "S-LOC"]
    assert len(warnings) == 2


def test_label_inside_a_token_splits_it_and_is_reported():
    text = "Pay USD5000 now"
    words, tags, warnings = aligned(text, [(7, 11, "Amount")])
    assert words == ["Pay", "USD", "5000", "now"]
    assert tags == ["O", "O", "S-Amount", "O"]
    assert [w.code for w in warnings] == ["LabelSplitsToken"]
    assert "'5000'" in warnings[0].message and warnings[0].as_dict()["target"] == "d1:7-11"


def test_label_cutting_two_tokens_is_one_warning():
    text = "xxJohn Smithyy"
    words, tags, warnings = aligned(text, [(2, 12, "PER")])
    assert words == ["xx", "John", "Smith", "yy"]
    assert tags == ["O", "B-PER", "E-PER", "O"]
    assert len(warnings) == 1


def test_emoji_offsets_are_code_points():
    text = "😀 Ana Lopez borrowed 😀😀 $20."
    words, tags, warnings = aligned(text, [span_of(text, "Ana Lopez", "Borrower"), span_of(text, "$20", "Amount")])
    assert words == ["😀", "Ana", "Lopez", "borrowed", "😀", "😀", "$20", "."]
    assert tags == ["O", "B-Borrower", "E-Borrower", "O", "O", "O", "S-Amount", "O"]
    assert warnings == []


def test_label_ending_inside_an_emoji_sequence_is_kept():
    text = "go 👍🏽 now"
    words, tags, warnings = aligned(text, [(3, 4, "Thumb")])  # the hand without its skin tone
    assert words == ["go", "👍", "🏽", "now"] and tags == ["O", "S-Thumb", "O", "O"]
    assert len(warnings) == 1


def test_spaces_at_label_edges_are_trimmed_and_reported():
    text = "to John Smith ."
    _, tags, warnings = aligned(text, [(2, 14, "PER")])
    assert tags == ["O", "B-PER", "E-PER", "O"]
    assert [w.code for w in warnings] == ["LabelTrimmed"]


@pytest.mark.parametrize(
    ("spans", "message"),
    [
        ([(0, 9, "ORG"), (5, 14, "PER")], "overlap"),
        ([(4, 5, "X")], "covers only spaces"),
        ([(3, 99, "X")], "not a valid span"),
        ([(3, 3, "X")], "not a valid span"),
    ],
)
def test_unusable_labels_are_refused_with_a_clear_error(spans, message):
    with pytest.raises(SpanError, match=message):
        aligned("Acme Corp John", spans)


def test_label_across_a_newline_is_not_cut_into_two_sentences():
    text = "Address:\n12 Main St\nSpringfield\n\nOther line"
    doc = LabeledDocument("d", text, [span_of(text, "12 Main St\nSpringfield", "Address")])
    pieces, _ = prepare_document(doc, FAST)
    assert [p.tags for p in pieces] == [["O", "O"], ["B-Address", "I-Address", "I-Address", "E-Address"], ["O", "O"]]
    # Without labels the same text is split at every newline.
    assert [len(p.tokens) for p in prepare_text(text, FAST)] == [2, 3, 1, 2]


def test_long_documents_are_chunked_without_cutting_labels():
    config = dataclasses.replace(FAST, max_tokens_per_sentence=10)
    text = " ".join(["word"] * 9 + ["John", "Smith"] + ["word"] * 20)
    doc = LabeledDocument("d", text, [span_of(text, "John Smith", "PER")])
    pieces, _ = prepare_document(doc, config)
    assert [len(p.tokens) for p in pieces] == [9, 10, 10, 2]
    assert pieces[1].tags[:2] == ["B-PER", "E-PER"]
    assert sum(len(p.tokens) for p in pieces) == 31
    assert all(len(p.tokens) <= 10 for p in prepare_text(text, config))


def test_spans_from_tags_decodes_bioes():
    tags = ["S-A", "B-B", "I-B", "E-B", "O", "B-A", "E-A", "S-B"]
    assert spans_from_tags(tags) == [(0, 1, "A"), (1, 4, "B"), (5, 7, "A"), (7, 8, "B")]
