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


_SHOWN_MAX = 40  # characters of a label's text quoted in a message


def describe(span: Span, text: str | None = None) -> str:
    """The label as a person reads it: "Party label 'Acme Corporation'" (offsets only without the text)."""
    if text is None:
        return f"{span.category} label at [{span.start}, {span.end})"
    shown = " ".join(text[span.start : span.end].split())
    if len(shown) > _SHOWN_MAX:
        shown = shown[: _SHOWN_MAX - 1].rstrip() + "…"
    return f"{span.category} label '{shown}'"


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
    return f"The {describe(b, text)} overlaps the {describe(a, text)}; labels in one document cannot overlap."


def check_no_overlap(new: Span, existing: Iterable[Span], text: str | None = None) -> None:
    for other in existing:
        if new.start < other.end and other.start < new.end:
            raise InvalidInput(overlap_message(other, new, text), code="Conflict", status=409)
