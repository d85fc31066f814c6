"""Pure readers and writers of labeled-document formats (no Django).

Every reader returns plain `ProjectData`/`DocumentData` with code-point offsets, or raises `FormatProblems`
listing every problem found (with the document it is in), so an import can refuse a file as a whole.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field

from annotation.spans import Span
from studio.exceptions import InvalidInput, problem


@dataclass
class DocumentData:
    location: str
    text: str
    language: str = ""
    dataset: str = ""  # "Train", "Test" or "" (unassigned)
    labels: list[Span] = field(default_factory=list)  # code points, half-open


@dataclass
class ProjectData:
    name: str = ""
    language: str = "en-us"
    multilingual: bool = False
    description: str = ""
    storage_input_container_name: str = ""
    settings: dict = field(default_factory=dict)
    entity_types: list[str] = field(default_factory=list)
    documents: list[DocumentData] = field(default_factory=list)


class FormatProblems(InvalidInput):
    """A file that cannot be imported; `details` lists every problem, each with its `target`."""

    def __init__(self, problems: list[dict], *, what: str = "The file") -> None:
        count = len(problems)
        shown = "; ".join((f"{p['target']}: " if p.get("target") else "") + p["message"] for p in problems[:5])
        more = f" (and {count - 5} more)" if count > 5 else ""
        super().__init__(
            f"{what} has {count} problem{'s' if count != 1 else ''}: {shown}{more}",
            innererror_code="InvalidDocumentBatch",
            details=problems,
        )
        self.problems = problems


class ProblemList(list):
    """Collects problems while reading; `raise_if_any` raises them all at once."""

    def add(self, message: str, target: str | None = None) -> None:
        self.append(problem(message, target=target))

    @contextmanager
    def collect(self, target: str | None = None) -> Iterator[None]:
        """Turns a limit check's `InvalidInput` inside the block into one more problem."""
        try:
            yield
        except InvalidInput as error:
            self.add(error.message, target)

    def raise_if_any(self, what: str = "The file") -> None:
        if self:
            raise FormatProblems(list(self), what=what)
