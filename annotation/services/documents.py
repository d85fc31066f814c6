from __future__ import annotations

from django.db import transaction
from django.db.models import QuerySet

from annotation.models import Dataset, Document, IndependentLabel, Label
from annotation.services.audit import labels_bulk_delete_record
from projects.languages import language_choices, same_language
from projects.models import Project
from projects.services.activity import activity_record
from studio.exceptions import InvalidInput


def _check_dataset(dataset: str) -> str:
    if dataset not in Dataset.values:
        raise InvalidInput(f"Dataset '{dataset}' is not one of Train, Test or unassigned ('').", target="dataset")
    return dataset


@transaction.atomic
def document_set_dataset(*, document: Document, user, dataset: str) -> Document:
    document.dataset = _check_dataset(dataset)
    document.save(update_fields=["dataset", "modified_at"])
    return document


@transaction.atomic
def document_set_language(*, document: Document, user, language: str) -> Document:
    """Sets the language of one document of a multilingual project, one of the languages the studio offers
    (or the project's or the document's current code, which an import may have brought from outside that list)."""
    project = document.project
    if not project.multilingual:
        raise InvalidInput(
            f"Project '{project.name}' is not multilingual, so every document is in its language, "
            f"'{project.language}'. Make the project multilingual (its settings) to set a language per document.",
            target="language",
        )
    codes = [code for code, _ in language_choices(project.language, document.language)]
    chosen = next((code for code in codes if isinstance(language, str) and same_language(code, language)), None)
    if chosen is None:
        raise InvalidInput(
            f"Language {language!r:.40} is not one the studio offers; choose one of {', '.join(codes)}.",
            target="language",
        )
    document.language = chosen
    document.save(update_fields=["language", "modified_at"])
    return document


@transaction.atomic
def documents_assign_dataset(*, project: Project, user, document_ids: list[int], dataset: str) -> int:
    """Sets the dataset of the given documents of `project`; returns how many changed."""
    _check_dataset(dataset)
    count = project.documents.filter(pk__in=document_ids).update(dataset=dataset)
    activity_record(
        project=project, user=user, verb="dataset", summary=f"assigned {count} documents to {dataset or 'unassigned'}"
    )
    return count


@transaction.atomic
def documents_delete(*, project: Project, user, document_ids: list[int]) -> int:
    """Deletes the given documents of `project` with their labels; returns how many documents went."""
    documents = project.documents.filter(pk__in=document_ids)
    count = documents.count()
    _record_labels_deleted(project, user, documents, count)
    documents.delete()
    activity_record(project=project, user=user, verb="deleted", summary=f"deleted {count} documents")
    return count


@transaction.atomic
def documents_assign_dataset_matching(*, project: Project, user, documents: QuerySet[Document], dataset: str) -> int:
    """Like `documents_assign_dataset`, for every document a filter matches (no id list, so no size limit)."""
    _check_dataset(dataset)
    count = project.documents.filter(pk__in=documents.values("pk")).update(dataset=dataset)
    activity_record(
        project=project, user=user, verb="dataset", summary=f"assigned {count} documents to {dataset or 'unassigned'}"
    )
    return count


@transaction.atomic
def documents_delete_matching(*, project: Project, user, documents: QuerySet[Document]) -> int:
    """Like `documents_delete`, for every document a filter matches."""
    matching = project.documents.filter(pk__in=documents.values("pk"))
    count = matching.count()
    _record_labels_deleted(project, user, matching, count)
    matching.delete()
    activity_record(project=project, user=user, verb="deleted", summary=f"deleted {count} documents")
    return count


def _record_labels_deleted(project: Project, user, documents: QuerySet[Document], count: int) -> None:
    labels_bulk_delete_record(
        project=project,
        user=user,
        what=f"deleted {count} documents",
        labels=Label.objects.filter(document__in=documents.values("pk")),
        own_labels=IndependentLabel.objects.filter(document__in=documents.values("pk")),
    )
