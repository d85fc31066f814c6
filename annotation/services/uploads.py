"""Uploads from the documents page: each file goes to the reader its type calls for; all files or nothing.

Problems from every file are gathered into one `FormatProblems`, each target naming its file, so a person
sees everything to fix at once and nothing is saved until all of it reads.
"""

from __future__ import annotations

import json
import re
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass, field, replace
from enum import StrEnum
from pathlib import PurePosixPath

from annotation.formats import DocumentData, FormatProblems, ProblemList
from annotation.formats.archive import decode_text, read_zip
from annotation.formats.azure import read_project
from annotation.formats.conll import read_conll
from annotation.formats.jsonl import read_jsonl
from annotation.formats.validation import check_documents, language_code_message
from annotation.services.imports import documents_import
from projects.languages import is_language_code
from projects.models import Project
from studio.exceptions import InvalidInput


class UploadFormat(StrEnum):
    AUTO = "auto"
    TEXT = "text"
    ZIP = "zip"
    AZURE = "azure"
    JSONL = "jsonl"
    CONLL = "conll"


FORMAT_NAMES = {
    UploadFormat.AUTO: "Detect from the file name",
    UploadFormat.TEXT: "Plain text (.txt, one document per file)",
    UploadFormat.ZIP: "Zip of .txt files, or an Azure project zip with labels.json",
    UploadFormat.AZURE: "Azure project file (.json, texts inline)",
    UploadFormat.JSONL: "JSONL (doccano: text and label offsets)",
    UploadFormat.CONLL: "CoNLL (token and tag per line)",
}
SHORT_NAMES = {
    UploadFormat.TEXT: "plain text",
    UploadFormat.ZIP: "zip",
    UploadFormat.AZURE: "Azure project file",
    UploadFormat.JSONL: "JSONL",
    UploadFormat.CONLL: "CoNLL",
}
_CONLL_EXTENSIONS = {".conll", ".iob", ".iob1", ".iob2", ".bio", ".bioes", ".tsv"}
_CONLL_LINE = re.compile(r"^\S+(?:\s+\S+)*?\s+(?:O|[BIESLU]-\S+)$")
_SNIFF_LINES = 50


@dataclass(frozen=True)
class UploadedFile:
    name: str
    data: bytes


@dataclass
class UploadContent:
    documents: list[DocumentData] = field(default_factory=list)
    entity_types: list[str] = field(default_factory=list)  # schemas the files list (Azure), used or not
    formats: dict[str, UploadFormat] = field(default_factory=dict)  # file name -> how it was read


@dataclass(frozen=True)
class UploadResult:
    documents: int
    labels: int
    formats: dict[str, UploadFormat]
    entity_types_added: list[str]
    entity_types_skipped: list[str]  # listed by a file, unused, and the uploader may not add types
    # Documents per dataset they landed in: {"Train": 3, "": 2} ("" is unassigned).
    datasets: dict[str, int] = field(default_factory=dict)


def looks_like_conll(text: str) -> bool:
    """Every one of the first non-blank lines is `-DOCSTART-` or ends in a tag (O, B-X, I-X, ...)."""
    lines = [line.strip() for line in text.split("\n", 2000)[:2000] if line.strip()][:_SNIFF_LINES]
    return len(lines) >= 2 and all(line.startswith("-DOCSTART-") or _CONLL_LINE.match(line) for line in lines)


def detect_format(name: str, data: bytes) -> UploadFormat | None:
    """The format a file's name (then its first bytes) says it is; None when neither tells."""
    lower = name.lower()
    suffixes = [s.lower() for s in PurePosixPath(lower).suffixes]
    if lower.endswith(".zip") or data[:4] == b"PK\x03\x04":
        return UploadFormat.ZIP
    if lower.endswith((".jsonl", ".ndjson")):
        return UploadFormat.JSONL
    if lower.endswith(".json"):
        return UploadFormat.AZURE
    if set(suffixes) & _CONLL_EXTENSIONS:
        return UploadFormat.CONLL
    head = data[:65536].decode("utf-8", errors="ignore").lstrip("\ufeff")
    if looks_like_conll(head):
        return UploadFormat.CONLL
    if lower.endswith(".txt"):
        return UploadFormat.TEXT
    if head.lstrip().startswith("{"):
        first = head.lstrip().split("\n", 1)[0]
        try:
            json.loads(first)
            return UploadFormat.JSONL
        except json.JSONDecodeError:
            return UploadFormat.AZURE
    return None


def upload_read(
    files: Sequence[UploadedFile], *, format: str = UploadFormat.AUTO, per_sentence: bool = False
) -> UploadContent:
    """Reads every file; raises `FormatProblems` listing the problems of all of them."""
    try:
        chosen = UploadFormat(format)
    except ValueError:
        raise InvalidInput(f"Format '{format}' is not one of {', '.join(UploadFormat)}.", target="format") from None
    if not files:
        raise InvalidInput("Choose at least one file to upload.", target="files")
    content = UploadContent()
    problems = ProblemList()
    for upload in files:
        name = PurePosixPath(upload.name.replace("\\", "/")).name or "upload"
        kind = detect_format(name, upload.data) if chosen == UploadFormat.AUTO else chosen
        if kind is None:
            problems.add(
                "Cannot tell the file's format from its name; choose the format above "
                "(.txt, .zip, .json, .jsonl and .conll are recognised).",
                name,
            )
            continue
        content.formats[name] = kind
        try:
            documents, entity_types = _read(kind, name, upload.data, per_sentence)
        except FormatProblems as error:
            for item in error.problems:
                target = item.get("target")
                problems.add(item["message"], f"{name}, {target}" if target and target != name else name)
            if kind == UploadFormat.CONLL and not per_sentence and b"-DOCSTART-" not in upload.data:
                problems.add(
                    "The file has no -DOCSTART- lines, so it was read as one document; tick "
                    "'One document per sentence' for files like WNUT17.",
                    name,
                )
            continue
        content.documents.extend(documents)
        content.entity_types.extend(t for t in entity_types if t not in content.entity_types)
    if len(files) > 1:
        _check_locations_across_files(content.documents, problems)
    if not problems and not content.documents:
        problems.add("The upload holds no documents.")
    problems.raise_if_any("The upload")
    return content


def _read(kind: UploadFormat, name: str, data: bytes, per_sentence: bool) -> tuple[list[DocumentData], list[str]]:
    problems = ProblemList()
    if kind == UploadFormat.JSONL:
        return read_jsonl(data, name=name), []
    if kind == UploadFormat.CONLL:
        return read_conll(data, name=name, per_sentence=per_sentence), []
    if kind == UploadFormat.AZURE:
        text = decode_text(data, name, problems)
        problems.raise_if_any("The file")
        try:
            payload = json.loads(text)
        except json.JSONDecodeError as error:
            problems.add(f"Malformed JSON at line {error.lineno}, column {error.colno}: {error.msg}.")
            problems.raise_if_any("The file")
        project = read_project(payload)
        return project.documents, project.entity_types
    if kind == UploadFormat.ZIP:
        payload, texts = read_zip(data)
        if payload is not None:
            project = read_project(payload, texts=texts)
            return project.documents, project.entity_types
        if not texts:
            problems.add("The zip holds no .txt files and no Azure project file (labels.json).")
            problems.raise_if_any("The zip")
        documents = [_text_document(location, text, problems) for location, text in sorted(texts.items())]
        problems.raise_if_any("The zip")
        return documents, []
    text = decode_text(data, name, problems)
    problems.raise_if_any("The file")
    documents = [_text_document(name, text, problems)]
    problems.raise_if_any("The file")
    return documents, []


def _text_document(location: str, text: str, problems: ProblemList) -> DocumentData:
    document = DocumentData(location=location, text=text)
    check_documents([document], None, problems)
    return document


def _check_locations_across_files(documents: list[DocumentData], problems: ProblemList) -> None:
    seen: set[str] = set()
    for document in documents:
        if document.location in seen:
            problems.add(f"Two files give a document named '{document.location}'; rename one.", document.location)
        seen.add(document.location)


def documents_upload(
    *,
    user,
    project: Project,
    files: Sequence[UploadedFile],
    format: str = UploadFormat.AUTO,
    per_sentence: bool = False,
    dataset: str | None = None,
    language: str | None = None,
) -> UploadResult:
    """Adds the files' documents and labels to the project, or nothing at all (raising every problem).

    `dataset` ("Train", "Test" or "" for unassigned) puts every document there; None keeps what the files say
    (an Azure project or labels.json names each document's dataset; other formats leave it unassigned).
    `language` likewise gives every document a language; None keeps what the files say (Azure files and JSONL
    may name one; a document naming none is in the project's). Only a multilingual project has documents in
    other languages than its own (`documents_import` checks). Who may upload is `documents_import`'s to check."""
    if language is not None and not is_language_code(language):
        raise InvalidInput(language_code_message(language), target="language")
    content = upload_read(files, format=format, per_sentence=per_sentence)
    if dataset is not None:
        content.documents = [replace(document, dataset=dataset) for document in content.documents]
    if language is not None:
        content.documents = [replace(document, language=language) for document in content.documents]
    before = set(project.entity_types.values_list("name", flat=True))
    documents_import(
        user=user, project=project, documents=content.documents, create_types=True, listed_types=content.entity_types
    )
    added = [name for name in project.entity_types.values_list("name", flat=True) if name not in before]
    skipped = [name for name in content.entity_types if name not in before and name not in added]
    return UploadResult(
        documents=len(content.documents),
        labels=sum(len(d.labels) for d in content.documents),
        formats=content.formats,
        entity_types_added=added,
        entity_types_skipped=skipped,
        datasets=dict(Counter(document.dataset for document in content.documents)),
    )
