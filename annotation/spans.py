"""The overlap rule: labels in one document never overlap (a flat BIOES tagger cannot learn nested spans).

Used by label edits and by every importer, so the rule and its message exist once.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import NamedTuple

from studio.exceptions import InvalidInput


class Span(NamedTuple):
    start: int
    end: int
    category: str


def describe(span: Span, text: str | None = None) -> str:
    shown = f" '{text[span.start : span.end]}'" if text is not None else ""
    return f"{span.category} [{span.start}, {span.end}){shown}"


def find_overlaps(spans: Iterable[Span]) -> list[tuple[Span, Span]]:
    """Pairs of spans that share at least one character, each pair once, in text order."""
    ordered = sorted(spans, key=lambda s: (s.start, s.end))
    pairs: list[tuple[Span, Span]] = []
    reach: Span | None = None  # the span reaching furthest right so far
    for span in ordered:
        if reach is not None and span.start < reach.end:
            pairs.append((reach, span))
        if reach is None or span.end > reach.end:
            reach = span
    return pairs


def overlap_message(a: Span, b: Span, text: str | None = None) -> str:
    return f"Label {describe(b, text)} overlaps label {describe(a, text)}; labels in one document cannot overlap."


def check_no_overlap(new: Span, existing: Iterable[Span], text: str | None = None) -> None:
    for other in existing:
        if new.start < other.end and other.start < new.end:
            raise InvalidInput(overlap_message(other, new, text), code="Conflict", status=409)
