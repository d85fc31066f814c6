"""The test set tab: each test document's labeled and predicted spans, scored by the evaluation's own rule.

`modeling.ml.evaluation.match_spans` decides every outcome; this module only adds colors and the text around
each span, so the per-document counts add up to the model's evaluation.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from modeling.ml.evaluation import FN, FP, TP, WRONG_TYPE, SpanMatch, match_spans
from modeling.views.presenters.formatting import DEFAULT_COLOR, percent

CONTEXT_CHARACTERS = 48


@dataclass
class SpanRow:
    """One place in a test document: what was labeled there and what the model predicted."""

    start: int
    end: int
    outcome: str  # tp | fn | fp | type (a wrong type counts as FN for the label and FP for the prediction)
    expected: str | None
    predicted: str | None
    confidence: float | None
    before: str = ""
    text: str = ""
    after: str = ""
    expected_color: str = DEFAULT_COLOR
    predicted_color: str = DEFAULT_COLOR

    @property
    def confidence_text(self) -> str:
        return "" if self.confidence is None else percent(self.confidence)


@dataclass
class DocumentComparison:
    location: str
    language: str
    rows: list[SpanRow]
    has_text: bool
    document_id: int | None = None  # the project's document with this location, if it still exists

    @property
    def tp(self) -> int:
        return sum(r.outcome == TP for r in self.rows)

    @property
    def fp(self) -> int:
        return sum(r.outcome in (FP, WRONG_TYPE) for r in self.rows)

    @property
    def fn(self) -> int:
        return sum(r.outcome in (FN, WRONG_TYPE) for r in self.rows)

    @property
    def mismatched(self) -> bool:
        return any(r.outcome != TP for r in self.rows)


def compare_document(
    document: dict[str, Any], text: str | None, colors: dict[str, str] | None = None
) -> DocumentComparison:
    """A stored test document (``{"location", "language", "expected", "predicted"}``, code points) as rows."""
    matches = match_spans(document.get("expected", []), document.get("predicted", []))
    return DocumentComparison(
        location=document["location"],
        language=document.get("language") or "",
        rows=[_row(match, text, colors or {}) for match in matches],
        has_text=text is not None,
    )


def _row(match: SpanMatch, text: str | None, colors: dict[str, str]) -> SpanRow:
    row = SpanRow(
        match.start,
        match.end,
        match.outcome,
        match.expected,
        match.predicted,
        match.confidence,
        expected_color=colors.get(match.expected or "", DEFAULT_COLOR),
        predicted_color=colors.get(match.predicted or "", DEFAULT_COLOR),
    )
    if text is not None:
        row.before, row.text, row.after = context(text, match.start, match.end)
    return row


def context(text: str, start: int, end: int, width: int = CONTEXT_CHARACTERS) -> tuple[str, str, str]:
    """The span and up to `width` characters either side, cut at a space and marked with an ellipsis."""
    before, after = text[max(0, start - width) : start], text[end : end + width]
    if start > width and " " in before:
        before = "…" + before[before.index(" ") + 1 :]
    if end + width < len(text) and " " in after:
        after = after[: after.rindex(" ")] + "…"
    return " ".join(before.split("\n")), text[start:end], " ".join(after.split("\n"))
