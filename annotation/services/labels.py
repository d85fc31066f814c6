"""Label edits, one label at a time, so two people labeling the same document never overwrite each other.
Each edit is recorded in the project's activity and in the document's audit trail (`services.audit`).

Each edit locks the document row first (`select_for_update`), so on PostgreSQL two concurrent creates cannot
both pass the overlap check; on SQLite the IMMEDIATE transaction already serialises writers.
Offsets are code points, half-open, like everywhere on the server.

Whose labels an edit changes is `selectors_team.writable_labels` (the rule: `selectors_team.whose_labels`): the
document's, or, for an assignee of a document labeled independently, that annotator's own `IndependentLabel`s
(never trained on until adjudicated); anyone else is refused there, as only adjudication sets such a document's
labels.

Every label has a `version`; an update or removal that names the version it saw is refused with 409 when the label
has changed since (someone else's edit), instead of silently writing over it.
"""

from __future__ import annotations

from django.db import transaction
from django.db.models import F

from annotation import selectors_team
from annotation.models import Document, EntityType, IndependentLabel, Label, LabelChangeAction
from annotation.services.audit import label_change_record, label_snapshot
from annotation.services.reviews import review_invalidate
from annotation.spans import Span, check_no_overlap
from projects.permissions import Action, require
from projects.services.activity import activity_record
from studio import limits
from studio.exceptions import Conflict, InvalidInput, NotFound


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


def _label(labels, document: Document, label_id: int):
    label = labels.filter(pk=label_id).first()
    if label is None:
        raise NotFound(
            f"Label {label_id} is no longer in document '{document.location}'; someone may have removed it.",
            innererror_code="LabelNotFound",
        )
    return label


def _check_version(label, version: object) -> None:
    """Refuses an edit made on an older version of the label than the one stored (None: the caller did not say)."""
    if version is None:
        return
    if not isinstance(version, int) or isinstance(version, bool) or version < 1:
        raise InvalidInput(
            f"version must be the label's version (a positive number), got {version!r}.", target="version"
        )
    if version != label.version:
        who = getattr(label, "updated_by", None)
        by = f" by {who.username}" if who is not None else ""
        raise Conflict(
            f"This label was changed{by} since you loaded it (your version {version}, now {label.version}); "
            "nothing was changed. Reload the page to see the current label, then edit it again.",
            target="version",
            innererror_code="LabelVersionConflict",
        )


def _check_free(labels, document: Document, span: Span, *, exclude_id: int | None = None) -> None:
    """Refuses `span` if it overlaps another label of the set (the rule itself lives in `spans`)."""
    others = labels.filter(start__lt=span.end, end__gt=span.start)
    if exclude_id is not None:
        others = others.exclude(pk=exclude_id)
    check_no_overlap(span, (Span(o.start, o.end, o.entity_type.name) for o in others), document.text)


def _editor(user):
    return user if user is not None and user.is_authenticated else None


QUOTED_CHARS = 40  # of a label's text in an activity entry


def _quoted(document: Document, start: int, end: int) -> str:
    text = " ".join(document.text[start:end].split())
    return f"'{text[:QUOTED_CHARS]}…'" if len(text) > QUOTED_CHARS else f"'{text}'"


def _record(document: Document, user, summary: str, *, independent: bool) -> None:
    """The project's activity entry. Everyone in the project reads the activity, so an edit of one's own labels
    (independent labeling) says only where: what they labeled stays theirs until adjudication."""
    if independent:
        summary = "changed their own labels"
    whose = " (independent labeling)" if independent else ""
    activity_record(
        project=document.project, user=user, verb="labeled", summary=f"{summary} in {document.location}{whose}"
    )


def _snapshot(document: Document, label) -> dict:
    return label_snapshot(text=document.text, entity_type=label.entity_type, start=label.start, end=label.end)


@transaction.atomic
def label_create(
    *, document: Document, user, entity_type_id: int, start: int, end: int, source: str = ""
) -> Label | IndependentLabel:
    """Adds one label; 409 if it overlaps a label already there (someone else's included). `source` says where
    the label came from when a person did not draw it (a model's suggestion), for the activity log."""
    document = _lock(document)
    require(user, document.project, Action.LABEL)
    limits.check_label_span(start, end, len(document.text))
    entity_type = _entity_type(document, entity_type_id)
    labels, independent = selectors_team.writable_labels(document=document, user=user)
    _check_free(labels, document, Span(start, end, entity_type.name))
    if independent:
        label = IndependentLabel.objects.create(
            document=document, annotator=user, entity_type=entity_type, start=start, end=end
        )
    else:
        label = Label.objects.create(
            document=document,
            entity_type=entity_type,
            start=start,
            end=end,
            created_by=_editor(user),
            updated_by=_editor(user),
        )
        review_invalidate(document=document, user=user)
    how = f" (accepted from {source})" if source else ""
    _record(
        document, user, f"labeled {_quoted(document, start, end)} as {entity_type.name}{how}", independent=independent
    )
    label_change_record(
        document=document,
        user=user,
        action=LabelChangeAction.ACCEPT if source else LabelChangeAction.CREATE,
        label_id=label.pk,
        after=_snapshot(document, label),
        independent=independent,
        summary=f"from {source}" if source else "",
    )
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
    version: int | None = None,
) -> Label | IndependentLabel:
    """Changes one label's type and/or extent; 404 if someone removed it meanwhile, 409 if `version` (the one the
    caller saw) is not the label's any more."""
    document = _lock(document)
    require(user, document.project, Action.LABEL)
    labels, independent = selectors_team.writable_labels(document=document, user=user)
    label = _label(labels, document, label_id)
    _check_version(label, version)
    before = _snapshot(document, label)
    was_type, was_text = label.entity_type.name, _quoted(document, label.start, label.end)
    if entity_type_id is not None:
        label.entity_type = _entity_type(document, entity_type_id)
    if start is not None or end is not None:
        new_start = label.start if start is None else start
        new_end = label.end if end is None else end
        limits.check_label_span(new_start, new_end, len(document.text))
        _check_free(labels, document, Span(new_start, new_end, label.entity_type.name), exclude_id=label.pk)
        label.start, label.end = new_start, new_end
    if not independent:
        label.updated_by = _editor(user)
    after = _snapshot(document, label)
    if after != before:
        label.version = F("version") + 1
    label.save()
    label.refresh_from_db(fields=["version"])
    is_type, is_text = label.entity_type.name, _quoted(document, label.start, label.end)
    changed = [now for now, was in ((is_type, was_type), (is_text, was_text)) if now != was]
    if after != before:  # an edit that changed nothing is not news
        if not independent:
            review_invalidate(document=document, user=user)
        summary = f"changed the {was_type} label {was_text} to {' '.join(changed)}" if changed else ""
        if summary:
            _record(document, user, summary, independent=independent)
        label_change_record(
            document=document,
            user=user,
            action=LabelChangeAction.UPDATE,
            label_id=label.pk,
            before=before,
            after=after,
            independent=independent,
        )
    return label


@transaction.atomic
def label_delete(*, document: Document, user, label_id: int, version: int | None = None) -> None:
    """Removes one label; 404 if it is already gone, 409 if `version` is not the label's any more."""
    document = _lock(document)
    require(user, document.project, Action.LABEL)
    labels, independent = selectors_team.writable_labels(document=document, user=user)
    label = _label(labels, document, label_id)
    _check_version(label, version)
    before = _snapshot(document, label)
    label_pk = label.pk
    label.delete()
    if not independent:
        review_invalidate(document=document, user=user)
    _record(
        document,
        user,
        f"removed the {label.entity_type.name} label {_quoted(document, label.start, label.end)}",
        independent=independent,
    )
    label_change_record(
        document=document,
        user=user,
        action=LabelChangeAction.DELETE,
        label_id=label_pk,
        before=before,
        independent=independent,
    )
