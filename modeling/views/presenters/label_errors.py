"""The label-errors page: each likely error as its document shows it (the labels now, the model's version) with a
sentence saying what is wrong, and the check's estimate in words."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from modeling.models import LabelIssue, LabelIssueKind
from modeling.views.presenters.estimate import _minutes
from modeling.views.presenters.formatting import DEFAULT_COLOR, percent

CONTEXT_CHARACTERS = 60

KIND_TITLES = {
    LabelIssueKind.MISSING: "Missing label",
    LabelIssueKind.SPURIOUS: "Spurious label",
    LabelIssueKind.WRONG_TYPE: "Wrong type",
    LabelIssueKind.BOUNDARY: "Wrong boundary",
}


@dataclass(frozen=True)
class Piece:
    """A stretch of the place's text; `category` set when a label (or the model) marks it as an entity."""

    text: str
    category: str | None = None
    color: str = DEFAULT_COLOR


@dataclass
class IssueRow:
    id: int
    rank: int
    kind: str
    kind_title: str
    score_text: str
    status: str
    location: str
    document_id: int
    sentence: str
    before: str
    after: str
    now: list[Piece] = field(default_factory=list)  # the place as labeled
    model: list[Piece] = field(default_factory=list)  # the place as the model has it


def issue_row(issue: LabelIssue, colors: dict[str, str]) -> IssueRow:
    text = issue.document.text
    spans = [*issue.labels, *issue.suggestion]
    start, end = min(s[0] for s in spans), max(s[1] for s in spans)
    before, after = _around(text, start, end)
    return IssueRow(
        id=issue.pk,
        rank=issue.rank,
        kind=issue.kind,
        kind_title=KIND_TITLES.get(issue.kind, issue.kind),
        score_text=percent(issue.score),
        status=issue.status,
        location=issue.document.location,
        document_id=issue.document_id,
        sentence=_sentence(issue, text),
        before=before,
        after=after,
        now=_pieces(text, start, end, issue.labels, colors),
        model=_pieces(text, start, end, issue.suggestion, colors),
    )


def _quoted(text: str, span: list[Any]) -> str:
    return "“" + " ".join(text[span[0] : span[1]].split()) + "”"


def _sentence(issue: LabelIssue, text: str) -> str:
    """What the model says, in words; probabilities are the model's (from the fold that never saw the document)."""
    labels, suggestion = issue.labels, issue.suggestion
    sure = f"{percent(issue.suggestion_probability)} sure"
    if issue.kind == LabelIssueKind.MISSING:
        (span,) = suggestion
        return f"Not labeled, but the model finds {span[2]} {_quoted(text, span)} ({sure})."
    if issue.kind == LabelIssueKind.SPURIOUS:
        (span,) = labels
        return (
            f"Labeled {span[2]} {_quoted(text, span)}, but the model finds no entity here ({sure}; it gives the "
            f"label {percent(issue.label_probability)})."
        )
    if issue.kind == LabelIssueKind.WRONG_TYPE:
        (label,), (guess,) = labels, suggestion
        return f"Labeled {label[2]} {_quoted(text, label)}, but the model says {guess[2]} ({sure})."
    shown_now = ", ".join(f"{s[2]} {_quoted(text, s)}" for s in labels)
    shown_model = ", ".join(f"{s[2]} {_quoted(text, s)}" for s in suggestion)
    return f"Labeled {shown_now}, but the model draws the edges as {shown_model} ({sure})."


def _around(text: str, start: int, end: int, width: int = CONTEXT_CHARACTERS) -> tuple[str, str]:
    before, after = text[max(0, start - width) : start], text[end : end + width]
    if start > width and " " in before:
        before = "…" + before[before.index(" ") + 1 :]
    if end + width < len(text) and " " in after:
        after = after[: after.rindex(" ")] + "…"
    return " ".join(before.split("\n")), " ".join(after.split("\n"))


def _pieces(text: str, start: int, end: int, spans: list[list[Any]], colors: dict[str, str]) -> list[Piece]:
    pieces, position = [], start
    for s_start, s_end, category in sorted(spans):
        if s_start > position:
            pieces.append(Piece(text[position:s_start]))
        pieces.append(Piece(text[s_start:s_end], category, colors.get(category, DEFAULT_COLOR)))
        position = s_end
    if position < end:
        pieces.append(Piece(text[position:end]))
    return pieces


def plan_text(documents: int, folds: int, one_training_seconds: float, total_seconds: float) -> str:
    """The page's promise before a check starts: what it trains and about how long it takes."""
    return (
        f"Trains {folds} models, each on about {round(100 * (folds - 1) / folds)} % of the {documents:,} labeled Train "
        f"documents, and checks each document with the model that did not see it: about {folds} trainings "
        f"(one training of these documents takes about {_minutes(one_training_seconds)}), so about "
        f"{_minutes(total_seconds)} in all."
    )
