"""Reads. Each returns a queryset or object already narrowed to what the user may see."""

from __future__ import annotations

from django.db.models import Count, Exists, OuterRef, Q, QuerySet

from annotation.models import Document, EntityType, Label, Membership, Project
from annotation.permissions import Action, require
from studio.exceptions import NotFound


def project_list(*, user) -> QuerySet[Project]:
    qs = Project.objects.all()
    if not user.is_superuser:
        qs = qs.filter(memberships__user=user)
    return qs.order_by("name")


def project_list_with_counts(*, user) -> QuerySet[Project]:
    return project_list(user=user).annotate(
        document_count=Count("documents", distinct=True),
        labeled_count=Count("documents", filter=Q(documents__labels__isnull=False), distinct=True),
        entity_type_count=Count("entity_types", distinct=True),
    )


def project_get(*, user, name: str, action: Action = Action.VIEW) -> Project:
    """The project named `name` if the user has a role in it; NotFound otherwise (no existence leak)."""
    project = Project.objects.filter(name=name).first()
    if project is None or (
        not user.is_superuser and not Membership.objects.filter(project=project, user=user).exists()
    ):
        raise NotFound(f"The project '{name}' could not be found.", code="NotFound", innererror_code="ProjectNotFound")
    require(user, project, action)
    return project


def entity_type_list(*, project: Project) -> QuerySet[EntityType]:
    return project.entity_types.annotate(label_count=Count("labels")).order_by("order", "id")


def document_list(
    *,
    project: Project,
    labeled: bool | None = None,
    entity_type_id: int | None = None,
    dataset: str | None = None,
    search: str = "",
) -> QuerySet[Document]:
    qs = project.documents.annotate(label_count=Count("labels"))
    has_labels = Exists(Label.objects.filter(document=OuterRef("pk")))
    if labeled is True:
        qs = qs.filter(has_labels)
    elif labeled is False:
        qs = qs.exclude(has_labels)
    if entity_type_id:
        qs = qs.filter(Exists(Label.objects.filter(document=OuterRef("pk"), entity_type_id=entity_type_id)))
    if dataset is not None:
        qs = qs.filter(dataset=dataset)
    if search:
        qs = qs.filter(Q(text__icontains=search) | Q(location__icontains=search))
    return qs.order_by("location")


def document_get(*, project: Project, document_id: int) -> Document:
    doc = project.documents.filter(pk=document_id).first()
    if doc is None:
        raise NotFound(f"Document {document_id} does not exist in project '{project.name}'.")
    return doc


def label_list(*, document: Document) -> QuerySet[Label]:
    return document.labels.select_related("entity_type").order_by("start")
