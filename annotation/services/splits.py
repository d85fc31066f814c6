"""Automatic Train/Test split of a project's documents: the split as the project stands, a preview and the
service that applies it. The split itself is `annotation.splits.split_documents`, which a `percentage`
training job trains on as well (through `split_assignments`), so a preview shows exactly what would train.
"""

from __future__ import annotations

import hashlib
from collections.abc import Collection
from dataclasses import dataclass
from enum import StrEnum

from django.db import transaction

from annotation import selectors
from annotation.models import Dataset, Label
from annotation.splits import SplitItem, check_test_percent, split_documents
from projects.models import Project
from projects.services.activity import activity_record
from studio.exceptions import Conflict, InvalidInput

UPDATE_BATCH = 5000


class SplitScope(StrEnum):
    UNASSIGNED = "unassigned"  # only documents in neither Train nor Test
    ALL = "all"  # every document, reassigning those already in a dataset


SCOPE_DATASETS = {SplitScope.UNASSIGNED: (Dataset.UNASSIGNED,), SplitScope.ALL: tuple(Dataset.values)}


def split_assignments(
    *, project: Project, test_percent: int, seed: int, datasets: Collection[str], stratify: bool = True
) -> dict[int, str]:
    """The split of the project's documents now in `datasets`: document pk -> "Train" or "Test"."""
    check_test_percent(test_percent)
    in_pool = project.documents.filter(dataset__in=datasets).values_list("pk", flat=True)
    types: dict[int, set[int]] = {pk: set() for pk in in_pool}
    pairs = Label.objects.filter(document__project=project).values_list("document_id", "entity_type_id").distinct()
    for document_id, type_id in pairs:
        if document_id in types:
            types[document_id].add(type_id)
    items = [SplitItem(pk, frozenset(found)) for pk, found in types.items()]
    return split_documents(items, test_percent=test_percent, seed=seed, stratify=stratify)


@dataclass(frozen=True)
class SplitPreview:
    scope: SplitScope
    test_percent: int
    seed: int
    stratify: bool
    assignments: dict[int, str]  # only the documents the split touches
    changed: int  # how many of them get a different dataset than they have
    distribution: selectors.Distribution  # the whole project as it would be after the split
    fingerprint: str  # identifies `assignments`, so an apply can check it does what the preview showed


def split_preview(
    *, project: Project, test_percent: int, seed: int, scope: str = SplitScope.UNASSIGNED, stratify: bool = True
) -> SplitPreview:
    """What an automatic split would do, without changing anything."""
    try:
        scope = SplitScope(scope)
    except ValueError:
        raise InvalidInput(f"Scope '{scope}' is not one of {', '.join(SplitScope)}.", target="scope") from None
    assignments = split_assignments(
        project=project, test_percent=test_percent, seed=seed, datasets=SCOPE_DATASETS[scope], stratify=stratify
    )
    current = dict(project.documents.values_list("pk", "dataset"))
    return SplitPreview(
        scope=scope,
        test_percent=test_percent,
        seed=seed,
        stratify=stratify,
        assignments=assignments,
        changed=sum(1 for pk, dataset in assignments.items() if current.get(pk) != dataset),
        distribution=selectors.dataset_distribution(project=project, assignments=assignments),
        fingerprint=_fingerprint(assignments),
    )


def _fingerprint(assignments: dict[int, str]) -> str:
    digest = hashlib.sha256()
    for pk in sorted(assignments):
        digest.update(f"{pk}:{assignments[pk]};".encode())
    return digest.hexdigest()[:16]


@transaction.atomic
def documents_split(
    *,
    project: Project,
    user,
    test_percent: int,
    seed: int,
    scope: str = SplitScope.UNASSIGNED,
    stratify: bool = True,
    fingerprint: str | None = None,
) -> SplitPreview:
    """Applies the split `split_preview` shows for the same arguments; refuses if `fingerprint` no longer matches
    (documents or labels changed since the preview)."""
    Project.objects.select_for_update().filter(pk=project.pk).first()
    preview = split_preview(project=project, test_percent=test_percent, seed=seed, scope=scope, stratify=stratify)
    if fingerprint and fingerprint != preview.fingerprint:
        raise Conflict("Documents or labels changed since the preview; check the new preview and apply again.")
    for dataset in (Dataset.TRAIN, Dataset.TEST):
        ids = [pk for pk, assigned in preview.assignments.items() if assigned == dataset]
        for offset in range(0, len(ids), UPDATE_BATCH):
            project.documents.filter(pk__in=ids[offset : offset + UPDATE_BATCH]).exclude(dataset=dataset).update(
                dataset=dataset
            )
    test = sum(1 for dataset in preview.assignments.values() if dataset == Dataset.TEST)
    activity_record(
        project=project,
        user=user,
        verb="dataset",
        summary=f"split {len(preview.assignments)} documents automatically: {len(preview.assignments) - test} Train, "
        f"{test} Test (seed {seed})",
    )
    return preview
