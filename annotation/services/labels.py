"""Label edits, one label at a time, so two people labeling the same document never overwrite each other.
Each edit is recorded in the project's activity.

Each edit locks the document row first (`select_for_update`), so on PostgreSQL two concurrent creates cannot
both pass the overlap check; on SQLite the IMMEDIATE transaction already serialises writers.
Offsets are code points, half-open, like everywhere on the server.
"""

from __future__ import annotations

from django.db import transaction

from annotation.models import Document, EntityType, Label
from annotation.spans import Span, check_no_overlap
from projects.permissions import Action, require
from projects.services.activity import activity_record
from studio import limits
from studio.exceptions import InvalidInput, NotFound


def _lock(document: Document) -> Document:
    """The document row, locked until the transaction ends (the overlap check and the write then see the same
    labels)."""
    return Document.objects.select_for_update().select_related("project").get(pk=document.pk)


def _entity_type(document: Document, entity_type_id: object) -> EntityType:
    if not isinstance(entity_type_id, int) or isinstance(entity_type_id, bool):
        raise InvalidInput(f"entityTypeId must be an entity type's id, got {entity_type_id!r}.", target="entityTypeId")
    entity_type = document.project.entity_types.filter(pk=entity_type_id).first()
    if entity_type is None:
        raise InvalidInput(
            f"Entity type {entity_type_id} is not in project '{document.project.name}' (it may have been deleted).",
            target="entityTypeId",
        )
    return entity_type


def _label(document: Document, label_id: int) -> Label:
    label = document.labels.select_related("entity_type").filter(pk=label_id).first()
    if label is None:
        raise NotFound(
            f"Label {label_id} is no longer in document '{document.location}'; someone may have removed it.",
            innererror_code="LabelNotFound",
        )
    return label


def _check_free(document: Document, span: Span, *, exclude_id: int | None = None) -> None:
    """Refuses `span` if it overlaps another label of the document (the rule itself lives in `spans`)."""
    others = document.labels.filter(start__lt=span.end, end__gt=span.start).select_related("entity_type")
    if exclude_id is not None:
        others = others.exclude(pk=exclude_id)
    check_no_overlap(span, (Span(o.start, o.end, o.entity_type.name) for o in others), document.text)


def _editor(user):
    return user if user is not None and user.is_authenticated else None


QUOTED_CHARS = 40  # of a label's text in an activity entry


def _quoted(document: Document, start: int, end: int) -> str:
    text = " ".join(document.text[start:end].split())
    return f"'{text[:QUOTED_CHARS]}…'" if len(text) > QUOTED_CHARS else f"'{text}'"


def _record(document: Document, user, summary: str) -> None:
    activity_record(project=document.project, user=user, verb="labeled", summary=f"{summary} in {document.location}")


@transaction.atomic
def label_create(*, document: Document, user, entity_type_id: int, start: int, end: int, source: str = "") -> Label:
    """Adds one label; 409 if it overlaps a label already there (someone else's included). `source` says where
    the label came from when a person did not draw it (a model's suggestion), for the activity log."""
    document = _lock(document)
    require(user, document.project, Action.LABEL)
    limits.check_label_span(start, end, len(document.text))
    entity_type = _entity_type(document, entity_type_id)
    _check_free(document, Span(start, end, entity_type.name))
    label = Label.objects.create(
        document=document,
        entity_type=entity_type,
        start=start,
        end=end,
        created_by=_editor(user),
        updated_by=_editor(user),
    )
    how = f" (accepted from {source})" if source else ""
    _record(document, user, f"labeled {_quoted(document, start, end)} as {entity_type.name}{how}")
    return label


@transaction.atomic
def label_update(
    *,
    document: Document,
    user,
    label_id: int,
    entity_type_id: int | None = None,
    start: int | None = None,
    end: int | None = None,
) -> Label:
    """Changes one label's type and/or extent; 404 if someone removed it meanwhile."""
    document = _lock(document)
    require(user, document.project, Action.LABEL)
    label = _label(document, label_id)
    was_type, was_text = label.entity_type.name, _quoted(document, label.start, label.end)
    if entity_type_id is not None:
        label.entity_type = _entity_type(document, entity_type_id)
    if start is not None or end is not None:
        new_start = label.start if start is None else start
        new_end = label.end if end is None else end
        limits.check_label_span(new_start, new_end, len(document.text))
        _check_free(document, Span(new_start, new_end, label.entity_type.name), exclude_id=label.pk)
        label.start, label.end = new_start, new_end
    label.updated_by = _editor(user)
    label.save()
    is_type, is_text = label.entity_type.name, _quoted(document, label.start, label.end)
    changed = [now for now, was in ((is_type, was_type), (is_text, was_text)) if now != was]
    if changed:  # an edit that changed nothing is not news
        _record(document, user, f"changed the {was_type} label {was_text} to {' '.join(changed)}")
    return label


@transaction.atomic
def label_delete(*, document: Document, user, label_id: int) -> None:
    """Removes one label; 404 if it is already gone."""
    document = _lock(document)
    require(user, document.project, Action.LABEL)
    label = _label(document, label_id)
    label.delete()
    _record(document, user, f"removed the {label.entity_type.name} label {_quoted(document, label.start, label.end)}")
