"""Fixing what the consistency check finds: label every occurrence of a string with one type in one step, and undo
that step.

The labels are created under the label service's rules: the documents are locked first (as `label_create` locks
its document), each label passes `limits.check_label_span`, and an occurrence that an existing label overlaps is
skipped with the overlap rule's own message (`annotation.spans`), never forced. Documents labeled independently
follow `selectors_team.whose_labels`: an assignee's step labels their own copy, and nobody else's step labels them.
The step is recorded as a `LabelBatch`, in the audit trail and in the project's activity; undo removes exactly the
labels it created that are still as created.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.db import transaction
from django.db.models.functions import Length
from django.utils import timezone

from annotation import selectors, selectors_team
from annotation.models import Document, EntityType, IndependentLabel, Label, LabelBatch, LabelChangeAction
from annotation.services.audit import label_changes_record, label_snapshot
from annotation.services.reviews import documents_review_invalidate
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
        project=project, surface=surface, entity_type=entity_type, case_sensitive=case_sensitive, user=user
    )
    if plan.fingerprint != fingerprint:
        raise Conflict(
            f"The labels of '{plan.surface}' changed since the preview (someone labeled meanwhile); "
            "nothing was labeled. Preview again.",
            innererror_code="PreviewOutdated",
        )
    if not plan.create:
        raise InvalidInput(
            f"No occurrence of '{plan.surface}' is left to label: each is labeled {entity_type.name} already, "
            "overlaps a label or lies in a document others label independently. Nothing changed."
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
        if not o.own
    )
    # In documents labeled independently, an assignee labels their own copy (`selectors_team.whose_labels`).
    created_own = IndependentLabel.objects.bulk_create(
        IndependentLabel(document_id=o.document_id, annotator=user, entity_type=entity_type, start=o.start, end=o.end)
        for o in plan.create
        if o.own
    )
    batch = LabelBatch.objects.create(
        project=project,
        entity_type=entity_type,
        type_name=entity_type.name,
        surface=plan.surface,
        case_sensitive=case_sensitive,
        labels=[[label.pk, label.document_id, label.start, label.end, entity_type.pk] for label in created]
        + [
            [label.pk, label.document_id, label.start, label.end, entity_type.pk, LabelBatch.OWN]
            for label in created_own
        ],
        documents=plan.documents,
        skipped=[
            [s.occurrence.document_id, s.occurrence.location, s.occurrence.start, s.occurrence.end, s.reason]
            for s in plan.skipped[:SKIPPED_KEPT]
        ],
        skipped_count=len(plan.skipped),
        created_by=editor,
    )
    texts = dict(Document.objects.filter(pk__in={o.document_id for o in plan.create}).values_list("pk", "text"))
    locations = {o.document_id: o.location for o in plan.create}
    for labels, independent in ((created, False), (created_own, True)):
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
                for label in labels
            ),
            summary=f"label all {_quoted(plan.surface)} (batch {batch.pk})",
            independent=independent,
        )
    documents_review_invalidate(document_ids={label.document_id for label in created})
    count = len(created) + len(created_own)
    locked = sum(1 for s in plan.skipped if s.reason == selectors.LOCKED_REASON)
    overlapping = len(plan.skipped) - locked
    skipped = (f"; skipped {overlapping} overlapping a label" if overlapping else "") + (
        f"; skipped {locked} in documents others label independently" if locked else ""
    )
    activity_record(
        project=project,
        user=user,
        verb="labeled",
        summary=f"labeled all {count} unlabeled occurrences of {_quoted(plan.surface)} as {entity_type.name} "
        f"in {plan.documents} document{'s' if plan.documents != 1 else ''}{skipped}",
    )
    return batch


@dataclass(frozen=True)
class UndoResult:
    removed: int  # labels of the batch removed
    changed: int  # labels of the batch whose type or extent someone changed since: kept
    gone: int  # labels of the batch someone had already removed
    locked: int = 0  # labels of the batch in documents labeled independently since: kept (adjudication decides)

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
        if self.locked:
            parts.append(
                f"{self.locked} in documents labeled independently since {'were' if self.locked != 1 else 'was'} "
                "kept (adjudication sets their labels)."
            )
        return " ".join(parts)


@dataclass(frozen=True)
class _Row:
    """One label a batch created, as created."""

    pk: int
    document_id: int
    start: int
    end: int
    type_id: int
    own: bool

    @classmethod
    def of(cls, row: list) -> _Row:
        return cls(*row[:5], own=row[5:6] == [LabelBatch.OWN])

    @property
    def state(self) -> tuple[int, int, int, int]:
        return self.document_id, self.start, self.end, self.type_id


def _states(model, rows: list[_Row], **only) -> dict[int, tuple[int, int, int, int]]:
    """The current state (document, start, end, type) of those of `rows` still there, by id."""
    found = model.objects.filter(pk__in=[row.pk for row in rows], **only)
    return {pk: tuple(state) for pk, *state in found.values_list("pk", "document_id", "start", "end", "entity_type_id")}


@transaction.atomic
def label_batch_undo(*, project: Project, user, batch_id: int) -> UndoResult:
    """Removes the labels the batch created that are still as created (same document, extent and type); reports
    those changed or removed since, which stay as they are, and keeps those in documents that became labeled
    independently since (`selectors_team.whose_labels`). A batch is undone once; one that labeled its author's own
    copies of documents labeled independently, by its author only."""
    require(user, project, Action.LABEL)
    batch = selectors.label_batch_get(project=project, batch_id=batch_id)
    batch = LabelBatch.objects.select_for_update(of=("self",)).select_related("created_by").get(pk=batch.pk)
    if batch.undone_at is not None:
        raise Conflict(
            f"Labeling '{batch.surface}' as {batch.type_name} was already undone.", innererror_code="AlreadyUndone"
        )
    rows = [_Row.of(row) for row in batch.labels]
    own = [row for row in rows if row.own]
    if own and (batch.created_by is None or batch.created_by_id != getattr(user, "pk", None)):
        author = batch.created_by.username if batch.created_by else "its author"
        raise Conflict(
            f"Labeling '{batch.surface}' as {batch.type_name} also labeled {author}'s own copies of documents labeled "
            f"independently; only {author} can undo it.",
            innererror_code="NotYours",
        )
    ordinary = [row for row in rows if not row.own]
    documents = Document.objects.filter(pk__in={row.document_id for row in rows})
    list(documents.select_for_update().values_list("pk"))  # locked, as `label_create` locks its document
    sets = selectors_team.label_sets(documents=documents, user=user)
    current = _states(Label, ordinary)
    current_own = _states(IndependentLabel, own, annotator=user) if own else {}
    unchanged = [row for row in ordinary if current.get(row.pk) == row.state]
    locked = [row for row in unchanged if sets.get(row.document_id, selectors_team.DOCUMENT) != selectors_team.DOCUMENT]
    unchanged = [row for row in unchanged if row not in locked]
    unchanged_own = [row for row in own if current_own.get(row.pk) == row.state]
    changed = sum(1 for row in ordinary if row.pk in current and current[row.pk] != row.state) + sum(
        1 for row in own if row.pk in current_own and current_own[row.pk] != row.state
    )
    _record_undo(project, user, batch, unchanged, independent=False)
    _record_undo(project, user, batch, unchanged_own, independent=True)
    Label.objects.filter(pk__in=[row.pk for row in unchanged]).delete()
    IndependentLabel.objects.filter(pk__in=[row.pk for row in unchanged_own], annotator=user).delete()
    documents_review_invalidate(document_ids={row.document_id for row in unchanged})
    batch.undone_at = timezone.now()
    batch.undone_by = _editor(user)
    batch.save(update_fields=["undone_at", "undone_by"])
    removed = len(unchanged) + len(unchanged_own)
    result = UndoResult(
        removed=removed,
        changed=changed,
        gone=len(rows) - len(current) - len(current_own),
        locked=len(locked),
    )
    kept = f"; kept {changed} changed since" if changed else ""
    activity_record(
        project=project,
        user=user,
        verb="labeled",
        summary=f"undid labeling {_quoted(batch.surface)} as {batch.type_name}: removed {result.removed} "
        f"label{'s' if result.removed != 1 else ''}{kept}",
    )
    return result


def _record_undo(project: Project, user, batch: LabelBatch, removed: list[_Row], *, independent: bool) -> None:
    """The audit trail of an undo: one row per label removed."""
    documents = {
        pk: (location, text)
        for pk, location, text in Document.objects.filter(pk__in={row.document_id for row in removed}).values_list(
            "pk", "location", "text"
        )
    }
    label_changes_record(
        project=project,
        user=user,
        action=LabelChangeAction.BULK_DELETE,
        changes=(
            (
                row.document_id,
                documents[row.document_id][0],
                row.pk,
                label_snapshot(
                    text=documents[row.document_id][1], entity_type=batch.type_name, start=row.start, end=row.end
                ),
                None,
            )
            for row in removed
        ),
        summary=f"undid label all {_quoted(batch.surface)} (batch {batch.pk})",
        independent=independent,
    )
