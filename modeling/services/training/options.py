"""How a training job chooses its test documents, as the services take it (the wire format is the API's)."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Literal

from annotation.splits import check_test_percent

PERCENTAGE, MANUAL = "percentage", "manual"


@dataclass(frozen=True)
class EvaluationOptions:
    """`percentage`: the Train and unassigned documents are split by `annotation.splits` (what the distribution
    page previews), Test documents are left out. `manual`: test on the documents assigned to Test."""

    kind: Literal["percentage", "manual"] = PERCENTAGE
    training_percent: int = 80  # percentage only; the rest is tested on

    def __post_init__(self) -> None:
        if self.kind not in (PERCENTAGE, MANUAL):
            raise ValueError(f"kind must be {PERCENTAGE!r} or {MANUAL!r}, got {self.kind!r}.")
        if self.kind == PERCENTAGE:
            training = self.training_percent
            check_test_percent(100 - training if type(training) is int else training)

    @property
    def testing_percent(self) -> int:
        return 100 - self.training_percent

    def as_stored(self) -> dict[str, Any]:
        """What jobs and models keep in `evaluation_options`: Azure's shape, which the evaluation summary echoes."""
        if self.kind == MANUAL:
            return {"kind": MANUAL}
        return {
            "kind": PERCENTAGE,
            "trainingSplitPercentage": self.training_percent,
            "testingSplitPercentage": self.testing_percent,
        }

    @classmethod
    def from_stored(cls, stored: dict[str, Any]) -> EvaluationOptions:
        """The options `as_stored` wrote."""
        if stored.get("kind") == MANUAL:
            return cls(kind=MANUAL)
        return cls(kind=PERCENTAGE, training_percent=stored.get("trainingSplitPercentage", cls.training_percent))
