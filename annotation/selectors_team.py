"""Reads of the team workflow (issue 16): whose labels a person edits, assignments and progress, review status,
the audit trail, and agreement between annotators. Like `annotation.selectors`, they never write."""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field

from django.contrib.auth import get_user_model
from django.db.models import Count, Exists, OuterRef, Q, QuerySet

from annotation.agreement import Agreement, AnnotatedSpan, agreement_of
from annotation.models import (
    Assignment,
    Document,
    IndependentLabel,
    Label,
    LabelChange,
    ReviewStatus,
)
from projects.models import Membership, Project, Role
from projects.permissions import Action, can
from studio.exceptions import Conflict
from studio.tokenization import tokenize

INDEPENDENT_MIN_ANNOTATORS = 2  # a document assigned to this many members or more is labeled independently


# ---------------------------------------------------------------- whose labels

DOCUMENT = "document"  # the document's `Label`s: what trains, evaluates and exports
OWN = "own"  # the acting annotator's own `IndependentLabel`s
LOCKED = "locked"  # none: others label the document independently, and only adjudication sets its labels


def _independent(*, assignees: int, adjudicated_at) -> bool:
    return adjudicated_at is None and assignees >= INDEPENDENT_MIN_ANNOTATORS


def is_independent(*, document: Document) -> bool:
    """Whether the document is labeled independently now: assigned to two or more members and not adjudicated yet
    (the one home of this rule)."""
    return _independent(assignees=document.assignments.count(), adjudicated_at=document.adjudicated_at)


def whose_labels(*, independent: bool, assigned: bool) -> str:
    """Which labels a person's edit of a document writes (the one home of this rule, for every path that writes
    labels: one at a time, accepted suggestions, label all and its undo). On a document labeled independently an
    assignee writes only their own (`OWN`), and nobody writes the document's labels (`LOCKED`): adjudication
    (`services.adjudication`) alone sets them. On any other document, the document's labels (`DOCUMENT`)."""
    if not independent:
        return DOCUMENT
    return OWN if assigned else LOCKED


def _signed_in(user) -> bool:
    return user is not None and user.is_authenticated


def label_set(*, document: Document, user) -> str:
    """`whose_labels` for `user` on `document`."""
    independent = is_independent(document=document)
    assigned = independent and _signed_in(user) and document.assignments.filter(user=user).exists()
    return whose_labels(independent=independent, assigned=assigned)


def label_sets(*, documents: QuerySet[Document], user) -> dict[int, str]:
    """`whose_labels` for `user` on each of `documents` labeled independently (one query; the others, absent,
    are `DOCUMENT`)."""
    mine = Exists(Assignment.objects.filter(document=OuterRef("pk"), user_id=user.pk if _signed_in(user) else None))
    rows = (
        Document.objects.filter(pk__in=independent_documents(documents=documents))
        .annotate(mine=mine)
        .order_by()
        .values_list("pk", "mine")
    )
    return {pk: whose_labels(independent=True, assigned=assigned) for pk, assigned in rows}


def labeling_refusal(*, document: Document) -> Conflict:
    """Why someone not assigned may not change the labels of a document labeled independently."""
    names = ", ".join(sorted(document.assignments.values_list("user__username", flat=True)))
    return Conflict(
        f"'{document.location}' is labeled independently by {names}: each labels their own copy, and its labels "
        "are set only when a reviewer adjudicates it (Adjudicate, in the labeling view). Nothing was changed.",
        innererror_code="IndependentLabeling",
    )


def own_labels(*, document: Document, user) -> tuple[QuerySet, bool]:
    """The labels `user` sees in the labeling view, and whether they are their independent ones: an annotator of
    a document labeled independently has only their own; everyone else has the document's."""
    if label_set(document=document, user=user) == OWN:
        return IndependentLabel.objects.filter(document=document, annotator=user).select_related("entity_type"), True
    return document.labels.select_related("entity_type"), False


def writable_labels(*, document: Document, user) -> tuple[QuerySet, bool]:
    """The labels an edit by `user` changes, as `own_labels`; a Conflict (`labeling_refusal`) when `whose_labels`
    says none."""
    whose = label_set(document=document, user=user)
    if whose == LOCKED:
        raise labeling_refusal(document=document)
    if whose == OWN:
        return IndependentLabel.objects.filter(document=document, annotator=user).select_related("entity_type"), True
    return document.labels.select_related("entity_type"), False


def training_documents(*, project: Project) -> QuerySet[Document]:
    """The documents training and its estimate may use: all, or only the reviewed ones when the project requires
    review (`Project.require_review`; the one home of this rule)."""
    documents = project.documents.all()
    return documents.filter(review_status=ReviewStatus.REVIEWED) if project.require_review else documents


# ---------------------------------------------------------------- assignments, status, progress

STATUS_UNLABELED = "unlabeled"
STATUS_LABELED = "labeled"
STATUS_NAMES = {
    STATUS_UNLABELED: "Unlabeled",
    STATUS_LABELED: "Labeled",
    ReviewStatus.REVIEWED: "Reviewed",
    ReviewStatus.NEEDS_CHANGES: "Needs changes",
}


def document_status(*, review_status: str, has_labels: bool) -> str:
    """unlabeled → labeled → reviewed / needs changes: a reviewer's verdict wins, else whether labels exist."""
    if review_status:
        return review_status
    return STATUS_LABELED if has_labels else STATUS_UNLABELED


def review_reopened(*, document: Document) -> bool:
    """Whether the document was reviewed and its labels changed since: `services.reviews` keeps the reviewer and
    time of the verdict a label change undid, and no other path leaves them without a verdict."""
    return document.review_status == ReviewStatus.NONE and document.reviewed_at is not None


def status_filter(qs: QuerySet[Document], status: str) -> QuerySet[Document]:
    """Narrows documents to one status of `document_status`."""
    has_labels = Exists(Label.objects.filter(document=OuterRef("pk")))
    if status in (ReviewStatus.REVIEWED, ReviewStatus.NEEDS_CHANGES):
        return qs.filter(review_status=status)
    if status == STATUS_LABELED:
        return qs.filter(has_labels, review_status="")
    if status == STATUS_UNLABELED:
        return qs.filter(review_status="").exclude(has_labels)
    return qs


def assignees(*, document_ids: list[int]) -> dict[int, list[str]]:
    """Per document, the usernames it is assigned to (for list pages, one query)."""
    rows = Assignment.objects.filter(document_id__in=document_ids).values_list("document_id", "user__username")
    out: dict[int, list[str]] = defaultdict(list)
    for document_id, username in rows.order_by("document_id", "user__username"):
        out[document_id].append(username)
    return out


def assignable_members(*, project: Project) -> QuerySet:
    """The members who may label, whom owners can assign documents to."""
    roles = [Role.OWNER, Role.ANNOTATOR, Role.REVIEWER]
    users = Membership.objects.filter(project=project, role__in=roles).values("user_id")
    return get_user_model().objects.filter(pk__in=users).order_by("username")


def my_assignments(*, project: Project, user, limit: int = 20) -> tuple[list[Document], int]:
    """The documents assigned to `user`, those still to do (not reviewed) first, and how many there are."""
    qs = project.documents.filter(assignments__user=user).defer("text")
    total = qs.count()
    done = Q(review_status=ReviewStatus.REVIEWED)
    rows = list(qs.annotate(done=Count("pk", filter=done)).order_by("done", "location")[:limit])
    return rows, total


@dataclass
class AnnotatorProgress:
    username: str
    assigned: int = 0
    labeled: int = 0  # assigned documents with labels (their own, for documents labeled independently)
    reviewed: int = 0


def independent_documents(*, documents: QuerySet[Document]) -> QuerySet[Document]:
    """The ids (`values("pk")`) of those of `documents` labeled independently now: `_independent` in SQL, for a
    subquery or one read."""
    return (
        Document.objects.filter(pk__in=documents.values("pk"), adjudicated_at=None)
        .annotate(assignees=Count("assignments"))
        .filter(assignees__gte=INDEPENDENT_MIN_ANNOTATORS)
        .order_by()
        .values("pk")
    )


def annotator_progress(*, project: Project) -> list[AnnotatorProgress]:
    """Per member with assignments: documents assigned, labeled and reviewed (three grouped queries)."""
    base = Assignment.objects.filter(document__project=project)
    rows: dict[int, AnnotatorProgress] = {}
    for user_id, username, n in base.values_list("user_id", "user__username").annotate(n=Count("id")).order_by():
        rows[user_id] = AnnotatorProgress(username=username, assigned=n)
    # Labeled: by their own labels where the document is labeled independently, else by the document's.
    independent = Q(document__in=independent_documents(documents=project.documents.all()))
    labeled = base.filter(
        (~independent & Exists(Label.objects.filter(document=OuterRef("document"))))
        | (
            independent
            & Exists(IndependentLabel.objects.filter(document=OuterRef("document"), annotator=OuterRef("user")))
        )
    )
    for user_id, n in labeled.values_list("user_id").annotate(n=Count("id")).order_by():
        rows[user_id].labeled = n
    reviewed = base.filter(document__review_status=ReviewStatus.REVIEWED)
    for user_id, n in reviewed.values_list("user_id").annotate(n=Count("id")).order_by():
        rows[user_id].reviewed = n
    return sorted(rows.values(), key=lambda row: row.username)


# ---------------------------------------------------------------- the audit trail


def label_change_list(*, document: Document, user, username: str = "") -> QuerySet[LabelChange]:
    """The document's label history, newest first, optionally one person's. Someone who may not review sees no
    other annotator's independent labels (each sees only their own until review)."""
    qs = document.label_changes.select_related("user")
    if not can(user, document.project, Action.REVIEW):
        qs = qs.filter(Q(independent=False) | Q(user=user))
    if username:
        qs = qs.filter(user__username=username)
    return qs.order_by("-created_at", "-id")


def label_change_users(*, document: Document, user) -> list[str]:
    """Who changed the document's labels, for the history's filter: only those whose changes `user` may see
    (`label_change_list`), so the names of who labeled on their own stay theirs as well."""
    changes = label_change_list(document=document, user=user).exclude(user=None).order_by()
    return sorted(changes.values_list("user__username", flat=True).distinct())


# ---------------------------------------------------------------- independent labels and agreement


@dataclass
class Adjudication:
    """A document's independent labels side by side: per annotator their spans, and every distinct span with
    who labeled it as what."""

    annotators: list[str]
    rows: list[AdjudicationRow] = field(default_factory=list)


@dataclass
class AdjudicationRow:
    start: int
    end: int
    text: str
    by: dict[str, str]  # annotator -> type name
    current: str  # the document's own label there (its type), or ""
    annotators: int = 0  # how many annotators the document has
    chosen: str = ""  # the type the page preselects (`_preselect`), or "" for no label

    @property
    def agreed(self) -> bool:
        """Every annotator labeled this span, all with the same type."""
        return len(set(self.by.values())) == 1 and len(self.by) == self.annotators > 1

    @property
    def majority(self) -> str:
        counts: dict[str, int] = defaultdict(int)
        for name in self.by.values():
            counts[name] += 1
        return max(sorted(counts), key=lambda name: counts[name]) if counts else ""


def _preselect(rows: list[AdjudicationRow]) -> None:
    """Sets each row's preselected choice: the document's current label there, else the type most of its
    annotators gave; a row overlapping one chosen before (current labels first, then the spans more annotators
    labeled) starts with no label, so that the page as it opens can be saved (final labels never overlap)."""
    placed: list[tuple[int, int]] = []
    for row in sorted(rows, key=lambda r: (not r.current, -len(r.by), r.start, r.end)):
        choice = row.current or row.majority
        if choice and not any(start < row.end and row.start < end for start, end in placed):
            row.chosen = choice
            placed.append((row.start, row.end))


def adjudication_get(*, document: Document) -> Adjudication:
    """The document's annotators (assigned, or with independent labels) and every span any of them labeled, with
    the document's own labels (which saving replaces) among them."""
    labels = list(
        IndependentLabel.objects.filter(document=document)
        .select_related("annotator", "entity_type")
        .order_by("start", "end")
    )
    names = set(document.assignments.values_list("user__username", flat=True))
    names |= {label.annotator.username for label in labels}
    current = {
        (label.start, label.end): label.entity_type.name for label in document.labels.select_related("entity_type")
    }
    rows: dict[tuple[int, int], AdjudicationRow] = {}
    for key in sorted({(label.start, label.end) for label in labels} | set(current)):
        start, end = key
        rows[key] = AdjudicationRow(start, end, document.text[start:end], {}, current.get(key, ""), len(names))
    for label in labels:
        rows[label.start, label.end].by[label.annotator.username] = label.entity_type.name
    _preselect(list(rows.values()))
    return Adjudication(annotators=sorted(names), rows=list(rows.values()))


AGREEMENT_DOCUMENTS_MAX = 2000  # documents with independent labels read for one agreement report


def project_agreement(*, project: Project) -> tuple[Agreement, int]:
    """Agreement between annotators over the documents that two or more of them labeled independently, and how
    many documents that was."""
    by_document: dict[int, dict[str, list[AnnotatedSpan]]] = defaultdict(lambda: defaultdict(list))
    rows = IndependentLabel.objects.filter(document__project=project).values_list(
        "document_id", "annotator__username", "start", "end", "entity_type__name"
    )
    for document_id, annotator, start, end, name in rows.order_by("document_id"):
        by_document[document_id][annotator].append(AnnotatedSpan(start, end, name))
    # Every assigned annotator counts, with no labels if they labeled nothing ("nothing here" is an answer).
    for document_id, username in Assignment.objects.filter(document_id__in=list(by_document)).values_list(
        "document_id", "user__username"
    ):
        by_document[document_id].setdefault(username, [])
    shared = [pk for pk, annotators in by_document.items() if len(annotators) >= 2][:AGREEMENT_DOCUMENTS_MAX]
    texts = dict(Document.objects.filter(pk__in=shared).values_list("pk", "text"))
    documents = [([(token.start, token.end) for token in tokenize(texts[pk])], dict(by_document[pk])) for pk in shared]
    return agreement_of(documents), len(shared)
