"""A learning curve: the same config trained on growing shares of the same training documents, scored on the same
test documents. Pure Python: which documents each share holds, and how much the last step gained.

The shares are nested (the 50 % documents include the 25 % ones, and so on) and drawn with a fixed seed, so the
curve shows what more documents of the same kind bring, not which documents happened to be drawn.
"""

from __future__ import annotations

import random
from collections.abc import Sequence
from dataclasses import dataclass

# The shares of the training documents the curve trains on; the last is the model itself.
FRACTIONS = (0.25, 0.5, 0.75, 1.0)


@dataclass(frozen=True)
class CurvePoint:
    fraction: float  # of the model's training documents
    documents: int
    f1: float  # micro F1 on the test documents


def curve_subsets(doc_ids: Sequence[str], fractions: Sequence[float] = FRACTIONS, seed: int = 0) -> list[list[str]]:
    """For each fraction, the ids it trains on (at least one): a prefix of one seeded shuffle, so each share holds
    the smaller ones. Raises ValueError for a fraction outside (0, 1] or duplicate ids."""
    if any(not 0 < f <= 1 for f in fractions):
        raise ValueError(f"Fractions must be in (0, 1], got {list(fractions)}.")
    order = sorted(doc_ids)
    if len(set(order)) != len(order):
        raise ValueError("Document ids must be unique.")
    random.Random(seed).shuffle(order)
    return [order[: max(1, round(f * len(order)))] for f in fractions]


def gain_per_ten_percent(points: Sequence[CurvePoint]) -> float | None:
    """The test F1 gained per 10 % more training documents over the curve's last step (75 % -> 100 %), in F1 units
    (0.01 = one point); None with fewer than two points or no documents added in that step."""
    if len(points) < 2:
        return None
    before, last = points[-2], points[-1]
    step = last.fraction - before.fraction
    if step <= 0 or last.documents == before.documents:
        return None
    return (last.f1 - before.f1) / (step * 10)
