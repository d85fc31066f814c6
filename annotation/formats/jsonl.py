"""doccano-style JSONL: one JSON object a line, `{"id", "text", "label": [[start, end, "TYPE"], ...]}`.

Offsets are Python code points, half-open, as doccano writes them (and as the studio stores them), so no
conversion happens here.
"""

from __future__ import annotations

import json
from collections.abc import Iterable
from pathlib import PurePosixPath
from typing import Any

from annotation.formats import DocumentData, ProblemList
from annotation.formats.archive import decode_text
from annotation.formats.validation import check_documents, check_entity_types
from annotation.spans import Span

# Extensions stripped from an upload's name to make document locations ("data.conll.txt" -> "data").
_KNOWN_EXTENSIONS = {".jsonl", ".ndjson", ".json", ".conll", ".txt", ".tsv", ".iob", ".iob1", ".iob2", ".bio"}
_STEM_MAX = 200  # leaves room for "-00001.txt" under the 255-character location limit


def name_stem(name: str) -> str:
    """The base of generated document locations: the file name without folders and known extensions."""
    path = PurePosixPath(name.replace("\\", "/").rstrip("/") or "document")
    base = path.name
    stripped = False
    while path.suffix.lower() in _KNOWN_EXTENSIONS:
        path, stripped = path.with_suffix(""), True
        base = path.name
    if not stripped and path.suffix:
        base = path.stem
    return (base or "document")[:_STEM_MAX]


def upload_text(data: str | bytes, name: str, problems: ProblemList) -> str | None:
    """The upload as text without a byte-order mark; None (with a problem) when bytes are not UTF-8."""
    if isinstance(data, bytes):
        return decode_text(data, name, problems)
    return data.removeprefix("\ufeff")


def read_jsonl(data: str | bytes, *, name: str = "upload.jsonl") -> list[DocumentData]:
    """Reads doccano JSONL; raises `FormatProblems` listing every problem in the file."""
    problems = ProblemList()
    text = upload_text(data, name, problems)
    documents: list[DocumentData] = []
    if text is not None:
        stem = name_stem(name)
        for number, line in enumerate(text.split("\n"), start=1):
            if line.strip():
                document = _read_line(line, number, stem, problems)
                if document is not None:
                    documents.append(document)
    check_documents(documents, None, problems)
    check_entity_types(_categories(documents), problems)
    problems.raise_if_any("The JSONL file")
    return documents


def _read_line(line: str, number: int, stem: str, problems: ProblemList) -> DocumentData | None:
    target = f"line {number}"
    try:
        record = json.loads(line)
    except json.JSONDecodeError as error:
        problems.add(f"Malformed JSON: {error.msg} (column {error.colno}).", target)
        return None
    if not isinstance(record, dict):
        problems.add(f"Expected a JSON object, got {type(record).__name__}.", target)
        return None
    text = record.get("text")
    if not isinstance(text, str):
        problems.add("The object has no 'text' string.", target)
        return None
    location = _location(record, number, stem, problems)
    dataset = _optional_string(record, "dataset", problems, target)
    if dataset.lower() in ("train", "test"):
        dataset = dataset.capitalize()
    language = _optional_string(record, "language", problems, target)
    labels = _labels(record, problems, target)
    return DocumentData(location=location, text=text, language=language, dataset=dataset, labels=labels)


def _location(record: dict, number: int, stem: str, problems: ProblemList) -> str:
    identifier = record.get("id")
    if identifier is None or identifier == "":  # an empty id names nothing; treat it as absent
        return f"{stem}-{number:05d}.txt"
    # doccano exports numeric ids; they make fine file names. Anything else is kept as written.
    if isinstance(identifier, int) and not isinstance(identifier, bool):
        return str(identifier)
    if isinstance(identifier, str):
        return identifier
    problems.add(f"'id' must be a string or an integer, got {identifier!r}.", f"line {number}")
    return f"{stem}-{number:05d}.txt"


def _optional_string(record: dict, key: str, problems: ProblemList, target: str) -> str:
    value = record.get(key)
    if value is None:
        return ""
    if not isinstance(value, str):
        problems.add(f"'{key}' must be a string, got {value!r}.", target)
        return ""
    return value


def _labels(record: dict, problems: ProblemList, target: str) -> list[Span]:
    if "label" in record and "labels" in record:
        problems.add("The object has both 'label' and 'labels'; use one.", target)
        return []
    raw = record.get("label", record.get("labels"))
    if raw is None:
        return []
    if not isinstance(raw, list):
        problems.add(f"'label' must be a list of [start, end, \"TYPE\"] lists, got {raw!r}.", target)
        return []
    labels: list[Span] = []
    for index, item in enumerate(raw, start=1):
        span = _label(item, index, problems, target)
        if span is not None:
            labels.append(span)
    # Sorted so that read(write(x)) == x whatever order the file had (the writer sorts too).
    return sorted(labels, key=lambda s: (s.start, s.end))


def _label(item: Any, index: int, problems: ProblemList, target: str) -> Span | None:
    if not isinstance(item, list) or len(item) != 3:
        problems.add(f'Label {index} must be a [start, end, "TYPE"] list, got {item!r}.', target)
        return None
    start, end, category = item
    if not all(isinstance(v, int) and not isinstance(v, bool) for v in (start, end)):
        problems.add(f"Label {index} offsets must be integers, got {start!r} and {end!r}.", target)
        return None
    if not isinstance(category, str) or not category:
        problems.add(f"Label {index} type must be a non-empty string, got {category!r}.", target)
        return None
    return Span(start, end, category)


def _categories(documents: Iterable[DocumentData]) -> list[str]:
    """Distinct label categories in order of first use: the entity types the file implies."""
    return list(dict.fromkeys(span.category for doc in documents for span in doc.labels))


def write_jsonl(documents: Iterable[DocumentData]) -> str:
    """One line per document, labels sorted by start; `dataset`/`language` only when set."""
    lines = []
    for doc in documents:
        record: dict[str, Any] = {
            "id": doc.location,
            "text": doc.text,
            "label": [[s.start, s.end, s.category] for s in sorted(doc.labels, key=lambda s: (s.start, s.end))],
        }
        if doc.dataset:
            record["dataset"] = doc.dataset
        if doc.language:
            record["language"] = doc.language
        lines.append(json.dumps(record, ensure_ascii=False) + "\n")
    return "".join(lines)
