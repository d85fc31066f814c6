"""Adjudication (issue 16): a reviewer turns the independent labels of a document into its ordinary labels,
choosing per span whose version (or another type) is final. Only then do they train, evaluate and export."""

from __future__ import annotations

from django.db import transaction
from django.utils import timezone

from annotation import selectors
from annotation.models import Document, Label, LabelChangeAction, ReviewStatus
from annotation.services.audit import label_changes_record, label_snapshot
from annotation.spans import Span, check_no_overlap
from projects.permissions import Action, require
from projects.services.activity import activity_record
from studio import limits
from studio.exceptions import Conflict, InvalidInput


def _chosen(document: Document, chosen: object) -> list[tuple[int, int, object]]:
    """Checks the final labels: [start, end, entity type id] each, inside the text, not overlapping."""
    if not isinstance(chosen, list | tuple):
        raise InvalidInput("Send the final labels as a list of [start, end, entityTypeId].", target="labels")
    types = {t.pk: t for t in document.project.entity_types.all()}
    spans: list[tuple[int, int, object]] = []
    for item in chosen:
        if (
            not isinstance(item, list | tuple)
            or len(item) != 3
            or not all(isinstance(v, int) and not isinstance(v, bool) for v in item)
        ):
            raise InvalidInput(f"Each final label is [start, end, entityTypeId], got {item!r:.60}.", target="labels")
        start, end, type_id = item
        limits.check_label_span(start, end, len(document.text))
        if type_id not in types:
            raise InvalidInput(f"Entity type {type_id} is not in project '{document.project.name}'.", target="labels")
        spans.append((start, end, types[type_id]))
    spans.sort(key=lambda s: s[0])
    placed: list[Span] = []
    for start, end, entity_type in spans:
        span = Span(start, end, entity_type.name)
        check_no_overlap(span, placed, document.text)
        placed.append(span)
    return spans


@transaction.atomic
def document_adjudicate(*, document: Document, user, labels: object, labels_version: object = None) -> int:
    """Replaces the document's labels with `labels` (the reviewer's choice), ends its independent labeling and
    marks it reviewed; every removed and added label is in the audit trail. Returns how many labels it has.
    `labels_version` (`selectors.label_version` as the reviewer's page read it) makes it refuse, with 409, when
    the document's labels changed since: the choice would silently undo that change."""
    document = Document.objects.select_for_update().select_related("project").get(pk=document.pk)
    require(user, document.project, Action.REVIEW)
    if labels_version is not None:
        if not isinstance(labels_version, str):
            raise InvalidInput("labelsVersion must be the version the page read.", target="labelsVersion")
        if labels_version != selectors.label_version(document=document):
            raise Conflict(
                f"The labels of '{document.location}' changed since this page was loaded; nothing was changed. "
                "Reload it to see them, then choose again.",
                target="labelsVersion",
                innererror_code="LabelVersionConflict",
            )
    spans = _chosen(document, labels)
    editor = user if user.is_authenticated else None
    old = list(document.labels.select_related("entity_type"))
    keep = {(lb.start, lb.end, lb.entity_type_id): lb for lb in old}
    wanted = {(start, end, t.pk) for start, end, t in spans}
    removed = [lb for key, lb in keep.items() if key not in wanted]
    Label.objects.filter(pk__in=[lb.pk for lb in removed]).delete()
    created = Label.objects.bulk_create(
        Label(document=document, entity_type=t, start=start, end=end, created_by=editor, updated_by=editor)
        for start, end, t in spans
        if (start, end, t.pk) not in keep
    )

    def snapshot(label: Label) -> dict:
        return label_snapshot(text=document.text, entity_type=label.entity_type, start=label.start, end=label.end)

    label_changes_record(
        project=document.project,
        user=user,
        action=LabelChangeAction.ADJUDICATE,
        changes=[(document, document.location, lb.pk, snapshot(lb), None) for lb in removed]
        + [(document, document.location, lb.pk, None, snapshot(lb)) for lb in created],
        summary="final labels chosen in adjudication",
    )
    now = timezone.now()
    document.adjudicated_at = now
    document.review_status, document.review_comment = ReviewStatus.REVIEWED, ""
    document.reviewed_by, document.reviewed_at = editor, now
    document.save(
        update_fields=["adjudicated_at", "review_status", "review_comment", "reviewed_by", "reviewed_at", "modified_at"]
    )
    activity_record(
        project=document.project,
        user=user,
        verb="reviewed",
        summary=f"adjudicated {document.location}: {len(spans)} final labels "
        f"({len(created)} added, {len(removed)} removed)",
    )
    return len(spans)
