"""A person's decision on a likely label error (`LabelIssue`): apply the model's version, or dismiss it (the labels
stay, and later checks keep that issue dismissed). Label edits go through annotation's label services, so they are
checked, locked and recorded in the project's activity like any other edit. An issue is about the document's own
labels (what trains), so only someone who writes those may apply it (`annotation.selectors_team.whose_labels`): on a
document labeled independently nobody does until it is adjudicated."""

from __future__ import annotations

from django.db import transaction
from django.utils import timezone

from annotation import selectors_team
from annotation.services.labels import label_create, label_delete, label_update
from modeling.models import LabelIssue, LabelIssueStatus
from projects.permissions import Action, require
from studio.exceptions import Conflict, InvalidInput


def _locked(issue: LabelIssue) -> LabelIssue:
    return LabelIssue.objects.select_for_update().select_related("document__project", "job").get(pk=issue.pk)


def _check_open(issue: LabelIssue) -> None:
    if issue.status != LabelIssueStatus.OPEN:
        raise Conflict(
            f"This issue was already {issue.status} by someone; reload the list.", innererror_code="Conflict"
        )


@transaction.atomic
def label_issue_apply(*, user, issue: LabelIssue) -> LabelIssue:
    """Replaces the labels at the issue's place by the model's version, if they are still as the check saw them."""
    issue = _locked(issue)
    document = issue.document
    require(user, document.project, Action.LABEL)
    _check_open(issue)
    # The label services edit the set `user` writes; an assignee's own copy is not what the check looked at.
    if selectors_team.label_set(document=document, user=user) != selectors_team.DOCUMENT:
        raise selectors_team.labeling_refusal(document=document)
    spans = [*issue.labels, *issue.suggestion]
    start, end = min(s[0] for s in spans), max(s[1] for s in spans)
    current = list(document.labels.filter(start__lt=end, end__gt=start).select_related("entity_type"))
    if sorted((x.start, x.end, x.entity_type.name) for x in current) != sorted(tuple(s) for s in issue.labels):
        raise Conflict(
            f"The labels at this place of '{document.location}' changed since the check; fix it in the labeling "
            "view or check the labels again.",
            innererror_code="Conflict",
        )
    types = {t.name: t.pk for t in document.project.entity_types.all()}
    unknown = sorted({s[2] for s in issue.suggestion} - set(types))
    if unknown:
        raise InvalidInput(
            f"The entity type {', '.join(map(repr, unknown))} is no longer in the schema; the model's version cannot "
            "be applied."
        )
    if len(current) == 1 and len(issue.suggestion) == 1:
        s_start, s_end, category = issue.suggestion[0]
        label_update(
            document=document,
            user=user,
            label_id=current[0].pk,
            entity_type_id=types[category],
            start=s_start,
            end=s_end,
        )
    else:
        for label in current:
            label_delete(document=document, user=user, label_id=label.pk)
        for s_start, s_end, category in issue.suggestion:
            label_create(document=document, user=user, entity_type_id=types[category], start=s_start, end=s_end)
    return _decide(issue, user, LabelIssueStatus.APPLIED)


@transaction.atomic
def label_issue_dismiss(*, user, issue: LabelIssue) -> LabelIssue:
    """Keeps the labels as they are; this issue stays dismissed in later checks that find it again."""
    issue = _locked(issue)
    require(user, issue.document.project, Action.LABEL)
    _check_open(issue)
    return _decide(issue, user, LabelIssueStatus.DISMISSED)


def _decide(issue: LabelIssue, user, status: str) -> LabelIssue:
    issue.status = status
    issue.decided_at = timezone.now()
    issue.decided_by = user if user is not None and user.is_authenticated else None
    issue.save(update_fields=["status", "decided_at", "decided_by"])
    return issue
