from __future__ import annotations

import functools
import shutil

from django.contrib.auth import get_user_model
from django.db import IntegrityError, transaction

from projects.languages import check_language_code
from projects.models import Membership, Project, Role
from projects.permissions import role_of
from projects.services.activity import activity_record
from projects.services.operations import operations_delete_for_project
from projects.storage import project_models_directory
from studio import limits
from studio.exceptions import Conflict, InvalidInput, NotFound

EDITABLE_FIELDS = ("language", "multilingual", "description", "storage_input_container_name", "settings")


@transaction.atomic
def project_create(
    *,
    user,
    name: str,
    language: str = "en-us",
    multilingual: bool = False,
    description: str = "",
    storage_input_container_name: str = "",
    settings: dict | None = None,
) -> Project:
    """Creates a project; its creator becomes its owner."""
    limits.check_name(name)
    if not language or not isinstance(language, str):
        raise InvalidInput("A project needs a language (BCP-47 code such as 'en-us').", target="language")
    check_language_code(language)
    limits.check_storage_container_name(storage_input_container_name or "")
    if Project.objects.filter(name=name).exists():
        raise project_name_taken(user=user, name=name)
    try:
        with transaction.atomic():  # a savepoint: the same name created meanwhile is the same conflict
            project = Project.objects.create(
                name=name,
                language=language,
                multilingual=bool(multilingual),
                description=description or "",
                storage_input_container_name=storage_input_container_name or "",
                settings=settings or {},
            )
    except IntegrityError:
        raise project_name_taken(user=user, name=name) from None
    Membership.objects.create(project=project, user=user, role=Role.OWNER)
    activity_record(project=project, user=user, verb="created", summary=f"created project {name}")
    return project


def project_name_taken(*, user, name: str) -> Conflict:
    """The error for a name another project has. Names are unique across the studio, but someone who cannot see
    that project is not told it exists."""
    project = Project.objects.filter(name=name).first()
    if project is not None and role_of(user, project) is not None:
        return Conflict(f"A project named '{name}' already exists.", innererror_code="ProjectAlreadyExists")
    return Conflict(f"The name '{name}' is not available; choose another.", innererror_code="ProjectNameNotAvailable")


@transaction.atomic
def project_update(*, project: Project, user, **changes) -> Project:
    unknown = set(changes) - set(EDITABLE_FIELDS)
    if unknown:
        raise InvalidInput(f"These project fields cannot be changed: {', '.join(sorted(unknown))}.")
    if "language" in changes:
        if not changes["language"]:
            raise InvalidInput("A project needs a language.", target="language")
        check_language_code(changes["language"])
    if changes.get("storage_input_container_name") is not None:
        limits.check_storage_container_name(changes["storage_input_container_name"])
    for field, value in changes.items():
        setattr(project, field, value if value is not None else ("" if field != "settings" else {}))
    project.save()
    activity_record(project=project, user=user, verb="updated", summary="updated project settings")
    return project


@transaction.atomic
def project_delete(*, project: Project) -> None:
    """Deletes the project with everything in it, as Azure does: documents, labels, jobs (export results too),
    trained models and the deployments serving them (runtime calls to them then answer 404). Files (models, export
    results) go once that commits, so a deletion that rolls back leaves every deployment able to load its model."""
    folder = project_models_directory(project.pk)
    project.delete()
    operations_delete_for_project(project_name=project.name)  # export results hold the documents' text
    transaction.on_commit(functools.partial(shutil.rmtree, folder, ignore_errors=True))


@transaction.atomic
def membership_set(*, project: Project, user, username: str, role: str) -> Membership:
    """Gives `username` the role in the project (adds or changes it). A member who can no longer label gives back
    their documents through `annotation.services.assignments.member_role_set`."""
    if role not in Role.values:
        raise InvalidInput(f"Role '{role}' is not one of {', '.join(Role.values)}.")
    member = get_user_model().objects.filter(username=username).first()
    if member is None:
        raise NotFound(f"There is no user named '{username}'.")
    current = Membership.objects.filter(project=project, user=member).first()
    if current and current.role == Role.OWNER and role != Role.OWNER:
        _ensure_another_owner(project, member)
    membership, _ = Membership.objects.update_or_create(project=project, user=member, defaults={"role": role})
    activity_record(project=project, user=user, verb="member", summary=f"made {username} {role}")
    return membership


@transaction.atomic
def membership_remove(*, project: Project, user, membership_id: int) -> Membership:
    """Removes a member from the project; returns the membership removed. What the apps above keep per member (the
    documents assigned to them) goes through theirs: `annotation.services.assignments.member_remove`."""
    membership = Membership.objects.filter(project=project, pk=membership_id).select_related("user").first()
    if membership is None:
        raise NotFound("That member is not in this project.")
    if membership.role == Role.OWNER:
        _ensure_another_owner(project, membership.user)
    membership.delete()
    activity_record(project=project, user=user, verb="member", summary=f"removed {membership.user.username}")
    return membership


def _ensure_another_owner(project: Project, leaving) -> None:
    if not Membership.objects.filter(project=project, role=Role.OWNER).exclude(user=leaving).exists():
        raise InvalidInput("A project must keep at least one owner; make someone else owner first.")
