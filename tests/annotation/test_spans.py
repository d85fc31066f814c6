import pytest

from annotation.spans import Span, check_no_overlap, find_overlaps
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
    with pytest.raises(InvalidInput, match=r"Label B \[2, 6\) 'cdef' overlaps label A \[0, 4\) 'abcd'"):
        check_no_overlap(Span(2, 6, "B"), [Span(0, 4, "A")], "abcdefgh")
