"""Checks every reader applies to what it read: limits, categories, bounds, overlaps. One place for all."""

from __future__ import annotations

from annotation.entity_names import case_clash_message, find_case_clashes
from annotation.formats import DocumentData, ProblemList, ProjectData
from annotation.spans import find_overlaps, overlap_message
from projects.languages import is_language_code, language_code_message, same_language
from studio import limits
from studio.exceptions import InvalidInput


def check_documents(documents: list[DocumentData], entity_types: list[str] | None, problems: ProblemList) -> None:
    """Adds a problem for each limit broken, unknown category, out-of-bounds or overlapping label.

    With `entity_types=None` any category is accepted (formats that carry no schema).
    """
    known = set(entity_types) if entity_types is not None else None
    seen: set[str] = set()
    try:
        limits.check_document_count(len(documents))
    except InvalidInput as error:
        problems.add(error.message)
    for doc in documents:
        target = doc.location or None
        try:
            limits.check_document_location(doc.location)
        except InvalidInput as error:
            problems.add(error.message, target)
        if doc.location in seen:
            problems.add(f"Document location '{doc.location}' appears more than once.", target)
        seen.add(doc.location)
        try:
            limits.check_document_text(doc.text, location=doc.location)
        except InvalidInput as error:
            problems.add(error.message, target)
            continue
        if doc.dataset not in ("Train", "Test", ""):
            problems.add(f"Dataset '{doc.dataset}' is not one of Train, Test.", target)
        if doc.language and not is_language_code(doc.language):
            problems.add(language_code_message(doc.language), target)
        for span in doc.labels:
            if known is not None and span.category not in known:
                problems.add(f"Label category '{span.category}' is not one of the project's entity types.", target)
            try:
                limits.check_label_span(span.start, span.end, len(doc.text))
            except InvalidInput as error:
                problems.add(f"{span.category}: {error.message}", target)
        for a, b in find_overlaps(doc.labels):
            problems.add(overlap_message(a, b, doc.text), target)


def check_document_languages(
    documents: list[DocumentData], *, language: str, multilingual: bool, problems: ProblemList, fix: str
) -> None:
    """Azure's rule: a project that is not multilingual has every document in its language. `fix` says how to
    allow several languages where the documents come from (the file's metadata, or the project's settings)."""
    if multilingual:
        return
    for doc in documents:
        if doc.language and is_language_code(doc.language) and not same_language(doc.language, language):
            problems.add(
                f"The document is in '{doc.language}', but the project is not multilingual, so every document "
                f"is in its language, '{language}'. {fix}",
                doc.location or None,
            )


def check_entity_types(entity_types: list[str], problems: ProblemList) -> None:
    try:
        limits.check_entity_type_count(len(entity_types))
    except InvalidInput as error:
        problems.add(error.message)
    seen: set[str] = set()
    for name in entity_types:
        try:
            limits.check_entity_name(name)
        except InvalidInput as error:
            problems.add(error.message, "assets.entities")
        if name in seen:
            problems.add(f"Entity type '{name}' is listed more than once.", "assets.entities")
        seen.add(name)
    for name, earlier in find_case_clashes(entity_types):
        problems.add(case_clash_message(name, earlier), "assets.entities")


def check_project_metadata(project: ProjectData, problems: ProblemList) -> None:
    """The project's own fields, as the authoring API's create and update check them (`projects.services`)."""
    if project.language and not is_language_code(project.language):
        problems.add(language_code_message(project.language), "metadata.language")
    try:
        limits.check_storage_container_name(project.storage_input_container_name)
    except InvalidInput as error:
        problems.add(error.message, "metadata.storageInputContainerName")
