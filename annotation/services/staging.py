"""Large writes in short transactions: documents are written under a hidden staging project a batch at a time, then
moved into their project by one short transaction; replaced or abandoned content is deleted a batch at a time.

SQLite has one write lock. Written in one transaction, a 95,000-document import held it for tens of seconds and
other writers (label saves) waited that long or failed; staged, another writer waits for one batch at most. Readers
see none of it: no selector returns a staging project (`projects.models.STAGING_NAME_PREFIX`).
"""

from __future__ import annotations

import logging
import time
import uuid
from collections.abc import Iterator, Sequence
from datetime import timedelta

from django.db import transaction
from django.utils import timezone

from annotation.formats import DocumentData
from annotation.models import Document, EntityType, Label
from annotation.services.entity_types import next_color
from projects.models import STAGING_NAME_PREFIX, Project

logger = logging.getLogger(__name__)

# One staging transaction writes at most this many documents, characters of text and labels, so it holds SQLite's
# write lock for a fraction of a second (`bench/import_lock_bench.py`); then the import leaves the lock free this long,
# longer than SQLite's longest sleep between two tries of a waiting writer (100 ms), so every waiting writer gets in.
BATCH_DOCUMENTS = 500
BATCH_CHARACTERS = 2_000_000
BATCH_LABELS = 5_000
BATCH_PAUSE_SECONDS = 0.11
# A staging project older than this belongs to an import whose process died; the sweep deletes it.
ABANDONED_AFTER = timedelta(hours=1)
_STAGING = f"{STAGING_NAME_PREFIX}staging-"
_REPLACED = f"{STAGING_NAME_PREFIX}replaced-"


def in_callers_transaction() -> bool:
    """Inside a caller's atomic block every batch is part of that one transaction (tests, a larger change)."""
    return transaction.get_connection().in_atomic_block


def staging_create(*, replaced: bool = False) -> Project:
    """A hidden project to write into (or, with `replaced`, to move a project's old content to for deletion)."""
    return Project.objects.create(name=f"{_REPLACED if replaced else _STAGING}{uuid.uuid4().hex}")


def staging_write(
    *, staging: Project, user, entity_types: Sequence[str], documents: Sequence[DocumentData]
) -> dict[str, EntityType]:
    """Writes the schema, then the documents and their labels a batch per transaction, under `staging`."""
    with transaction.atomic():
        types = EntityType.objects.bulk_create(
            EntityType(project=staging, name=category, color=next_color(i), order=i)
            for i, category in enumerate(entity_types)
        )
    by_name = {t.name: t for t in types}
    documents_write(project=staging, user=user, documents=documents, types=by_name)
    return by_name


def documents_write(*, project: Project, user, documents: Sequence[DocumentData], types: dict[str, EntityType]) -> None:
    """Creates the documents and their labels, one transaction per batch (savepoints inside a caller's). Rows are
    built before each transaction, which then only writes them, and the lock is left free for a moment after it."""
    creator = user if user is not None and user.is_authenticated else None
    for batch in _batches(documents):
        rows = [
            Document(project=project, location=d.location, text=d.text, language=d.language, dataset=d.dataset)
            for d in batch
        ]
        labels = [
            [
                Label(entity_type=types[s.category], start=s.start, end=s.end, created_by=creator, updated_by=creator)
                for s in d.labels
            ]
            for d in batch
        ]
        with transaction.atomic():
            Document.objects.bulk_create(rows)
            for row, row_labels in zip(rows, labels, strict=True):
                for label in row_labels:
                    label.document_id = row.pk
            Label.objects.bulk_create([label for row_labels in labels for label in row_labels])
        _let_others_write()


def _let_others_write() -> None:
    """Leaves SQLite's write lock free between two batches for writers waiting on it (not in a caller's transaction,
    which holds the lock throughout anyway)."""
    if not in_callers_transaction():
        time.sleep(BATCH_PAUSE_SECONDS)


def _batches(documents: Sequence[DocumentData]) -> Iterator[Sequence[DocumentData]]:
    start = characters = labels = 0
    for end, document in enumerate(documents):
        if end > start and (
            end - start >= BATCH_DOCUMENTS
            or characters + len(document.text) > BATCH_CHARACTERS
            or labels + len(document.labels) > BATCH_LABELS
        ):
            yield documents[start:end]
            start, characters, labels = end, 0, 0
        characters += len(document.text)
        labels += len(document.labels)
    if start < len(documents):
        yield documents[start:]


def content_move(*, source: Project, target: Project) -> None:
    """Moves every entity type and document (labels go with them) from `source` to `target`, in the caller's
    transaction. `target` must hold none with the same names."""
    EntityType.objects.filter(project=source).update(project=target)
    Document.objects.filter(project=source).update(project=target)


def staging_discard(staging: Project) -> None:
    """Deletes a staging project and everything under it, a batch per transaction (or all in a caller's)."""
    while True:
        with transaction.atomic():
            ids = list(Document.objects.filter(project=staging).values_list("pk", flat=True)[:BATCH_DOCUMENTS])
            if not ids:
                break
            Label.objects.filter(document_id__in=ids).delete()
            Document.objects.filter(pk__in=ids).only("pk").delete()
        _let_others_write()
    with transaction.atomic():
        Label.objects.filter(entity_type__project=staging).delete()
        EntityType.objects.filter(project=staging).delete()
        Project.objects.filter(pk=staging.pk).delete()


def staging_discard_quietly(staging: Project) -> None:
    """`staging_discard` after a failed import: a failure here is logged, not raised over the import's own error
    (the sweep deletes what is left)."""
    if in_callers_transaction():
        return  # the caller's transaction rolls back, staging included
    try:
        staging_discard(staging)
    except Exception:
        logger.exception("Could not delete staging project %s; the sweep will", staging.name)


def staging_discard_abandoned() -> int:
    """Deletes the staging projects of imports that died and the replaced content nobody deleted; returns how many
    went. The sweep (`annotation.tasks.sweep`) runs it."""
    abandoned = Project.objects.filter(name__startswith=_REPLACED) | Project.objects.filter(
        name__startswith=_STAGING, created_at__lt=timezone.now() - ABANDONED_AFTER
    )
    count = 0
    for staging in abandoned.order_by("pk"):
        staging_discard(staging)
        count += 1
    return count
