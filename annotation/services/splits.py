"""Automatic Train/Test split: a pure, seeded split function, a preview and the service that applies it.

The split is stratified by each document's rarest entity type, so that a type seen in few documents still
lands in both Train and Test where it can; the same documents, labels, percentage and seed always give the
same split, which is what lets a preview be applied exactly as it was shown.
"""

from __future__ import annotations

import hashlib
import math
import random
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass
from enum import StrEnum

from django.db import transaction

from annotation import selectors
from annotation.models import Dataset, Label
from projects.models import Project
from projects.services.activity import activity_record
from studio.exceptions import Conflict, InvalidInput

UPDATE_BATCH = 5000


class SplitScope(StrEnum):
    UNASSIGNED = "unassigned"  # only documents in neither Train nor Test
    ALL = "all"  # every document, reassigning those already in a dataset


@dataclass(frozen=True)
class SplitItem:
    document_id: int
    entity_types: frozenset[int]  # the entity types labeled in the document


def split_documents(
    items: Sequence[SplitItem], *, test_percent: int, seed: int, stratify: bool = True
) -> dict[int, str]:
    """Assigns each item to Train or Test; exactly round(n * test_percent / 100) go to Test.

    Items are grouped by their rarest entity type (documents without labels form one group); each group is
    shuffled with the seed and gives Test its share, the shares rounded by largest remainder so the total is
    exact. Input order does not matter.
    """
    check_test_percent(test_percent)
    ordered = sorted(items, key=lambda item: item.document_id)
    frequency = Counter(t for item in ordered for t in item.entity_types)
    groups: dict[tuple[int, int], list[int]] = {}
    for item in ordered:
        # Key: (how many documents have the rarest type, that type); (0, 0) for unlabeled documents.
        key = min(((frequency[t], t) for t in item.entity_types), default=(0, 0)) if stratify else (0, 0)
        groups.setdefault(key, []).append(item.document_id)
    total_test = math.floor(len(ordered) * test_percent / 100 + 0.5)
    keys = sorted(groups)
    quotas = {key: len(groups[key]) * test_percent / 100 for key in keys}
    shares = {key: math.floor(quotas[key]) for key in keys}
    by_remainder = sorted(keys, key=lambda key: (-(quotas[key] - shares[key]), key))
    for key in by_remainder[: total_test - sum(shares.values())]:
        shares[key] += 1
    rng = random.Random(seed)
    assignments: dict[int, str] = {}
    for key in keys:
        ids = groups[key]
        rng.shuffle(ids)
        for position, document_id in enumerate(ids):
            assignments[document_id] = Dataset.TEST if position < shares[key] else Dataset.TRAIN
    return assignments


def check_test_percent(test_percent: object) -> int:
    if not isinstance(test_percent, int) or isinstance(test_percent, bool) or not 1 <= test_percent <= 99:
        raise InvalidInput(f"The Test share must be a whole percentage from 1 to 99, got {test_percent!r}.")
    return test_percent


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
    check_test_percent(test_percent)
    current = dict(project.documents.values_list("pk", "dataset"))
    in_scope = [pk for pk, dataset in current.items() if scope == SplitScope.ALL or dataset == Dataset.UNASSIGNED]
    types: dict[int, set[int]] = {pk: set() for pk in in_scope}
    pairs = Label.objects.filter(document__project=project).values_list("document_id", "entity_type_id").distinct()
    for document_id, type_id in pairs:
        if document_id in types:
            types[document_id].add(type_id)
    items = [SplitItem(pk, frozenset(found)) for pk, found in types.items()]
    assignments = split_documents(items, test_percent=test_percent, seed=seed, stratify=stratify)
    return SplitPreview(
        scope=scope,
        test_percent=test_percent,
        seed=seed,
        stratify=stratify,
        assignments=assignments,
        changed=sum(1 for pk, dataset in assignments.items() if current[pk] != dataset),
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
