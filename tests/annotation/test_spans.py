import pytest

from annotation.spans import Span, check_no_overlap, find_overlaps, overlap_message
from studio.exceptions import InvalidInput


def test_find_overlaps_reports_each_pair_in_text_order():
    spans = [Span(0, 5, "A"), Span(10, 12, "B"), Span(3, 7, "C"), Span(11, 20, "D"), Span(5, 10, "E")]
    assert find_overlaps(spans) == [(Span(0, 5, "A"), Span(3, 7, "C")), (Span(3, 7, "C"), Span(5, 10, "E")),
                                    (Span(10, 12, "B"), Span(11, 20, "D"))]  # fmt: skip


def test_adjacent_spans_do_not_overlap():
    assert find_overlaps([Span(0, 3, "A"), Span(3, 6, "B")]) == []


def test_nested_span_is_an_overlap():
    assert find_overlaps([Span(0, 10, "A"), Span(2, 4, "B")]) == [(Span(0, 10, "A"), Span(2, 4, "B"))]


def test_check_no_overlap_names_both_spans():
    with pytest.raises(InvalidInput, match=r"^The B label 'cdef' overlaps the A label 'abcd'; labels in one"):
        check_no_overlap(Span(2, 6, "B"), [Span(0, 4, "A")], "abcdefgh")


def test_overlap_message_names_the_labels_by_type_and_text_not_offsets():
    text = "This loan is made by Acme Corporation,\nthe Lender."
    message = overlap_message(Span(21, 37, "Party"), Span(21, 25, "Lender"), text)
    assert message == (
        "The Lender label 'Acme' overlaps the Party label 'Acme Corporation'; labels in one document cannot overlap."
    )
    assert "[" not in message


def test_overlap_message_shortens_long_labels_and_folds_line_breaks():
    text = "Acme\nCorporation " + "x" * 60
    message = overlap_message(Span(0, len(text), "Party"), Span(0, 4, "Lender"), text)
    assert "the Party label 'Acme Corporation xxxxxxxxxxxxxxxxxxxxxx…'" in message
