"""The sample project's file format, pure: documents with inline markup (`[[covered text|Type]]`).

A line "=== <location> <Train|Test|->" starts a document ("-": unassigned); lines starting with "#" before the
first document are comments. Offsets are computed from the markup, so every label covers exactly its text.
"""

from __future__ import annotations

import re
from pathlib import Path

from annotation.formats import DocumentData
from annotation.spans import Span

SAMPLE_FILE = Path(__file__).resolve().parent.parent / "sample" / "loan_agreements.txt"
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


def sample_documents(path: Path | None = None) -> list[DocumentData]:
    """The sample's documents with labels and datasets, read from the marked-up file."""
    path = path or SAMPLE_FILE
    documents: list[DocumentData] = []
    header: re.Match | None = None
    lines: list[str] = []

    def flush() -> None:
        if header is not None:
            text, spans = parse_marked("\n".join(lines).strip())
            dataset = "" if header.group(2) == "-" else header.group(2)
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
