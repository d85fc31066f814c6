from __future__ import annotations

from django.db import transaction
from django.db.models import Max

from annotation.entity_names import case_clash_message, find_case_clash
from annotation.models import EntityType
from annotation.services.audit import labels_bulk_delete_record
from annotation.services.reviews import documents_review_invalidate
from projects.models import Project
from projects.services.activity import activity_record
from studio import limits
from studio.exceptions import Conflict, InvalidInput

# Distinct, readable on white, colour-blind-aware first (Tableau 10), then more.
PALETTE = [
    "#4e79a7",
    "#f28e2b",
    "#e15759",
    "#76b7b2",
    "#59a14f",
    "#edc948",
    "#b07aa1",
    "#ff9da7",
    "#9c755f",
    "#bab0ac",
    "#1f77b4",
    "#2ca02c",
    "#d62728",
    "#9467bd",
    "#8c564b",
    "#e377c2",
    "#17becf",
    "#bcbd22",
]
# Keys the labeling view uses itself; a shortcut may not take them. The last five are its suggestion bar's (next,
# previous, accept, accept, reject), which another app adds to the view.
RESERVED_KEYS = set("zZyY") | {" ", "?", "[", "]", "<", ">", ",", "."} | {";", ":", "=", "+", "-"}


def next_color(index: int) -> str:
    return PALETTE[index % len(PALETTE)]


def _check_shortcut(project: Project, shortcut: str, exclude_id: int | None = None) -> str:
    shortcut = (shortcut or "").strip()
    if not shortcut:
        return ""
    if len(shortcut) != 1 or not shortcut.isprintable():
        raise InvalidInput(f"A shortcut is one key; '{shortcut}' is not.", target="shortcut")
    if shortcut in RESERVED_KEYS or shortcut.lower() in RESERVED_KEYS:
        raise InvalidInput(
            f"The key '{shortcut}' is used by the labeling view itself; choose another.", target="shortcut"
        )
    clash = project.entity_types.filter(shortcut__iexact=shortcut)
    if exclude_id:
        clash = clash.exclude(pk=exclude_id)
    other = clash.first()
    if other:
        raise Conflict(f"The key '{shortcut}' is already the shortcut of '{other.name}'.", target="shortcut")
    return shortcut.lower() if shortcut.isalpha() else shortcut


def _check_color(color: str) -> str:
    color = (color or "").strip()
    if len(color) != 7 or not color.startswith("#") or any(c not in "0123456789abcdefABCDEF" for c in color[1:]):
        raise InvalidInput(f"Colour '{color}' must look like #1f77b4.", target="color")
    return color.lower()


def _check_name_free(name: str, taken: list[str]) -> None:
    """Refuses a name the project already has, in this spelling or in any other case."""
    if name in taken:
        raise Conflict(f"The project already has an entity type named '{name}'.", target="name")
    other = find_case_clash(name, taken)
    if other is not None:
        raise Conflict(case_clash_message(name, other), target="name")


@transaction.atomic
def entity_type_create(*, project: Project, user, name: str, color: str = "", shortcut: str = "") -> EntityType:
    limits.check_entity_name(name)
    taken = list(project.entity_types.values_list("name", flat=True))
    _check_name_free(name, taken)
    count = len(taken)
    limits.check_entity_type_count(count + 1)
    order = (project.entity_types.aggregate(m=Max("order"))["m"] or 0) + 1
    entity_type = EntityType.objects.create(
        project=project,
        name=name,
        color=_check_color(color) if color else next_color(count),
        shortcut=_check_shortcut(project, shortcut),
        order=order,
    )
    activity_record(project=project, user=user, verb="schema", summary=f"added entity type {name}")
    return entity_type


@transaction.atomic
def entity_type_update(
    *, entity_type: EntityType, user, name: str | None = None, color: str | None = None, shortcut: str | None = None
) -> EntityType:
    project = entity_type.project
    if name is not None and name != entity_type.name:
        limits.check_entity_name(name)
        _check_name_free(name, list(project.entity_types.exclude(pk=entity_type.pk).values_list("name", flat=True)))
        activity_record(project=project, user=user, verb="schema", summary=f"renamed {entity_type.name} to {name}")
        entity_type.name = name
    if color is not None:
        entity_type.color = _check_color(color)
    if shortcut is not None:
        entity_type.shortcut = _check_shortcut(project, shortcut, exclude_id=entity_type.pk)
    entity_type.save()
    return entity_type


@transaction.atomic
def entity_type_delete(*, entity_type: EntityType, user) -> int:
    """Deletes the type and all its labels; returns how many labels went with it."""
    count = entity_type.labels.count()
    activity_record(
        project=entity_type.project,
        user=user,
        verb="schema",
        summary=f"deleted entity type {entity_type.name} and its {count} labels",
    )
    labels_bulk_delete_record(
        project=entity_type.project,
        user=user,
        what=f"deleted entity type {entity_type.name}",
        labels=entity_type.labels.all(),
        own_labels=entity_type.independent_labels.all(),
    )
    labeled = entity_type.labels.order_by().values_list("document_id", flat=True).distinct()
    documents_review_invalidate(document_ids=labeled)  # their labels change
    entity_type.delete()
    return count
