"""The learning-curve tab: the curve as an inline SVG (coordinates computed here, so the page needs no script to
show it) and a plain sentence on whether more labeling still pays off."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from modeling.ml.learning_curve import FRACTIONS, CurvePoint, gain_per_ten_percent
from modeling.models import TrainedModel
from modeling.views.presenters.estimate import _minutes

# Chart geometry (viewBox units).
WIDTH, HEIGHT = 640, 280
LEFT, RIGHT, TOP, BOTTOM = 56, 24, 20, 48
# F1 points gained per 10 % more documents over the last step: from this on, labeling more still pays off well;
# below `LITTLE`, hardly at all.
PAYS_OFF = 0.01
LITTLE = 0.003
# An F1 this high leaves no room to show a gain.
PERFECT = 0.99
# Fewer test documents than this make every F1 on the curve noisy.
FEW_TEST_DOCUMENTS = 20


@dataclass(frozen=True)
class ChartPoint:
    x: float
    y: float
    documents: int
    f1_text: str
    share_text: str
    trained: bool


@dataclass(frozen=True)
class Tick:
    position: float
    text: str


@dataclass(frozen=True)
class Chart:
    width: int
    height: int
    points: list[ChartPoint]
    path: str  # the polyline's points attribute
    y_ticks: list[Tick]
    left: int
    right: float
    top: int
    bottom: float

    @property
    def axis_x(self) -> float:
        return (self.left + self.right) / 2

    @property
    def axis_y(self) -> float:
        return (self.top + self.bottom) / 2


def curve_points(result: dict[str, Any]) -> list[CurvePoint]:
    return [CurvePoint(p["fraction"], p["documents"], p["f1"]) for p in result.get("points", [])]


def chart(result: dict[str, Any]) -> Chart | None:
    """The SVG geometry: x is the number of training documents (from 0), y the test F1 (0-1)."""
    points = result.get("points") or []
    if not points:
        return None
    right, bottom = WIDTH - RIGHT, HEIGHT - BOTTOM
    most = max(p["documents"] for p in points) or 1

    def x(documents: int) -> float:
        return round(LEFT + (right - LEFT) * documents / most, 1)

    def y(f1: float) -> float:
        return round(bottom - (bottom - TOP) * max(0.0, min(1.0, f1)), 1)

    shown = [
        ChartPoint(
            x(p["documents"]), y(p["f1"]), p["documents"], f"{p['f1']:.2f}", f"{p['fraction']:.0%}", p["trained"]
        )
        for p in points
    ]
    return Chart(
        width=WIDTH,
        height=HEIGHT,
        points=shown,
        path=" ".join(f"{p.x},{p.y}" for p in shown),
        y_ticks=[Tick(y(v), f"{v:.2f}".rstrip("0").rstrip(".") if v else "0") for v in (0, 0.25, 0.5, 0.75, 1.0)],
        left=LEFT,
        right=right,
        top=TOP,
        bottom=bottom,
    )


def verdict(result: dict[str, Any]) -> str:
    """Whether more labeling still pays off, from the curve's last step (75 % -> 100 % of the documents)."""
    points = curve_points(result)
    gain = gain_per_ten_percent(points)
    if gain is None:
        return "The curve has too few points to tell whether more labeling pays off."
    before, last = points[-2], points[-1]
    change = (
        f"from {before.fraction:.0%} to {last.fraction:.0%} of the training documents ({before.documents} to "
        f"{last.documents}), test F1 went from {before.f1:.2f} to {last.f1:.2f}, "
        f"{_points(gain)} per 10 % more documents"
    )
    if before.f1 >= PERFECT and last.f1 >= PERFECT:
        text = (
            f"The model already scores {last.f1:.2f} on its test documents with {before.fraction:.0%} of its training "
            f"documents ({before.documents}), so the curve cannot show a gain: a larger, harder test set would tell "
            "more than more labeling of the same kind."
        )
    elif gain >= PAYS_OFF:
        text = f"More labeling is still paying off: {change}. Label more documents like these."
    elif gain >= LITTLE:
        text = (
            f"More labeling still helps, but little: {change}. Labeling documents with the entity types it gets wrong "
            "most is likely to help more than more of the same."
        )
    else:
        text = (
            f"More labeling of the same kind is no longer paying off: {change}. Check the labels for errors, add "
            "documents unlike the ones it has, or try another training configuration."
        )
    tested = result.get("testDocuments", 0)
    if tested < FEW_TEST_DOCUMENTS:
        text += f" With only {tested} test documents, each score on the curve is rough."
    return text


def _points(gain: float) -> str:
    """0.012 -> "+1.2 points"; -0.004 -> "-0.4 points"; 0.0002 -> "no change" (one point is 0.01 F1)."""
    if round(100 * gain, 1) == 0:
        return "no change"
    return f"{100 * gain:+.1f} point{'s' if abs(round(100 * gain, 1)) != 1 else ''}"


def plan_text(model: TrainedModel) -> str:
    """What the job trains, and about how long it takes: each share costs about its share of the model's training."""
    shares = FRACTIONS[:-1]
    counts = ", ".join(str(max(1, round(f * model.train_documents))) for f in shares)
    listed = ", ".join(f"{f:.0%}" for f in shares[:-1]) + f" and {shares[-1]:.0%}"
    seconds = sum(shares) * model.training_seconds
    return (
        f"Trains {len(shares)} models with this model's configuration on {listed} of its {model.train_documents} "
        f"training documents ({counts}) and scores each on its {model.test_documents} test documents; the 100 % point "
        f"is this model's own score. About {sum(shares):g} × this model's training time: about {_minutes(seconds)}."
    )
