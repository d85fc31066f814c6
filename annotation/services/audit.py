"""The audit trail of labels (`LabelChange`): who changed which label when, and how it was before and after.

Recorded here, by the services that write labels, rather than by a history library: django-simple-history and
django-auditlog hook model signals, which `bulk_create`, queryset `update()` and `delete()` (imports, label all,
deleting documents or types) do not send, so they would miss exactly the bulk changes that must not go unseen, or
force the bulk paths back to one row at a time. One call per write path is the honest record.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from django.db.models import QuerySet

from annotation.models import Document, EntityType, IndependentLabel, Label, LabelChange, LabelChangeAction
from projects.models import Project

QUOTED_CHARS = 80  # of a label's text kept in its snapshot


def _user(user):
    return user if user is not None and user.is_authenticated else None


def label_snapshot(*, text: str, entity_type: EntityType | str, start: int, end: int) -> dict[str, Any]:
    """A label as the trail keeps it: its type's name (types can be deleted), offsets and a bit of its text."""
    name = entity_type if isinstance(entity_type, str) else entity_type.name
    return {"type": name, "start": start, "end": end, "text": text[start:end][:QUOTED_CHARS]}


def label_change_record(
    *,
    document: Document,
    user,
    action: LabelChangeAction,
    label_id: int | None,
    before: dict | None = None,
    after: dict | None = None,
    independent: bool = False,
    summary: str = "",
) -> LabelChange:
    """Records one change to one label of `document`."""
    return LabelChange.objects.create(
        project_id=document.project_id,
        document=document,
        location=document.location,
        user=_user(user),
        action=action,
        label_id=label_id,
        before=before,
        after=after,
        independent=independent,
        summary=summary[:300],
    )


def label_changes_record(
    *,
    project: Project,
    user,
    action: LabelChangeAction,
    changes: Iterable[tuple[Document | int, str, int | None, dict | None, dict | None]],
    summary: str = "",
    independent: bool = False,
) -> int:
    """Records many one-label changes at once: (document or its id, location, label id, before, after) each;
    `independent`: of the user's own labels (`IndependentLabel`)."""
    editor = _user(user)
    rows = [
        LabelChange(
            project=project,
            document_id=document if isinstance(document, int) else document.pk,
            location=location,
            user=editor,
            action=action,
            label_id=label_id,
            before=before,
            after=after,
            independent=independent,
            summary=summary[:300],
        )
        for document, location, label_id, before, after in changes
    ]
    LabelChange.objects.bulk_create(rows, batch_size=500)
    return len(rows)


def label_bulk_change_record(
    *,
    project: Project,
    user,
    action: LabelChangeAction,
    count: int,
    summary: str,
    document: Document | None = None,
    independent: bool = False,
) -> LabelChange | None:
    """Records one row standing for `count` labels created or removed together (nothing when `count` is 0);
    `independent`: annotators' own labels (`IndependentLabel`)."""
    if count <= 0:
        return None
    return LabelChange.objects.create(
        project=project,
        document=document,
        location=document.location if document is not None else "",
        user=_user(user),
        action=action,
        count=count,
        independent=independent,
        summary=summary[:300],
    )


def labels_bulk_delete_record(
    *, project: Project, user, what: str, labels: QuerySet[Label], own_labels: QuerySet[IndependentLabel]
) -> None:
    """The audit trail of a bulk delete (documents, a type, a project an import replaces), recorded before it runs:
    one row for the document labels it takes, one for the labels annotators made on their own. `what` says what
    went ("deleted 2 documents")."""
    count = labels.count()
    label_bulk_change_record(
        project=project,
        user=user,
        action=LabelChangeAction.BULK_DELETE,
        count=count,
        summary=f"{what}: {count} labels went with it",
    )
    own = own_labels.count()
    label_bulk_change_record(
        project=project,
        user=user,
        action=LabelChangeAction.BULK_DELETE,
        count=own,
        summary=f"{what}: {own} labels annotators made on their own (independent labeling) went with it",
        independent=True,
    )
