"""Review (issue 16): a reviewer marks a document reviewed or sends it back with a comment; a project can require
review, and then only reviewed documents train (`selectors_team.training_documents`)."""

from __future__ import annotations

from collections.abc import Iterable

from django.db import transaction
from django.utils import timezone

from annotation import selectors_team
from annotation.models import Document, ReviewStatus
from projects.models import Project
from projects.permissions import Action, require
from projects.services.activity import activity_record
from studio.exceptions import Conflict, InvalidInput

COMMENT_MAX_CHARS = 2000
VERDICTS = (ReviewStatus.REVIEWED, ReviewStatus.NEEDS_CHANGES)


def _editor(user):
    return user if user is not None and user.is_authenticated else None


@transaction.atomic
def document_review(*, document: Document, user, status: object, comment: object = "") -> Document:
    """Records a reviewer's verdict: `reviewed`, or `needs_changes` with a comment saying what to change."""
    document = Document.objects.select_for_update().select_related("project").get(pk=document.pk)
    require(user, document.project, Action.REVIEW)
    if status not in VERDICTS:
        raise InvalidInput(f"status must be 'reviewed' or 'needs_changes', got {status!r:.40}.", target="status")
    if not isinstance(comment, str):
        raise InvalidInput("comment must be text.", target="comment")
    comment = comment.strip()
    if len(comment) > COMMENT_MAX_CHARS:
        raise InvalidInput(f"The comment is over {COMMENT_MAX_CHARS:,} characters.", target="comment")
    if status == ReviewStatus.NEEDS_CHANGES and not comment:
        raise InvalidInput("Say what needs to change: sending a document back needs a comment.", target="comment")
    if status == ReviewStatus.REVIEWED and selectors_team.is_independent(document=document):
        # "Reviewed" vouches for the document's labels, which adjudication has not chosen yet (it marks it reviewed).
        raise Conflict(
            f"'{document.location}' is still labeled independently; adjudicate it to choose its labels (that marks "
            "it reviewed). Nothing was changed.",
            target="status",
            innererror_code="IndependentLabeling",
        )
    document.review_status = status
    document.review_comment = comment
    document.reviewed_by = _editor(user)
    document.reviewed_at = timezone.now()
    document.save(update_fields=["review_status", "review_comment", "reviewed_by", "reviewed_at", "modified_at"])
    what = "marked reviewed" if status == ReviewStatus.REVIEWED else "sent back for changes"
    activity_record(project=document.project, user=user, verb="reviewed", summary=f"{what} {document.location}")
    return document


def documents_review_invalidate(*, document_ids: Iterable[int]) -> int:
    """Reviewed documents whose labels change are reviewed no more ("reviewed" vouches for the labels as they
    were; the one home of this rule): every service that changes a document's labels calls this (or
    `review_invalidate`) in its transaction, adjudication excepted, which gives its own verdict. A document sent
    back keeps its comment. Its reviewer and time stay, so pages can say why it needs reviewing again
    (`selectors_team.review_reopened`). Returns how many documents were reviewed."""
    ids = list(document_ids)
    if not ids:
        return 0
    return Document.objects.filter(pk__in=ids, review_status=ReviewStatus.REVIEWED).update(
        review_status=ReviewStatus.NONE
    )


def review_invalidate(*, document: Document, user) -> None:
    """`documents_review_invalidate` for one document, whose instance follows."""
    if document.review_status == ReviewStatus.REVIEWED:
        documents_review_invalidate(document_ids=[document.pk])
        document.review_status = ReviewStatus.NONE


@transaction.atomic
def project_set_require_review(*, project: Project, user, required: bool) -> Project:
    """Whether only reviewed documents train (owners)."""
    require(user, project, Action.MANAGE)
    if project.require_review != required:
        project.require_review = required
        project.save(update_fields=["require_review", "modified_at"])
        what = "now trains only on reviewed documents" if required else "trains on all labeled documents again"
        activity_record(project=project, user=user, verb="settings", summary=f"the project {what}")
    return project
