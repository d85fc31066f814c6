"""The sample project: short loan agreements, labeled, split into Train and Test, for a first run.

The documents live in `annotation/sample/loan_agreements.txt` with inline markup (`[[John Smith|BorrowerName]]`);
offsets are computed from the markup here, so every label covers exactly the text it was written around.
"""

from __future__ import annotations

import re
from pathlib import Path

from django.db import transaction

from annotation.formats import DocumentData
from annotation.models import Dataset
from annotation.services.entity_types import entity_type_create
from annotation.services.imports import documents_import
from annotation.spans import Span
from projects.models import Project
from projects.services.activity import activity_record
from projects.services.projects import project_create

SAMPLE_FILE = Path(__file__).resolve().parent.parent / "sample" / "loan_agreements.txt"
DEFAULT_NAME = "loan-agreements"
DESCRIPTION = (
    "Sample project: short loan agreements labeled with borrower, lender, amount, date and address, split into "
    "Train and Test. The practice-* documents are unlabeled: try labeling them."
)
# (name, colour, shortcut): shortcuts are digits, which the labeling view leaves free.
SCHEMA = [
    ("BorrowerName", "#4e79a7", "1"),
    ("LenderName", "#f28e2b", "2"),
    ("LoanAmount", "#59a14f", "3"),
    ("Date", "#b07aa1", "4"),
    ("Address", "#e15759", "5"),
]
MARKUP = re.compile(r"\[\[([^\[\]|]+)\|([^\[\]|]+)\]\]")
_HEADER = re.compile(r"^=== (\S+) (Train|Test|-)$")


def parse_marked(source: str) -> tuple[str, list[Span]]:
    """Plain text and code-point spans from text with `[[covered text|Type]]` markup."""
    parts: list[str] = []
    spans: list[Span] = []
    length = 0
    position = 0
    for match in MARKUP.finditer(source):
        before = source[position : match.start()]
        parts.append(before)
        length += len(before)
        covered, category = match.group(1), match.group(2)
        spans.append(Span(length, length + len(covered), category))
        parts.append(covered)
        length += len(covered)
        position = match.end()
    parts.append(source[position:])
    text = "".join(parts)
    if "[[" in text or "]]" in text:
        raise ValueError(f"Unbalanced markup in sample text: {source[:60]!r}")
    return text, spans


def sample_documents(path: Path = SAMPLE_FILE) -> list[DocumentData]:
    """The sample's documents with labels and datasets, read from the marked-up file."""
    documents: list[DocumentData] = []
    header: re.Match | None = None
    lines: list[str] = []

    def flush() -> None:
        if header is not None:
            text, spans = parse_marked("\n".join(lines).strip())
            dataset = "" if header.group(2) == "-" else Dataset(header.group(2)).value
            documents.append(DocumentData(location=header.group(1), text=text, dataset=dataset, labels=spans))

    for line in path.read_text(encoding="utf-8").splitlines():
        if line.startswith("=== "):
            flush()
            header, lines = _HEADER.match(line), []
            if header is None:
                raise ValueError(f"Bad document header in {path.name}: {line!r}")
        elif header is not None:
            lines.append(line)
    flush()
    return documents


def sample_free_name(base: str = DEFAULT_NAME) -> str:
    """`base`, or `base-2`, `base-3`, ... : the first name no project has."""
    taken = set(Project.objects.filter(name__startswith=base).values_list("name", flat=True))
    if base not in taken:
        return base
    number = 2
    while f"{base}-{number}" in taken:
        number += 1
    return f"{base}-{number}"


@transaction.atomic
def sample_project_create(*, user, name: str | None = None) -> Project:
    """Creates the sample project (the user becomes its owner); a free name is chosen when none is given."""
    project = project_create(user=user, name=name or sample_free_name(), language="en-us", description=DESCRIPTION)
    for type_name, color, shortcut in SCHEMA:
        entity_type_create(project=project, user=user, name=type_name, color=color, shortcut=shortcut)
    documents = sample_documents()
    documents_import(user=user, project=project, documents=documents, create_types=False)
    activity_record(
        project=project, user=user, verb="sample", summary=f"loaded the sample project ({len(documents)} documents)"
    )
    return project
