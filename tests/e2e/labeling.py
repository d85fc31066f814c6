"""What the labeling view's browser tests set up alike: a project with entity types (with shortcut keys) and
documents, made through the services a user's actions call."""

from __future__ import annotations

from collections.abc import Sequence

from annotation.formats import DocumentData
from annotation.services.entity_types import entity_type_create
from annotation.services.imports import documents_import
from projects.models import Project
from projects.services.projects import project_create


def labeling_project(
    owner, types: Sequence[tuple[str, str]], documents: Sequence[DocumentData], *, name: str = "loans"
) -> Project:
    """Project `name` owned by `owner`, with `types` as (name, shortcut key) and `documents` imported."""
    project = project_create(user=owner, name=name)
    for type_name, key in types:
        entity_type_create(project=project, user=owner, name=type_name, shortcut=key)
    documents_import(user=owner, project=project, documents=list(documents))
    return project
