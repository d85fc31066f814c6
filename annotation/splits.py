"""The Train/Test split, pure: the one function that decides which documents a model is tested on.

The distribution page previews and applies it, and a `percentage` training job trains on it, so what the
user previewed is what trains. It is stratified by each document's rarest entity type, so that a type seen in
few documents still lands in both Train and Test where it can; the same documents, labels, percentage and
seed always give the same split.
"""

from __future__ import annotations

import math
import random
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass

from studio.exceptions import InvalidInput

TRAIN, TEST = "Train", "Test"  # the values of `annotation.models.Dataset`
# The seed a `percentage` training job splits with, and the one the distribution page suggests.
DEFAULT_SEED = 42


@dataclass(frozen=True)
class SplitItem:
    document_id: int
    entity_types: frozenset[int]  # the entity types labeled in the document


def check_test_percent(test_percent: object) -> int:
    if not isinstance(test_percent, int) or isinstance(test_percent, bool) or not 1 <= test_percent <= 99:
        raise InvalidInput(f"The Test share must be a whole percentage from 1 to 99, got {test_percent!r}.")
    return test_percent


def split_counts(documents: int, test_percent: int) -> tuple[int, int]:
    """How many of `documents` go to Train and to Test: Test's share rounded half up."""
    test = math.floor(documents * test_percent / 100 + 0.5)
    return documents - test, test


def split_documents(
    items: Sequence[SplitItem], *, test_percent: int, seed: int, stratify: bool = True
) -> dict[int, str]:
    """Assigns each item to Train or Test; exactly `split_counts(len(items), test_percent)[1]` go to Test.

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
    _, total_test = split_counts(len(ordered), test_percent)
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
            assignments[document_id] = TEST if position < shares[key] else TRAIN
    return assignments
