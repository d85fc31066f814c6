"""Assignment (issue 16): owners give documents to members to label. A document given to two or more members is
labeled independently by each (`selectors_team.is_independent`) until a reviewer adjudicates it."""

from __future__ import annotations

from django.db import transaction
from django.db.models import QuerySet

from annotation import selectors_team
from annotation.models import Assignment, Document
from projects.models import Project
from projects.permissions import Action, require
from projects.services.activity import activity_record
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
