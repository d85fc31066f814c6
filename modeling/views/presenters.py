"""What the modeling pages show, computed from stored records: pure functions, no queries.

Numbers are formatted here once (percentages with one decimal, durations in words) so templates only place them.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from modeling.models import TrainingJob
from projects.models import ACTIVE_STATUSES, JobStatus

NONE = "$none"
DEFAULT_COLOR = "#8a94a3"
CONTEXT_CHARACTERS = 48

STATUS_LABELS = {
    JobStatus.NOT_STARTED: "Queued",
    JobStatus.RUNNING: "Running",
    JobStatus.SUCCEEDED: "Succeeded",
    JobStatus.FAILED: "Failed",
    JobStatus.CANCELLING: "Cancelling",
    JobStatus.CANCELLED: "Cancelled",
}


def percent(value: float | None) -> str:
    """0.8734 -> "87.3%"; None -> "—"."""
    return "—" if value is None else f"{100 * value:.1f}%"


def number(value: float | None) -> str:
    """Counts as integers, fractional raw values (Azure weights some) with two decimals."""
    if value is None:
        return "—"
    return f"{int(value):,}" if float(value).is_integer() else f"{value:,.2f}"


def duration(seconds: float | None) -> str:
    """12.4 -> "12 s"; 185 -> "3 min 5 s"; 7260 -> "2 h 1 min"."""
    if seconds is None:
        return "—"
    seconds = int(round(seconds))
    if seconds < 60:
        return f"{seconds} s"
    minutes, seconds = divmod(seconds, 60)
    if minutes < 60:
        return f"{minutes} min {seconds} s" if seconds else f"{minutes} min"
    hours, minutes = divmod(minutes, 60)
    return f"{hours} h {minutes} min" if minutes else f"{hours} h"


def evaluation_options_text(options: dict[str, Any]) -> str:
    if options.get("kind") == "manual":
        return "Manual: the documents' own Train/Test assignment"
    train, test = options.get("trainingSplitPercentage", 80), options.get("testingSplitPercentage", 20)
    return f"Automatic: {train}% train / {test}% test"


# ---------------------------------------------------------------------------------------------- jobs


def job_is_active(job: TrainingJob) -> bool:
    return job.status in ACTIVE_STATUSES


def job_seconds(job: TrainingJob, now: datetime) -> float | None:
    """From the start of training to the end of the last phase that ran (or now, while it runs)."""
    if not job.training_started_at:
        return None
    end = job.evaluation_ended_at or job.training_ended_at
    if job_is_active(job) or end is None:
        end = now if job_is_active(job) else (job.updated_at or now)
    return max(0.0, (end - job.training_started_at).total_seconds())


@dataclass
class JobRow:
    job: TrainingJob
    status_label: str
    duration: str
    active: bool


def job_rows(jobs: list[TrainingJob], now: datetime) -> list[JobRow]:
    return [
        JobRow(job, STATUS_LABELS.get(job.status, job.status), duration(job_seconds(job, now)), job_is_active(job))
        for job in jobs
    ]


# ---------------------------------------------------------------------------------------------- scores


@dataclass
class Metrics:
    precision: float
    recall: float
    f1: float

    @property
    def precision_text(self) -> str:
        return percent(self.precision)

    @property
    def recall_text(self) -> str:
        return percent(self.recall)

    @property
    def f1_text(self) -> str:
        return percent(self.f1)


def micro(evaluation: dict[str, Any]) -> Metrics | None:
    if "microF1" not in evaluation:
        return None
    return Metrics(evaluation["microPrecision"], evaluation["microRecall"], evaluation["microF1"])


def macro(evaluation: dict[str, Any]) -> Metrics | None:
    if "macroF1" not in evaluation:
        return None
    return Metrics(evaluation["macroPrecision"], evaluation["macroRecall"], evaluation["macroF1"])


@dataclass
class EntityRow:
    category: str
    color: str
    metrics: Metrics
    tp: int
    fp: int
    fn: int
    train_labels: int
    test_labels: int
    flags: list[str] = field(default_factory=list)  # guidance titles that name this type


def entity_rows(
    evaluation: dict[str, Any],
    label_counts: dict[str, dict[str, int]],
    colors: dict[str, str],
    flagged: dict[str, list[str]] | None = None,
) -> list[EntityRow]:
    """Per entity type: scores, counts and label counts, in name order (the table sorts in the browser)."""
    entities = evaluation.get("entities") or {}
    train, test = label_counts.get("train") or {}, label_counts.get("test") or {}
    rows = []
    for category in sorted(set(entities) | set(train) | set(test)):
        scores = entities.get(category, {})
        rows.append(
            EntityRow(
                category=category,
                color=colors.get(category, DEFAULT_COLOR),
                metrics=Metrics(scores.get("precision", 0.0), scores.get("recall", 0.0), scores.get("f1", 0.0)),
                tp=scores.get("truePositiveCount", 0),
                fp=scores.get("falsePositiveCount", 0),
                fn=scores.get("falseNegativeCount", 0),
                train_labels=train.get(category, 0),
                test_labels=test.get(category, 0),
                flags=(flagged or {}).get(category, []),
            )
        )
    return rows


# ---------------------------------------------------------------------------------------------- confusion


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


# ---------------------------------------------------------------------------------------------- test set

TP, FN, FP, WRONG_TYPE = "tp", "fn", "fp", "type"


@dataclass
class SpanRow:
    """One place in a test document: what was labeled there and what the model predicted."""

    start: int
    end: int
    outcome: str  # tp | fn | fp | type (a wrong type counts as FN for the label and FP for the prediction)
    expected: str | None
    predicted: str | None
    confidence: float | None
    before: str = ""
    text: str = ""
    after: str = ""
    expected_color: str = DEFAULT_COLOR
    predicted_color: str = DEFAULT_COLOR

    @property
    def confidence_text(self) -> str:
        return "" if self.confidence is None else percent(self.confidence)


@dataclass
class DocumentComparison:
    location: str
    language: str
    rows: list[SpanRow]
    has_text: bool
    document_id: int | None = None  # the project's document with this location, if it still exists

    @property
    def tp(self) -> int:
        return sum(r.outcome == TP for r in self.rows)

    @property
    def fp(self) -> int:
        return sum(r.outcome in (FP, WRONG_TYPE) for r in self.rows)

    @property
    def fn(self) -> int:
        return sum(r.outcome in (FN, WRONG_TYPE) for r in self.rows)

    @property
    def mismatched(self) -> bool:
        return any(r.outcome != TP for r in self.rows)


def compare_document(
    document: dict[str, Any], text: str | None, colors: dict[str, str] | None = None
) -> DocumentComparison:
    """Lines up a test document's labeled and predicted spans (code points), with Azure's counting rule:
    identical span = TP; same boundaries, other type = FN + FP ("type"); otherwise FN or FP."""
    expected: dict[tuple[int, int], list[str]] = {}
    predicted: dict[tuple[int, int], list[tuple[str, float | None]]] = {}
    for span in document.get("expected", []):
        expected.setdefault((span[0], span[1]), []).append(span[2])
    for span in document.get("predicted", []):
        predicted.setdefault((span[0], span[1]), []).append((span[2], span[3] if len(span) > 3 else None))
    rows = []
    for start, end in sorted(set(expected) | set(predicted)):
        gold = list(expected.get((start, end), []))
        guesses = list(predicted.get((start, end), []))
        for category, confidence in list(guesses):
            if category in gold:
                gold.remove(category)
                guesses.remove((category, confidence))
                rows.append(SpanRow(start, end, TP, category, category, confidence))
        while gold and guesses:
            category, (guess, confidence) = gold.pop(0), guesses.pop(0)
            rows.append(SpanRow(start, end, WRONG_TYPE, category, guess, confidence))
        rows += [SpanRow(start, end, FN, category, None, None) for category in gold]
        rows += [SpanRow(start, end, FP, None, guess, confidence) for guess, confidence in guesses]
    for row in rows:
        row.expected_color = (colors or {}).get(row.expected or "", DEFAULT_COLOR)
        row.predicted_color = (colors or {}).get(row.predicted or "", DEFAULT_COLOR)
        if text is not None:
            row.before, row.text, row.after = context(text, row.start, row.end)
    return DocumentComparison(
        location=document["location"], language=document.get("language") or "", rows=rows, has_text=text is not None
    )


def context(text: str, start: int, end: int, width: int = CONTEXT_CHARACTERS) -> tuple[str, str, str]:
    """The span and up to `width` characters either side, cut at a space and marked with an ellipsis."""
    before, after = text[max(0, start - width) : start], text[end : end + width]
    if start > width and " " in before:
        before = "…" + before[before.index(" ") + 1 :]
    if end + width < len(text) and " " in after:
        after = after[: after.rindex(" ")] + "…"
    return " ".join(before.split("\n")), text[start:end], " ".join(after.split("\n"))
