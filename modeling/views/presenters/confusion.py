"""The confusion matrix tab: Azure's matrix as a complete grid with heat values."""

from __future__ import annotations

from dataclasses import dataclass

from modeling.ml.evaluation import NONE
from modeling.views.presenters.formatting import DEFAULT_COLOR, number


@dataclass
class MatrixCell:
    labeled: str
    predicted: str
    raw: float
    normalized: float  # percent of its row
    raw_heat: float  # 0..1, raw / the largest raw cell
    correct: bool  # on the diagonal
    empty: bool = False  # the ($none, $none) corner, which Azure leaves out

    @property
    def raw_text(self) -> str:
        return number(self.raw)

    @property
    def normalized_text(self) -> str:
        return f"{self.normalized:.1f}%" if self.normalized else "0%"

    @property
    def normalized_heat(self) -> float:
        return self.normalized / 100


@dataclass
class MatrixRow:
    labeled: str
    color: str
    cells: list[MatrixCell]
    total: float

    @property
    def total_text(self) -> str:
        return number(self.total)


def confusion_rows(
    matrix: dict[str, dict[str, dict[str, float]]], colors: dict[str, str]
) -> tuple[list[tuple[str, str]], list[MatrixRow]]:
    """Azure's confusion matrix as a complete grid: labeled rows x predicted columns, `$none` last in both.

    Returns the columns as (name, color) and the rows."""
    names = sorted({*matrix, *(c for row in matrix.values() for c in row)} - {NONE})
    order = [*names, NONE] if matrix else []
    largest = max((cell.get("rawValue", 0) for row in matrix.values() for cell in row.values()), default=0) or 1
    rows = []
    for labeled in order:
        row = matrix.get(labeled, {})
        cells = []
        for predicted in order:
            cell = row.get(predicted)
            raw = cell.get("rawValue", 0) if cell else 0
            cells.append(
                MatrixCell(
                    labeled=labeled,
                    predicted=predicted,
                    raw=raw,
                    normalized=cell.get("normalizedValue", 0.0) if cell else 0.0,
                    raw_heat=raw / largest,
                    correct=labeled == predicted and labeled != NONE,
                    empty=labeled == NONE and predicted == NONE,
                )
            )
        rows.append(MatrixRow(labeled, colors.get(labeled, DEFAULT_COLOR), cells, sum(c.raw for c in cells)))
    return [(name, colors.get(name, DEFAULT_COLOR)) for name in order], rows
