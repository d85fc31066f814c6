"""Reads. Each returns a queryset or object already narrowed to what the user may see."""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterator, Mapping
from dataclasses import dataclass, field

from django.db.models import Count, Exists, F, Max, OuterRef, Q, QuerySet, Subquery
from django.db.models.functions import Substr

from annotation import extensions, selectors_team
from annotation.consistency import (
    Finding,
    LabelAllPlan,
    LabeledSurface,
    ScanDocument,
    SurfaceIndex,
    find_inconsistencies,
    plan_label_all,
    surface_key,
)
from annotation.models import (
    Assignment,
    Dataset,
    Document,
    EntityType,
    IndependentLabel,
    Label,
    LabelBatch,
    ReviewStatus,
)
from annotation.spans import Span
from projects import selectors as project_selectors
from projects.models import Membership, Project
from projects.permissions import Action, can
from studio.exceptions import NotFound

ASSIGNED_ANYONE = "anyone"  # `document_list(assigned_to=)`: documents assigned to someone
ASSIGNED_NOBODY = "nobody"  # ... to no one


def project_list_with_counts(*, user) -> QuerySet[Project]:
    return project_selectors.project_list(user=user).annotate(
        document_count=Count("documents", distinct=True),
        labeled_count=Count("documents", filter=Q(documents__labels__isnull=False), distinct=True),
        entity_type_count=Count("entity_types", distinct=True),
    )


def entity_type_list(*, project: Project) -> QuerySet[EntityType]:
    return project.entity_types.annotate(label_count=Count("labels")).order_by("order", "id")


def document_list(
    *,
    project: Project,
    labeled: bool | None = None,
    entity_type_id: int | None = None,
    dataset: str | None = None,
    search: str = "",
    extra: dict[str, str] | None = None,
    sort: str = "",
    review: str = "",
    assigned_to: int | str | None = None,
) -> QuerySet[Document]:
    """The documents list: the project's documents matching the filters (`DocumentFilterForm`), by location or
    by a registered order (`sort`, `annotation.extensions`); `extra` holds registered filters' values by key.
    The labeling view's Prev/Next walk the same list (`document_neighbors`)."""
    qs = project.documents.all()
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
    if review == "to_review":  # labeled, no verdict yet
        qs = qs.filter(has_labels, review_status="")
    elif review in (ReviewStatus.REVIEWED, ReviewStatus.NEEDS_CHANGES):
        qs = qs.filter(review_status=review)
    if assigned_to == ASSIGNED_NOBODY:
        qs = qs.exclude(Exists(Assignment.objects.filter(document=OuterRef("pk"))))
    elif assigned_to == ASSIGNED_ANYONE:
        qs = qs.filter(Exists(Assignment.objects.filter(document=OuterRef("pk"))))
    elif isinstance(assigned_to, int):
        qs = qs.filter(Exists(Assignment.objects.filter(document=OuterRef("pk"), user_id=assigned_to)))
    for extension in extensions.document_filters():
        value = (extra or {}).get(extension.key)
        if value:
            qs = extension.apply(qs, value)
    order = extensions.document_order(sort) if sort else None
    return order.apply(qs) if order is not None else qs.order_by("location")


def document_neighbors(
    *,
    project: Project,
    document: Document,
    labeled: bool | None = None,
    entity_type_id: int | None = None,
    dataset: str | None = None,
    search: str = "",
    extra: dict[str, str] | None = None,
    sort: str = "",
    review: str = "",
    assigned_to: int | str | None = None,
) -> tuple[int | None, int | None]:
    """The ids of the documents before and after `document` in the documents list as filtered and ordered
    (`document_list`, same arguments); `document` itself need not match the filters (labeling it may have taken it
    out): by location it then sits where its location would, in another order the next one is the list's first."""
    listed = document_list(
        project=project,
        labeled=labeled,
        entity_type_id=entity_type_id,
        dataset=dataset,
        search=search,
        extra=extra,
        sort=sort,
        review=review,
        assigned_to=assigned_to,
    ).values_list("pk", flat=True)
    if not sort or extensions.document_order(sort) is None:
        previous = listed.filter(location__lt=document.location).order_by("-location").first()
        following = listed.filter(location__gt=document.location).order_by("location").first()
        return previous, following
    ids = list(listed)  # an order by computed values: its neighbors are found in the ids (a few bytes each)
    if document.pk not in ids:
        return None, (ids[0] if ids else None)
    at = ids.index(document.pk)
    return (ids[at - 1] if at > 0 else None), (ids[at + 1] if at + 1 < len(ids) else None)


def document_get(*, project: Project, document_id: int) -> Document:
    doc = project.documents.filter(pk=document_id).first()
    if doc is None:
        raise NotFound(f"Document {document_id} does not exist in project '{project.name}'.")
    return doc


def label_list(*, document: Document) -> QuerySet[Label]:
    return document.labels.select_related("entity_type").order_by("start")


def label_version(*, document: Document, labels: QuerySet | None = None) -> str:
    """A tag that changes whenever the document's labels change, from one aggregate (no label is read), so the
    labeling view can ask "changed since?" cheaply. Any added label has a larger id than every id before it
    (ids are never reused), so it moves the largest id; removals alone lower the count; an edit moves
    `updated_at`. Whatever removes labels (a type's deletion, an import) is seen too."""
    labels = document.labels.all() if labels is None else labels  # or an annotator's own (`selectors_team`)
    row = labels.order_by().aggregate(n=Count("id"), last_id=Max("id"), last_edit=Max("updated_at"))
    edited = row["last_edit"].timestamp() if row["last_edit"] else 0
    return f"{row['n']}-{row['last_id'] or 0}-{edited:.6f}"


def project_list_for_user(*, user) -> QuerySet[Project]:
    """The project list page: counts plus the user's own role in each project."""
    role = Membership.objects.filter(project=OuterRef("pk"), user=user).values("role")[:1]
    return project_list_with_counts(user=user).annotate(my_role=Subquery(role))


def entity_type_get(*, project: Project, entity_type_id: int) -> EntityType:
    entity_type = entity_type_list(project=project).filter(pk=entity_type_id).first()
    if entity_type is None:
        raise NotFound(f"Entity type {entity_type_id} does not exist in project '{project.name}'.")
    return entity_type


def entity_type_usage(*, entity_type: EntityType) -> tuple[int, int]:
    """(labels, documents) of this type: what deleting it would take with it."""
    labels = entity_type.labels.all()
    return labels.count(), labels.values("document_id").distinct().count()


def document_label_counts(*, document_ids: list[int]) -> dict[int, list[tuple[EntityType, int]]]:
    """Per document, its label count per entity type (in schema order): for list pages, in two queries."""
    rows = (
        Label.objects.filter(document_id__in=document_ids)
        .values_list("document_id", "entity_type_id")
        .annotate(n=Count("id"))
        .order_by()
    )
    counts: dict[int, dict[int, int]] = {}
    type_ids: set[int] = set()
    for document_id, type_id, n in rows:
        counts.setdefault(document_id, {})[type_id] = n
        type_ids.add(type_id)
    types = list(EntityType.objects.filter(pk__in=type_ids).order_by("order", "id"))
    return {
        document_id: [(t, by_type[t.pk]) for t in types if t.pk in by_type] for document_id, by_type in counts.items()
    }


@dataclass
class TypeDistribution:
    """One entity type's labels and labeled documents per dataset."""

    entity_type: EntityType
    train_labels: int = 0
    test_labels: int = 0
    unassigned_labels: int = 0
    train_documents: int = 0
    test_documents: int = 0
    unassigned_documents: int = 0

    @property
    def labels(self) -> int:
        return self.train_labels + self.test_labels + self.unassigned_labels

    @property
    def documents(self) -> int:
        return self.train_documents + self.test_documents + self.unassigned_documents

    @property
    def warning(self) -> str:
        """Why training or evaluation would be weak for this type, or ""."""
        if not self.labels:
            return "No labels yet: the model cannot learn this type."
        if not self.train_labels:
            return "No labels in Train: the model cannot learn this type."
        if not self.test_labels:
            return "No labels in Test: the evaluation cannot measure this type."
        return ""


@dataclass
class Distribution:
    documents: dict[str, int] = field(default_factory=dict)  # per dataset ("Train", "Test", "")
    labeled_documents: dict[str, int] = field(default_factory=dict)
    types: list[TypeDistribution] = field(default_factory=list)

    @property
    def train(self) -> int:
        return self.documents.get(Dataset.TRAIN, 0)

    @property
    def test(self) -> int:
        return self.documents.get(Dataset.TEST, 0)

    @property
    def unassigned(self) -> int:
        return self.documents.get(Dataset.UNASSIGNED, 0)

    @property
    def total(self) -> int:
        return sum(self.documents.values())

    @property
    def labeled(self) -> int:
        return sum(self.labeled_documents.values())

    @property
    def labels(self) -> int:
        return sum(t.labels for t in self.types)

    @property
    def unassigned_labels(self) -> int:
        return sum(t.unassigned_labels for t in self.types)

    @property
    def max_total_labels(self) -> int:
        return max((t.labels for t in self.types), default=0)

    @property
    def max_labels(self) -> int:
        return max((max(t.train_labels, t.test_labels, t.unassigned_labels) for t in self.types), default=0)

    @property
    def max_documents(self) -> int:
        return max((max(t.train_documents, t.test_documents, t.unassigned_documents) for t in self.types), default=0)


def dataset_distribution(*, project: Project, assignments: dict[int, str] | None = None) -> Distribution:
    """Documents per dataset and, per entity type, labels and labeled documents per dataset.

    `assignments` (document id -> dataset) overrides documents' current datasets: a split's preview.
    """
    datasets = dict(project.documents.values_list("pk", "dataset"))
    if assignments:
        datasets.update(assignments)
    rows = {t.pk: TypeDistribution(t) for t in project.entity_types.order_by("order", "id")}
    labeled: set[int] = set()
    pairs = (
        Label.objects.filter(document__project=project)
        .values_list("document_id", "entity_type_id")
        .annotate(n=Count("id"))
        .order_by()
    )
    suffix = {Dataset.TRAIN: "train", Dataset.TEST: "test", Dataset.UNASSIGNED: "unassigned"}
    for document_id, type_id, n in pairs:
        row, name = rows[type_id], suffix[datasets[document_id]]
        setattr(row, f"{name}_labels", getattr(row, f"{name}_labels") + n)
        setattr(row, f"{name}_documents", getattr(row, f"{name}_documents") + 1)
        labeled.add(document_id)
    return Distribution(
        documents=dict(Counter(datasets.values())),
        labeled_documents=dict(Counter(datasets[pk] for pk in labeled)),
        types=list(rows.values()),
    )


def label_count(*, documents: QuerySet[Document]) -> int:
    return Label.objects.filter(document__in=documents.values("pk")).count()


# The consistency check (`annotation.consistency`): the reads feeding it, each bounded (grouped label strings,
# then documents a chunk at a time).

SCAN_CHUNK = 200  # documents (with their labels) read at a time


def labeled_surfaces(*, project: Project) -> list[LabeledSurface]:
    """Every distinct labeled string with its type and count, grouped by the database."""
    rows = (
        Label.objects.filter(document__project=project)
        .annotate(surface=Substr("document__text", F("start") + 1, F("end") - F("start")))
        .values_list("surface", "entity_type__name")
        .annotate(n=Count("id"))
        .order_by()
    )
    return [LabeledSurface(text, category, n) for text, category, n in rows]


def scan_documents(
    *, documents: QuerySet[Document], user=None, label_sets: Mapping[int, str] | None = None
) -> Iterator[ScanDocument]:
    """`documents` with their labels, read `SCAN_CHUNK` at a time (by id, so memory stays bounded). With
    `label_sets` (`selectors_team.label_sets` for `user`), a document `user` labels on their own comes with their
    own labels, and one they may not label at all says so (`ScanDocument.locked`)."""
    sets = label_sets or {}
    last = 0
    while True:
        chunk = list(documents.filter(pk__gt=last).order_by("pk").values_list("pk", "location", "text")[:SCAN_CHUNK])
        if not chunk:
            return
        spans: dict[int, list[Span]] = {pk: [] for pk, _, _ in chunk}
        own = [pk for pk in spans if sets.get(pk) == selectors_team.OWN]
        rows = list(
            Label.objects.filter(document_id__in=[pk for pk in spans if pk not in own]).values_list(
                "document_id", "start", "end", "entity_type__name"
            )
        )
        if own:
            rows += IndependentLabel.objects.filter(document_id__in=own, annotator=user).values_list(
                "document_id", "start", "end", "entity_type__name"
            )
        for document_id, start, end, category in rows:
            spans[document_id].append(Span(start, end, category))
        for pk, location, text in chunk:
            whose = sets.get(pk, selectors_team.DOCUMENT)
            locked = LOCKED_REASON if whose == selectors_team.LOCKED else ""
            yield ScanDocument(pk, location, text, spans[pk], own=whose == selectors_team.OWN, locked=locked)
        last = chunk[-1][0]


LOCKED_REASON = "Labeled independently by others: only adjudication sets its labels."


def consistency_findings(*, project: Project, case_sensitive: bool = True) -> list[Finding]:
    """The project's inconsistently labeled strings, most inconsistent first."""
    index = SurfaceIndex(labeled_surfaces(project=project), case_sensitive=case_sensitive)
    if not len(index):
        return []
    return find_inconsistencies(index, scan_documents(documents=project.documents.all()))


def documents_containing(*, project: Project, surface: str, case_sensitive: bool = True) -> QuerySet[Document]:
    """The project's documents whose text may contain `surface` (a superset: the scan decides), narrowed by the
    database on its longest word where that is exact enough (SQLite's LIKE folds ASCII case only)."""
    documents = project.documents.all()
    words = surface_key(surface, case_sensitive=case_sensitive)
    if not words:
        return documents
    longest = max(words, key=len)
    if case_sensitive:
        return documents.filter(text__contains=longest)
    return documents.filter(text__icontains=longest) if longest.isascii() else documents


def label_all_preview(
    *, project: Project, surface: str, entity_type: EntityType, case_sensitive: bool = True, user=None
) -> LabelAllPlan:
    """What labeling every occurrence of `surface` as `entity_type` would create and skip for `user`; changes
    nothing. Documents labeled independently follow `selectors_team.whose_labels`: their assignees label their own
    copies, and nobody else labels them."""
    documents = documents_containing(project=project, surface=surface, case_sensitive=case_sensitive)
    scan = scan_documents(
        documents=documents, user=user, label_sets=selectors_team.label_sets(documents=documents, user=user)
    )
    return plan_label_all(surface, entity_type.name, scan, case_sensitive=case_sensitive)


def label_batch_list(*, project: Project, limit: int = 5) -> QuerySet[LabelBatch]:
    """The project's latest "label all" actions, newest first."""
    return project.label_batches.select_related("created_by", "undone_by").order_by("-created_at", "-id")[:limit]


def label_batch_get(*, project: Project, batch_id: int) -> LabelBatch:
    batch = project.label_batches.select_related("created_by", "undone_by", "entity_type").filter(pk=batch_id).first()
    if batch is None:
        raise NotFound(f"Bulk labeling {batch_id} does not exist in project '{project.name}'.")
    return batch


def label_batch_documents(*, batch: LabelBatch, user=None) -> QuerySet[Document]:
    """The documents a "label all" step labeled, by location. Those where it labeled its author's own copy
    (independent labeling) are listed to the author and to reviewers only, as that copy is."""
    mine = user is not None and user.is_authenticated and user.pk == batch.created_by_id
    shown = mine or (user is not None and can(user, batch.project, Action.REVIEW))
    ids = {row[1] for row in batch.labels if shown or row[5:] != [LabelBatch.OWN]}
    return batch.project.documents.filter(pk__in=ids).only("pk", "location").order_by("location")
