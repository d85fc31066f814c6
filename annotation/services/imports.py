"""Persisting what a format reader produced: all or nothing (staged in short transactions, swapped in by one)."""

from __future__ import annotations

import contextlib
from collections.abc import Sequence

from django.db import IntegrityError, transaction

from annotation.entity_names import case_clash_message, find_case_clashes
from annotation.formats import DocumentData, ProblemList, ProjectData
from annotation.formats.validation import check_document_languages
from annotation.models import Document, EntityType, IndependentLabel, Label, LabelChangeAction
from annotation.services import staging
from annotation.services.audit import label_bulk_change_record, labels_bulk_delete_record
from annotation.services.entity_types import next_color
from annotation.spans import Span
from projects.models import Membership, Project, Role
from projects.permissions import Action, can, require, role_of
from projects.services.activity import activity_record
from projects.services.projects import project_name_taken
from studio import limits
from studio.exceptions import Conflict, InvalidInput


def project_import(*, user, name: str, data: ProjectData) -> Project:
    """Creates the project `name` from `data`, or replaces the same-name project's schema and documents.

    Memberships stay; the importer must own an existing project. Readers already validated `data`. All or nothing:
    the documents are written under a hidden staging project in short transactions, then one short transaction
    swaps them in, so readers see the old project or the new one and other writers wait one batch at most
    (`annotation.services.staging`); the replaced content is deleted afterwards, a batch at a time.
    """
    limits.check_name(name)
    clashes = find_case_clashes(data.entity_types)
    if clashes:  # readers refuse these already; a snapshot from before the rule may still hold them
        raise InvalidInput(" ".join(case_clash_message(a, b) for a, b in clashes), target="assets.entities")
    existing = Project.objects.filter(name=name).first()
    if existing is not None:
        _require_may_replace(user, existing)  # before writing anything; the swap checks again
    nested = staging.in_callers_transaction()
    with transaction.atomic() if nested else contextlib.nullcontext():  # nested: one savepoint, all or nothing
        with transaction.atomic():
            target = staging.staging_create()
        try:
            staging.staging_write(staging=target, user=user, entity_types=data.entity_types, documents=data.documents)
            try:
                with transaction.atomic():
                    project, replaced = _swap_in(user=user, name=name, data=data, staged=target)
            except IntegrityError:
                if not Project.objects.filter(name=name).exists():
                    raise
                # PostgreSQL: an import of the same new name committed first (SQLite runs one writer at a time).
                raise Conflict(
                    f"Another import created project '{name}' meanwhile; import again to replace it.",
                    innererror_code="ProjectAlreadyExists",
                ) from None
        except BaseException:
            staging.staging_discard_quietly(target)
            raise
        if replaced is not None:
            staging.staging_discard(replaced)
    return project


def _require_may_replace(user, project: Project) -> None:
    if role_of(user, project) is None:
        raise project_name_taken(user=user, name=project.name)  # does not confirm a project it cannot see
    require(user, project, Action.MANAGE)


def _swap_in(*, user, name: str, data: ProjectData, staged: Project) -> tuple[Project, Project | None]:
    """In the caller's (short) transaction: the staged content becomes project `name`'s. Returns the project and the
    hidden project now holding what it replaced, if anything (for `staging.staging_discard`)."""
    project = Project.objects.select_for_update().filter(name=name).first()
    replaced = None
    if project is None:
        project, staged = staged, None  # a new project: the staging project becomes it
        project.name = name
        Membership.objects.create(project=project, user=user, role=Role.OWNER)
    else:
        _require_may_replace(user, project)
        labels_bulk_delete_record(
            project=project,
            user=user,
            what="an import replaced the project",
            labels=Label.objects.filter(document__project=project),
            own_labels=IndependentLabel.objects.filter(document__project=project),
        )
        replaced = staging.staging_create(replaced=True)
        staging.content_move(source=project, target=replaced)
        staging.content_move(source=staged, target=project)
    project.language = data.language or "en-us"
    project.multilingual = data.multilingual
    project.description = data.description
    project.storage_input_container_name = data.storage_input_container_name
    project.settings = data.settings or {}
    project.save()
    if staged is not None:
        staged.delete()  # empty by now
    _record_labels_added(project, user, data.documents, "imported")
    activity_record(project=project, user=user, verb="imported", summary=f"imported {len(data.documents)} documents")
    return project, replaced


def documents_import(
    *,
    user,
    project: Project,
    documents: list[DocumentData],
    create_types: bool = True,
    listed_types: Sequence[str] = (),
) -> int:
    """Adds documents (with their labels) to an existing project; refuses locations already there.

    Categories not in the schema are added when `create_types` (JSONL/CoNLL carry no schema), else refused.
    `listed_types` are types a file lists (an Azure schema) whether labels use them or not: those new to the project
    are added too when the user may change the schema. All or nothing, staged like `project_import`: written under a
    hidden staging project in short transactions, then moved in by one short transaction that checks again what
    may have changed meanwhile (locations, the schema, the document limit).
    """
    require(user, project, Action.UPLOAD)
    types = {t.name: t for t in project.entity_types.all()}
    added = _check_addition(user, project, documents, types, create_types=create_types, listed_types=listed_types)
    nested = staging.in_callers_transaction()
    with transaction.atomic() if nested else contextlib.nullcontext():  # nested: one savepoint, all or nothing
        with transaction.atomic():
            staged = staging.staging_create()
            new_types = EntityType.objects.bulk_create(
                EntityType(project=staged, name=name, color=next_color(len(types) + i), order=len(types) + i)
                for i, name in enumerate(added)
            )
        try:
            labeled = {**types, **{t.name: t for t in new_types}}
            staging.documents_write(project=staged, user=user, documents=documents, types=labeled)
            with transaction.atomic():
                _add_in(user=user, project=project, staged=staged, documents=documents, types=types, added=added)
        except BaseException:
            staging.staging_discard_quietly(staged)
            raise
    return len(documents)


def _check_addition(
    user,
    project: Project,
    documents: list[DocumentData],
    types: dict[str, EntityType],
    *,
    create_types: bool,
    listed_types: Sequence[str],
) -> list[str]:
    """Raises every problem adding `documents` would have; returns the entity types it adds."""
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
    may_manage = can(user, project, Action.MANAGE)
    if new_categories and create_types and not may_manage:
        problems.add(
            "The upload uses entity types the project does not have ("
            + ", ".join(new_categories)
            + "); only an owner can add entity types."
        )
    added = list(new_categories) if create_types else []
    if may_manage:  # listed but unused types come along only for those who may change the schema
        unused = [name for name in listed_types if name not in types and name not in added]
        for name, earlier in find_case_clashes(unused, existing=[*types, *added]):
            problems.add(case_clash_message(name, earlier))
        added += unused
    if added:
        with problems.collect():
            limits.check_entity_type_count(len(types) + len(added))
    problems.raise_if_any("The upload")
    return added


def _add_in(
    *,
    user,
    project: Project,
    staged: Project,
    documents: list[DocumentData],
    types: dict[str, EntityType],
    added: list[str],
) -> None:
    """In the caller's (short) transaction: moves the staged documents and new types into the project, once what
    changed since the checks (other uploads, schema edits) still lets them in."""
    Project.objects.select_for_update().filter(pk=project.pk).first()
    problems = ProblemList()
    staged_locations = Document.objects.filter(project=staged).values("location")
    for location in project.documents.filter(location__in=staged_locations).values_list("location", flat=True):
        problems.add(f"A document named '{location}' is already in the project.", location)
    with problems.collect():
        limits.check_document_count(project.documents.count() + len(documents))
    current = list(project.entity_types.values_list("name", flat=True))
    used = {s.category for d in documents for s in d.labels}
    for name in sorted(used & (set(types) - set(current))):
        problems.add(f"The entity type '{name}' was deleted while the upload was read; upload again.")
    for name, earlier in find_case_clashes(added, existing=current):
        problems.add(case_clash_message(name, earlier))
    if added:
        with problems.collect():
            limits.check_entity_type_count(len(current) + len(added))
    problems.raise_if_any("The upload")
    staging.content_move(source=staged, target=project)
    staged.delete()  # empty by now
    for name in added:
        activity_record(project=project, user=user, verb="schema", summary=f"added entity type {name}")
    _record_labels_added(project, user, documents, "uploaded")
    activity_record(project=project, user=user, verb="uploaded", summary=f"uploaded {len(documents)} documents")


def _record_labels_added(project: Project, user, documents: Sequence[DocumentData], how: str) -> None:
    """The audit trail of an import or upload: one row with how many labels came with how many documents."""
    count = sum(len(d.labels) for d in documents)
    label_bulk_change_record(
        project=project,
        user=user,
        action=LabelChangeAction.BULK_CREATE,
        count=count,
        summary=f"{how} {len(documents)} documents with {count} labels",
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
