"""Persisting what a format reader produced: all or nothing, in one transaction."""

from __future__ import annotations

from django.db import transaction

from annotation.entity_names import case_clash_message, find_case_clashes
from annotation.formats import DocumentData, ProblemList, ProjectData
from annotation.formats.validation import check_document_languages
from annotation.models import Document, EntityType, Label
from annotation.services.entity_types import next_color
from annotation.spans import Span
from projects.models import Membership, Project, Role
from projects.permissions import Action, can, require
from projects.services.activity import activity_record
from studio import limits
from studio.exceptions import InvalidInput, PermissionDenied

BATCH = 2000


@transaction.atomic
def project_import(*, user, name: str, data: ProjectData) -> Project:
    """Creates the project `name` from `data`, or replaces the same-name project's schema and documents.

    Memberships stay; the importer must own an existing project. Readers already validated `data`.
    """
    limits.check_name(name)
    clashes = find_case_clashes(data.entity_types)
    if clashes:  # readers refuse these already; a snapshot from before the rule may still hold them
        raise InvalidInput(" ".join(case_clash_message(a, b) for a, b in clashes), target="assets.entities")
    project = Project.objects.select_for_update().filter(name=name).first()
    if project is None:
        project = Project.objects.create(name=name)
        Membership.objects.create(project=project, user=user, role=Role.OWNER)
    else:
        if not user.is_superuser and not Membership.objects.filter(project=project, user=user).exists():
            raise PermissionDenied(f"A project named '{name}' exists and you are not a member of it.")
        require(user, project, Action.MANAGE)
        project.documents.all().delete()
        project.entity_types.all().delete()
    project.language = data.language or "en-us"
    project.multilingual = data.multilingual
    project.description = data.description
    project.storage_input_container_name = data.storage_input_container_name
    project.settings = data.settings or {}
    project.save()
    types = EntityType.objects.bulk_create(
        EntityType(project=project, name=category, color=next_color(i), order=i)
        for i, category in enumerate(data.entity_types)
    )
    _create_documents(project, user, data.documents, {t.name: t for t in types})
    activity_record(project=project, user=user, verb="imported", summary=f"imported {len(data.documents)} documents")
    return project


@transaction.atomic
def documents_import(*, user, project: Project, documents: list[DocumentData], create_types: bool = True) -> int:
    """Adds documents (with their labels) to an existing project; refuses locations already there.

    Categories not in the schema are added when `create_types` (JSONL/CoNLL carry no schema), else refused.
    """
    require(user, project, Action.UPLOAD)
    problems = ProblemList()
    existing = set(
        project.documents.filter(location__in=[d.location for d in documents]).values_list("location", flat=True)
    )
    for location in sorted(existing):
        problems.add(f"A document named '{location}' is already in the project.", location)
    with problems.collect():
        limits.check_document_count(project.documents.count() + len(documents))
    fix = "Make the project multilingual (its settings) to keep documents in several languages."
    check_document_languages(
        documents, language=project.language, multilingual=project.multilingual, problems=problems, fix=fix
    )
    types = {t.name: t for t in project.entity_types.all()}
    new_categories = sorted({s.category for d in documents for s in d.labels} - set(types))
    # A category differing only in case from a type (or another category) is refused, never merged: which
    # spelling is meant is the uploader's call, and a silent merge would relabel their data.
    clashes = find_case_clashes(new_categories, existing=types)
    for category, earlier in clashes:
        kind = "the entity type" if earlier in types else "the label category"
        problems.add(case_clash_message(category, earlier, what="Label category", other=kind))
    if new_categories and not create_types:
        for category in new_categories:
            problems.add(f"Label category '{category}' is not one of the project's entity types.")
    if new_categories and create_types:
        with problems.collect():
            limits.check_entity_type_count(len(types) + len(new_categories))
        if not can(user, project, Action.MANAGE):
            problems.add(
                "The upload uses entity types the project does not have ("
                + ", ".join(new_categories)
                + "); only an owner can add entity types."
            )
    problems.raise_if_any("The upload")
    base = len(types)
    for i, category in enumerate(new_categories):
        types[category] = EntityType.objects.create(
            project=project, name=category, color=next_color(base + i), order=base + i
        )
    _create_documents(project, user, documents, types)
    activity_record(project=project, user=user, verb="uploaded", summary=f"uploaded {len(documents)} documents")
    return len(documents)


def _create_documents(project: Project, user, documents: list[DocumentData], types: dict[str, EntityType]) -> None:
    creator = user if user is not None and user.is_authenticated else None
    for offset in range(0, len(documents), BATCH):
        chunk = documents[offset : offset + BATCH]
        created = Document.objects.bulk_create(
            Document(project=project, location=d.location, text=d.text, language=d.language, dataset=d.dataset)
            for d in chunk
        )
        Label.objects.bulk_create(
            (
                Label(
                    document=doc,
                    entity_type=types[span.category],
                    start=span.start,
                    end=span.end,
                    created_by=creator,
                    updated_by=creator,
                )
                for doc, data in zip(created, chunk, strict=True)
                for span in data.labels
            ),
            batch_size=BATCH,
        )


def project_data(*, project: Project) -> ProjectData:
    """The project as plain data, for any writer (Azure, JSONL, CoNLL)."""
    types = {t.pk: t.name for t in project.entity_types.all()}
    labels: dict[int, list[Span]] = {}
    for doc_id, type_id, start, end in Label.objects.filter(document__project=project).values_list(
        "document_id", "entity_type_id", "start", "end"
    ):
        labels.setdefault(doc_id, []).append(Span(start, end, types[type_id]))
    # A document's own language counts in a multilingual project only (`projects.languages.document_language`);
    # "" is the project's, which writers that need a language fill in.
    documents = [
        DocumentData(
            location=location,
            text=text,
            language=language if project.multilingual else "",
            dataset=dataset,
            labels=sorted(labels.get(pk, [])),
        )
        for pk, location, text, language, dataset in project.documents.order_by("location").values_list(
            "pk", "location", "text", "language", "dataset"
        )
    ]
    return ProjectData(
        name=project.name,
        language=project.language,
        multilingual=project.multilingual,
        description=project.description,
        storage_input_container_name=project.storage_input_container_name,
        settings=project.settings,
        entity_types=list(types.values()),
        documents=documents,
    )
