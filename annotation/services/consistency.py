"""Fixing what the consistency check finds: label every occurrence of a string with one type in one step, and undo
that step.

The labels are created under the label service's rules: the documents are locked first (as `label_create` locks
its document), each label passes `limits.check_label_span`, and an occurrence that an existing label overlaps is
skipped with the overlap rule's own message (`annotation.spans`), never forced. The step is recorded as a
`LabelBatch` and in the project's activity; undo removes exactly the labels it created that are still as created.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.db import transaction
from django.db.models.functions import Length
from django.utils import timezone

from annotation import selectors
from annotation.models import Document, EntityType, Label, LabelBatch, LabelChangeAction
from annotation.services.audit import label_changes_record, label_snapshot
from projects.models import Project
from projects.permissions import Action, require
from projects.services.activity import activity_record
from studio import limits
from studio.exceptions import Conflict, InvalidInput

SKIPPED_KEPT = 50  # skipped occurrences a batch records for its page (all are counted)
QUOTED_CHARS = 40  # of the string in an activity entry


def _quoted(surface: str) -> str:
    return f"'{surface[:QUOTED_CHARS]}…'" if len(surface) > QUOTED_CHARS else f"'{surface}'"


def _editor(user):
    return user if user is not None and user.is_authenticated else None


def _entity_type(project: Project, entity_type_id: object) -> EntityType:
    if not isinstance(entity_type_id, int) or isinstance(entity_type_id, bool):
        raise InvalidInput(f"The entity type must be given by its id, got {entity_type_id!r}.", target="type")
    entity_type = project.entity_types.filter(pk=entity_type_id).first()
    if entity_type is None:
        raise InvalidInput(
            f"Entity type {entity_type_id} is not in project '{project.name}' (it may have been deleted).",
            target="type",
        )
    return entity_type


@transaction.atomic
def label_batch_create(
    *, project: Project, user, surface: str, entity_type_id: int, case_sensitive: bool = True, fingerprint: str
) -> LabelBatch:
    """Labels every unlabeled occurrence of `surface` as the entity type, as the preview with `fingerprint`
    showed; 409 if the documents or labels changed since that preview (nothing is created then)."""
    require(user, project, Action.LABEL)
    entity_type = _entity_type(project, entity_type_id)
    candidates = selectors.documents_containing(project=project, surface=surface, case_sensitive=case_sensitive)
    # Locked until the batch is recorded, as `label_create` locks its document.
    lengths = dict(candidates.select_for_update().values_list("pk", Length("text")))
    plan = selectors.label_all_preview(
        project=project, surface=surface, entity_type=entity_type, case_sensitive=case_sensitive
    )
    if plan.fingerprint != fingerprint:
        raise Conflict(
            f"The labels of '{plan.surface}' changed since the preview (someone labeled meanwhile); "
            "nothing was labeled. Preview again.",
            innererror_code="PreviewOutdated",
        )
    if not plan.create:
        raise InvalidInput(
            f"No occurrence of '{plan.surface}' is left to label: each is labeled {entity_type.name} already or "
            "overlaps a label. Nothing changed."
        )
    for occurrence in plan.create:
        limits.check_label_span(occurrence.start, occurrence.end, lengths[occurrence.document_id])
    editor = _editor(user)
    created = Label.objects.bulk_create(
        Label(
            document_id=o.document_id,
            entity_type=entity_type,
            start=o.start,
            end=o.end,
            created_by=editor,
            updated_by=editor,
        )
        for o in plan.create
    )
    batch = LabelBatch.objects.create(
        project=project,
        entity_type=entity_type,
        type_name=entity_type.name,
        surface=plan.surface,
        case_sensitive=case_sensitive,
        labels=[[label.pk, label.document_id, label.start, label.end, entity_type.pk] for label in created],
        documents=plan.documents,
        skipped=[
            [s.occurrence.document_id, s.occurrence.location, s.occurrence.start, s.occurrence.end, s.reason]
            for s in plan.skipped[:SKIPPED_KEPT]
        ],
        skipped_count=len(plan.skipped),
        created_by=editor,
    )
    texts = dict(Document.objects.filter(pk__in={label.document_id for label in created}).values_list("pk", "text"))
    locations = {o.document_id: o.location for o in plan.create}
    label_changes_record(
        project=project,
        user=user,
        action=LabelChangeAction.BULK_CREATE,
        changes=(
            (
                label.document_id,
                locations.get(label.document_id, ""),
                label.pk,
                None,
                label_snapshot(
                    text=texts[label.document_id], entity_type=entity_type, start=label.start, end=label.end
                ),
            )
            for label in created
        ),
        summary=f"label all {_quoted(plan.surface)} (batch {batch.pk})",
    )
    skipped = f"; skipped {len(plan.skipped)} overlapping a label" if plan.skipped else ""
    activity_record(
        project=project,
        user=user,
        verb="labeled",
        summary=f"labeled all {len(created)} unlabeled occurrences of {_quoted(plan.surface)} as {entity_type.name} "
        f"in {plan.documents} document{'s' if plan.documents != 1 else ''}{skipped}",
    )
    return batch


@dataclass(frozen=True)
class UndoResult:
    removed: int  # labels of the batch removed
    changed: int  # labels of the batch whose type or extent someone changed since: kept
    gone: int  # labels of the batch someone had already removed

    @property
    def message(self) -> str:
        parts = [f"Removed {self.removed} label{'s' if self.removed != 1 else ''}."]
        if self.changed:
            parts.append(
                f"{self.changed} label{'s were' if self.changed != 1 else ' was'} changed since and kept "
                "(undo them in the labeling view)."
            )
        if self.gone:
            parts.append(f"{self.gone} {'were' if self.gone != 1 else 'was'} already removed.")
        return " ".join(parts)


@transaction.atomic
def label_batch_undo(*, project: Project, user, batch_id: int) -> UndoResult:
    """Removes the labels the batch created that are still as created (same document, extent and type); reports
    those changed or removed since, which stay as they are. A batch is undone once."""
    require(user, project, Action.LABEL)
    batch = selectors.label_batch_get(project=project, batch_id=batch_id)
    batch = LabelBatch.objects.select_for_update().get(pk=batch.pk)
    if batch.undone_at is not None:
        raise Conflict(
            f"Labeling '{batch.surface}' as {batch.type_name} was already undone.", innererror_code="AlreadyUndone"
        )
    recorded = {row[0]: tuple(row[1:]) for row in batch.labels}  # label id -> (document, start, end, type)
    list(Document.objects.select_for_update().filter(pk__in={r[0] for r in recorded.values()}).values_list("pk"))
    current = {
        pk: (document_id, start, end, type_id)
        for pk, document_id, start, end, type_id in Label.objects.filter(pk__in=recorded).values_list(
            "pk", "document_id", "start", "end", "entity_type_id"
        )
    }
    unchanged = [pk for pk, state in recorded.items() if current.get(pk) == state]
    changed = sum(1 for pk in recorded if pk in current and current[pk] != recorded[pk])
    _record_undo(project, user, batch, [(pk, *recorded[pk]) for pk in unchanged])
    Label.objects.filter(pk__in=unchanged).delete()
    batch.undone_at = timezone.now()
    batch.undone_by = _editor(user)
    batch.save(update_fields=["undone_at", "undone_by"])
    result = UndoResult(removed=len(unchanged), changed=changed, gone=len(recorded) - len(current))
    kept = f"; kept {changed} changed since" if changed else ""
    activity_record(
        project=project,
        user=user,
        verb="labeled",
        summary=f"undid labeling {_quoted(batch.surface)} as {batch.type_name}: removed {result.removed} "
        f"label{'s' if result.removed != 1 else ''}{kept}",
    )
    return result


def _record_undo(project: Project, user, batch: LabelBatch, removed: list[tuple[int, int, int, int, int]]) -> None:
    """The audit trail of an undo: one row per label removed ((label, document, start, end, type) each)."""
    documents = {
        pk: (location, text)
        for pk, location, text in Document.objects.filter(pk__in={row[1] for row in removed}).values_list(
            "pk", "location", "text"
        )
    }
    label_changes_record(
        project=project,
        user=user,
        action=LabelChangeAction.BULK_DELETE,
        changes=(
            (
                document_id,
                documents[document_id][0],
                pk,
                label_snapshot(text=documents[document_id][1], entity_type=batch.type_name, start=start, end=end),
                None,
            )
            for pk, document_id, start, end, _ in removed
        ),
        summary=f"undid label all {_quoted(batch.surface)} (batch {batch.pk})",
    )
