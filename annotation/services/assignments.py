"""Assignment (issue 16): owners give documents to members to label. A document given to two or more members is
labeled independently by each (`selectors_team.is_independent`) until a reviewer adjudicates it. Only members who
label hold assignments: one removed from the project, or made a viewer, gives theirs back (`member_remove`,
`member_role_set`)."""

from __future__ import annotations

from django.db import transaction
from django.db.models import QuerySet

from annotation import selectors_team
from annotation.models import Assignment, Document
from projects.models import Membership, Project
from projects.permissions import Action, require
from projects.services.activity import activity_record
from projects.services.projects import membership_remove, membership_set
from studio.exceptions import InvalidInput

ASSIGNEES_MAX = 10  # members one action assigns documents to


def _members(project: Project, usernames: object) -> list:
    if not isinstance(usernames, list | tuple) or not all(isinstance(name, str) for name in usernames):
        raise InvalidInput("Name the members to assign as a list of usernames.", target="usernames")
    names = sorted({name.strip() for name in usernames if name.strip()})
    if not names:
        raise InvalidInput("Choose at least one member to assign the documents to.", target="usernames")
    if len(names) > ASSIGNEES_MAX:
        raise InvalidInput(f"Assign to at most {ASSIGNEES_MAX} members at once.", target="usernames")
    users = list(selectors_team.assignable_members(project=project).filter(username__in=names))
    missing = sorted(set(names) - {u.username for u in users})
    if missing:
        raise InvalidInput(
            f"{', '.join(missing)} cannot be assigned documents in project '{project.name}': only its owners, "
            "annotators and reviewers label.",
            target="usernames",
        )
    return users


@transaction.atomic
def documents_assign(*, project: Project, user, documents: QuerySet[Document], usernames: object) -> int:
    """Assigns every document of `documents` (the project's only) to each named member, keeping assignments
    already there; returns how many assignments were added."""
    require(user, project, Action.MANAGE)
    members = _members(project, usernames)
    ids = list(project.documents.filter(pk__in=documents.values("pk")).values_list("pk", flat=True))
    if not ids:
        raise InvalidInput("No document matches; nothing was assigned.")
    taken = set(Assignment.objects.filter(document_id__in=ids).values_list("document_id", "user_id"))
    rows = [
        Assignment(document_id=pk, user=member, assigned_by=user)
        for pk in ids
        for member in members
        if (pk, member.pk) not in taken
    ]
    Assignment.objects.bulk_create(rows, batch_size=500)
    names = ", ".join(m.username for m in members)
    activity_record(project=project, user=user, verb="assigned", summary=f"assigned {len(ids)} documents to {names}")
    return len(rows)


@transaction.atomic
def documents_unassign(*, project: Project, user, documents: QuerySet[Document]) -> int:
    """Removes every assignment of `documents`; their independent labels stay (for agreement and adjudication)."""
    require(user, project, Action.MANAGE)
    removed, _ = Assignment.objects.filter(document__project=project, document_id__in=documents.values("pk")).delete()
    activity_record(project=project, user=user, verb="assigned", summary=f"removed {removed} assignments")
    return removed


def _member_unassign(*, project: Project, user, member) -> int:
    """Takes back every document of the project assigned to `member`, recorded as the project's activity; returns
    how many. A document this leaves with too few assignees is no longer labeled independently: whoever remains
    labels the document's own labels, and the independent labels stay stored (the audit trail and adjudication
    still read them)."""
    mine = project.documents.filter(assignments__user=member)
    was_independent = set(selectors_team.independent_documents(documents=mine).values_list("pk", flat=True))
    removed, _ = Assignment.objects.filter(document__project=project, user=member).delete()
    if not removed:
        return 0
    still = selectors_team.independent_documents(documents=Document.objects.filter(pk__in=was_independent))
    ended = len(was_independent) - still.count()
    summary = f"unassigned {member.username} from {removed} documents"
    if ended:
        summary += f" ({ended} no longer labeled independently: their independent labels stay for adjudication)"
    activity_record(project=project, user=user, verb="assigned", summary=summary)
    return removed


@transaction.atomic
def member_remove(*, project: Project, user, membership_id: int) -> tuple[Membership, int]:
    """Removes a member from the project and takes back the documents assigned to them, in one transaction;
    returns the membership removed and how many assignments went with it."""
    require(user, project, Action.MANAGE)
    membership = membership_remove(project=project, user=user, membership_id=membership_id)
    return membership, _member_unassign(project=project, user=user, member=membership.user)


@transaction.atomic
def member_role_set(*, project: Project, user, username: str, role: str) -> tuple[Membership, int]:
    """Gives `username` the role in the project (adds or changes it); one who can no longer label (a viewer)
    gives back the documents assigned to them. Returns the membership and how many assignments went."""
    require(user, project, Action.MANAGE)
    membership = membership_set(project=project, user=user, username=username, role=role)
    if selectors_team.assignable_members(project=project).filter(pk=membership.user_id).exists():
        return membership, 0
    return membership, _member_unassign(project=project, user=user, member=membership.user)
