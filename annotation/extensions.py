"""Extension points of annotation's pages, which apps above it fill when they start (`AppConfig.ready`), so the
documents list and the labeling view can show what those apps know without annotation importing them
(`modeling` registers its suggestion counts, uncertainty order, pre-label panel and suggestion bar here).

- `DocumentFilter`: one more filter of the documents list (a query parameter with choices).
- `DocumentOrder`: one more order of the documents list (`?sort=`); Prev/Next in the labeling view follow it.
- `DocumentColumn`: one more column: a queryset annotation for the page's rows and a template for the cell.
- `PageSlot`: a template rendered at a named place of a page (`{% extension_slot "documents.panel" %}`), with
  context from its app; `SLOTS` names the places.

Everything registered is keyed by name, so registering twice (tests, autoreload) replaces rather than repeats.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from django.db.models import QuerySet

# The places of annotation's pages that take slots.
SLOTS = {
    "documents.head": "documents list, in <head> (stylesheets: one in the body would hold the page's rendering)",
    "labeling.head": "labeling view, in <head>",
    "documents.panel": "documents list, above the table (panels of background jobs)",
    "labeling.toolbar": "labeling view, under the type palette (tools that work on the open document)",
    "labeling.help": "labeling view, rows of the `?` help dialog's key table (the keys of those tools)",
}


@dataclass(frozen=True)
class DocumentFilter:
    key: str  # the query parameter, also the form field's name
    label: str
    choices: tuple[tuple[str, str], ...]  # (value, label); the first is "any" (value "")
    apply: Callable[[QuerySet, str], QuerySet]  # narrows the documents to a chosen value


@dataclass(frozen=True)
class DocumentOrder:
    value: str  # the `sort` parameter's value
    label: str
    # Orders the documents; it must end on a unique key (the location), so Prev/Next are well defined.
    apply: Callable[[QuerySet], QuerySet]


@dataclass(frozen=True)
class DocumentColumn:
    name: str
    heading: str
    annotate: Callable[[QuerySet], QuerySet]  # adds what the cell shows to the page's rows (one query)
    template: str  # renders one cell (`<td>…</td>`); context: `doc`, `project`


@dataclass(frozen=True)
class PageSlot:
    name: str
    slot: str  # a key of SLOTS
    template: str
    # The template's context for this request and project (the page's own context is there too); None: the
    # slot shows nothing (for instance, the user's role does not allow what it offers).
    context: Callable[..., dict[str, Any] | None]


_filters: dict[str, DocumentFilter] = {}
_orders: dict[str, DocumentOrder] = {}
_columns: dict[str, DocumentColumn] = {}
_slots: dict[str, PageSlot] = {}


def register_document_filter(extension: DocumentFilter) -> None:
    _filters[extension.key] = extension


def register_document_order(extension: DocumentOrder) -> None:
    _orders[extension.value] = extension


def register_document_column(extension: DocumentColumn) -> None:
    _columns[extension.name] = extension


def register_page_slot(extension: PageSlot) -> None:
    if extension.slot not in SLOTS:
        raise ValueError(f"No slot named {extension.slot!r}; the slots are {', '.join(SLOTS)}.")
    _slots[extension.name] = extension


def document_filters() -> list[DocumentFilter]:
    return list(_filters.values())


def document_orders() -> list[DocumentOrder]:
    return list(_orders.values())


def document_order(value: str) -> DocumentOrder | None:
    return _orders.get(value)


def document_columns() -> list[DocumentColumn]:
    return list(_columns.values())


def page_slots(slot: str) -> list[PageSlot]:
    return [extension for extension in _slots.values() if extension.slot == slot]
