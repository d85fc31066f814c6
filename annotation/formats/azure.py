"""Azure custom NER project files (`TextAnalysisAuthoringExportedProject`), read and written.

Azure keeps texts in blob storage; the studio takes each text inline (an extra `"text"` per document) or
from a mapping `location -> text` (a zip's `.txt` files). Offsets in the file are UTF-16 code units and
are converted exactly to code points here, and back on export.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from annotation.formats import DocumentData, ProblemList, ProjectData
from annotation.formats.validation import (
    check_document_languages,
    check_documents,
    check_entity_types,
    check_project_metadata,
)
from annotation.offsets import OffsetMap
from annotation.spans import Span

PROJECT_KIND = "CustomEntityRecognition"
PROJECT_FILE_VERSIONS = ("2022-05-01", "2022-10-01-preview", "2023-04-01")
STRING_INDEX_TYPE = "Utf16CodeUnit"


# The metadata fields read, with their JSON types: anything else is a problem, not a value stored as text.
METADATA_TYPES = (
    ("projectName", str, "a string"),
    ("language", str, "a string"),
    ("multilingual", bool, "true or false"),
    ("description", str, "a string"),
    ("storageInputContainerName", str, "a string"),
    ("settings", dict, "an object"),
)


def _is_int(value: Any) -> bool:
    return isinstance(value, int) and not isinstance(value, bool)


def read_project(
    payload: Any, *, texts: Mapping[str, str] | None = None, expected_name: str | None = None
) -> ProjectData:
    """Reads an Azure project file; raises `FormatProblems` listing every problem found.

    Args:
        payload: the parsed JSON.
        texts: document texts by location, for files whose documents carry no inline `text`.
        expected_name: the project name in the request path; `metadata.projectName` must match it.
    """
    problems = ProblemList()
    if not isinstance(payload, dict):
        problems.add("The project file must be a JSON object.")
        problems.raise_if_any("The project file")
    metadata = payload.get("metadata")
    assets = payload.get("assets")
    if payload.get("projectFileVersion") is None:
        problems.add("Missing required field 'projectFileVersion'.", "projectFileVersion")
    if payload.get("stringIndexType") != STRING_INDEX_TYPE:
        problems.add(
            f"'stringIndexType' must be '{STRING_INDEX_TYPE}', got {payload.get('stringIndexType')!r}.",
            "stringIndexType",
        )
    if not isinstance(metadata, dict):
        problems.add("Missing required object 'metadata'.", "metadata")
        metadata = {}
    if not isinstance(assets, dict):
        problems.add("Missing required object 'assets'.", "assets")
        assets = {}

    wrong = set()
    for key, kind, described in METADATA_TYPES:
        value = metadata.get(key)
        if value is not None and not isinstance(value, kind):
            problems.add(f"'metadata.{key}' must be {described}, got {value!r:.80}.", f"metadata.{key}")
            wrong.add(key)
    metadata = {k: v for k, v in metadata.items() if k not in wrong}
    project = ProjectData(
        name=metadata.get("projectName", ""),
        language=metadata.get("language") or "",
        multilingual=metadata.get("multilingual") or False,
        description=metadata.get("description") or "",
        storage_input_container_name=metadata.get("storageInputContainerName") or "",
        settings=metadata.get("settings") or {},
    )
    for key in ("projectName", "language"):
        if key not in wrong and not metadata.get(key) and "metadata" in payload:
            problems.add(f"Missing required field 'metadata.{key}'.", f"metadata.{key}")
    check_project_metadata(project, problems)
    kind = metadata.get("projectKind")
    if kind is not None and kind != PROJECT_KIND:
        problems.add(f"'metadata.projectKind' must be '{PROJECT_KIND}', got {kind!r}.", "metadata.projectKind")
    if assets.get("projectKind", PROJECT_KIND) != PROJECT_KIND:
        problems.add(f"'assets.projectKind' must be '{PROJECT_KIND}'.", "assets.projectKind")
    if expected_name is not None and project.name and project.name != expected_name:
        problems.add(
            f"The project name in the path ('{expected_name}') does not match metadata.projectName ('{project.name}').",
            "metadata.projectName",
        )

    entities = assets.get("entities", [])
    if not isinstance(entities, list):
        problems.add("'assets.entities' must be a list.", "assets.entities")
        entities = []
    for i, entity in enumerate(entities):
        if not isinstance(entity, dict) or not isinstance(entity.get("category"), str):
            problems.add(f"Entity {i} needs a string 'category'.", "assets.entities")
            continue
        project.entity_types.append(entity["category"])
    check_entity_types(project.entity_types, problems)

    documents = assets.get("documents", [])
    if not isinstance(documents, list):
        problems.add("'assets.documents' must be a list.", "assets.documents")
        documents = []
    for i, raw in enumerate(documents):
        doc = _read_document(i, raw, texts, project.language, problems)
        if doc is not None:
            project.documents.append(doc)
    check_documents(project.documents, project.entity_types, problems)
    if project.language:
        fix = "Set 'metadata.multilingual' to true for documents in several languages."
        check_document_languages(
            project.documents, language=project.language, multilingual=project.multilingual, problems=problems, fix=fix
        )
    problems.raise_if_any("The project file")
    return project


def _read_document(
    index: int, raw: Any, texts: Mapping[str, str] | None, default_language: str, problems: ProblemList
) -> DocumentData | None:
    if not isinstance(raw, dict):
        problems.add(f"Document {index} must be an object.", f"assets.documents[{index}]")
        return None
    location = raw.get("location")
    target = location if isinstance(location, str) and location else f"assets.documents[{index}]"
    if not isinstance(location, str) or not location:
        problems.add("A document needs a 'location'.", target)
        return None
    text = raw.get("text")
    if text is None and texts is not None:
        text = texts.get(location)
    if not isinstance(text, str):
        problems.add(
            f"No text for document '{location}': give it inline as \"text\" or upload a zip holding {location}.",
            target,
        )
        return None
    dataset = raw.get("dataset") or ""
    if dataset not in ("Train", "Test", ""):
        problems.add(f"Dataset {dataset!r} is not one of Train, Test.", target)
        dataset = ""
    language = raw.get("language") or ""
    if not isinstance(language, str):
        problems.add(f"'language' must be a string, got {language!r:.80}.", target)
        language = ""
    doc = DocumentData(location=location, text=text, language=language, dataset=dataset)
    offsets = OffsetMap(text)
    units = offsets.utf16_length
    regions = raw.get("entities", [])
    if not isinstance(regions, list):
        problems.add("'entities' must be a list of regions.", target)
        return doc
    for region in regions:
        if not isinstance(region, dict):
            problems.add("Each region in 'entities' must be an object.", target)
            continue
        region_start = region.get("regionOffset", 0)
        region_length = region.get("regionLength", units - (region_start if _is_int(region_start) else 0))
        if (
            not _is_int(region_start)
            or not _is_int(region_length)
            or region_start < 0
            or (region_start + region_length > units)
        ):
            problems.add(
                f"Region offset {region_start!r} length {region_length!r} is outside the document "
                f"({units} UTF-16 code units).",
                target,
            )
            continue
        labels = region.get("labels") or []
        if not isinstance(labels, list):
            problems.add(f"A region's 'labels' must be a list of labels, got {labels!r:.80}.", target)
            continue
        for label in labels:
            span = _read_label(label, offsets, units, region_start, region_start + region_length, problems, target)
            if span is not None:
                doc.labels.append(span)
    return doc


def _read_label(
    label: Any, offsets: OffsetMap, units: int, region_start: int, region_end: int, problems: ProblemList, target: str
) -> Span | None:
    if not isinstance(label, dict):
        problems.add("Each label must be an object with category, offset and length.", target)
        return None
    category, offset, length = label.get("category"), label.get("offset"), label.get("length")
    if not isinstance(category, str) or not _is_int(offset) or not _is_int(length):
        problems.add(f"Label {label!r} needs a string 'category' and integer 'offset' and 'length'.", target)
        return None
    if offset < 0 or length < 1 or offset + length > units:
        problems.add(
            f"Label {category} at offset {offset} length {length} is outside the document ({units} UTF-16 code units).",
            target,
        )
        return None
    if offset < region_start or offset + length > region_end:
        problems.add(f"Label {category} at offset {offset} length {length} is outside its region.", target)
        return None
    try:
        return Span(offsets.from_utf16(offset), offsets.from_utf16(offset + length), category)
    except ValueError:
        problems.add(
            f"Label {category} at offset {offset} length {length} cuts through a character "
            "(inside a UTF-16 surrogate pair).",
            target,
        )
        return None


def write_project(project: ProjectData, *, include_text: bool = False) -> dict[str, Any]:
    """The Azure project file for `project`, UTF-16 offsets; `include_text` embeds each text inline."""
    documents = []
    for doc in project.documents:
        offsets = OffsetMap(doc.text)
        labels = []
        for span in sorted(doc.labels):
            start = offsets.to_utf16(span.start)
            labels.append({"category": span.category, "offset": start, "length": offsets.to_utf16(span.end) - start})
        entry: dict[str, Any] = {"location": doc.location, "language": doc.language or project.language}
        if doc.dataset:
            entry["dataset"] = doc.dataset
        entry["entities"] = [{"regionOffset": 0, "regionLength": offsets.utf16_length, "labels": labels}]
        if include_text:
            entry["text"] = doc.text
        documents.append(entry)
    return {
        "projectFileVersion": "2022-05-01",
        "stringIndexType": STRING_INDEX_TYPE,
        "metadata": {
            "projectKind": PROJECT_KIND,
            "storageInputContainerName": project.storage_input_container_name or project.name.lower(),
            "projectName": project.name,
            "multilingual": project.multilingual,
            "description": project.description,
            "language": project.language,
            "settings": project.settings,
        },
        "assets": {
            "projectKind": PROJECT_KIND,
            "entities": [{"category": name} for name in project.entity_types],
            "documents": documents,
        },
    }
