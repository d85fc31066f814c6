"""What the deployments page shows: load states, and the test panel's entities and highlighted text."""

from __future__ import annotations

from dataclasses import dataclass

from modeling import serving
from modeling.services.runtime import Entity
from modeling.views.presenters.formatting import DEFAULT_COLOR, percent

# Where a deployment's model stands in the server process that answers: a badge in the list, a note in the panel.
LOAD_BADGES = {
    serving.READY: "Ready",
    serving.LOADING: "Loading…",
    serving.NOT_LOADED: "Loads on first call",
    serving.FAILED: "Failed to load",
}
LOAD_NOTICES = {
    serving.READY: "",
    serving.LOADING: "Loading model {model} into the server… (first use after deploying); a test waits for it.",
    serving.NOT_LOADED: "Model {model} is not loaded in this server process yet: the first test loads it, which "
    "takes a few seconds.",
    serving.FAILED: "Model {model} could not be loaded into the server; the next test tries again and says why.",
}


def served_model_name(model) -> str:
    """A deployment's model as the page names it: its label, marked when a newer training of that label replaced
    it (the deployment keeps serving this one until it is redeployed)."""
    return f"{model.label} (earlier training)" if model.replaced_at else model.label


@dataclass
class Fragment:
    """A run of the tested text: plain, or one predicted entity (the template escapes `text`)."""

    text: str
    category: str | None = None
    color: str = DEFAULT_COLOR
    confidence: str = ""


@dataclass
class EntityRow:
    """A predicted entity as the panel's table shows it: code-point offset and length."""

    text: str
    category: str
    offset: int
    length: int
    color: str
    confidence: str


def entity_rows(text: str, entities: list[Entity], colors: dict[str, str]) -> list[EntityRow]:
    return [
        EntityRow(
            text=text[e.start : e.end],
            category=e.category,
            offset=e.start,
            length=e.end - e.start,
            color=colors.get(e.category, DEFAULT_COLOR),
            confidence=percent(e.confidence),
        )
        for e in entities
    ]


def fragments(text: str, rows: list[EntityRow]) -> list[Fragment]:
    """The text cut at the entities; an entity overlapping an earlier one stays in the table only."""
    fragments, position = [], 0
    for row in sorted(rows, key=lambda r: (r.offset, -r.length)):
        start, end = row.offset, row.offset + row.length
        if start < position or end > len(text):
            continue
        if start > position:
            fragments.append(Fragment(text[position:start]))
        fragments.append(Fragment(text[start:end], row.category, row.color, row.confidence))
        position = end
    if position < len(text):
        fragments.append(Fragment(text[position:]))
    return fragments
