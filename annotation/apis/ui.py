"""The labeling view's JSON API: one document, and its labels edited one at a time.

Session auth with CSRF (the browser) or an API key; errors leave in Azure's shape through the shared handler.
Offsets on this wire are code points, like the database: `static/annotation/offsets.js` converts them to and from
the browser's UTF-16 string indices, and nothing else does.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

from django.utils.cache import get_conditional_response, patch_cache_control
from django.utils.http import quote_etag
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from annotation import selectors, selectors_team
from annotation.forms import DocumentFilterForm
from annotation.models import Document, EntityType, IndependentLabel, Label
from annotation.services.documents import document_set_dataset, document_set_language
from annotation.services.labels import label_create, label_delete, label_update
from annotation.snapping import SnapUnit, snap_units
from projects import selectors as project_selectors
from projects.languages import document_language
from projects.models import Project
from projects.permissions import Action, can, role_of
from studio.exceptions import InvalidInput


def label_json(label: Label | IndependentLabel) -> dict[str, Any]:
    """One label; an annotator's own (`IndependentLabel`) is theirs alone, so they made and changed it."""
    if isinstance(label, IndependentLabel):
        created_by = updated_by = label.annotator.username
    else:
        created_by = label.created_by.username if label.created_by_id else None
        updated_by = label.updated_by.username if label.updated_by_id else None
    return {
        "id": label.pk,
        "entityTypeId": label.entity_type_id,
        "start": label.start,
        "end": label.end,
        "version": label.version,
        "createdBy": created_by,
        "updatedBy": updated_by,
    }


def entity_types_json(entity_types: list[EntityType]) -> list[dict[str, Any]]:
    """The project's types; `key` is the type's shortcut, or else the first free digit, so every one of the
    first types can be picked from the keyboard even when the schema set no shortcuts (Azure files carry none)."""
    taken = {t.shortcut for t in entity_types if t.shortcut}
    free = iter(d for d in "1234567890" if d not in taken)
    return [
        {
            "id": t.pk,
            "name": t.name,
            "color": t.color,
            "shortcut": t.shortcut,
            "key": t.shortcut or next(free, ""),
        }
        for t in entity_types
    ]


def labels_json(document: Document, user) -> list[dict[str, Any]]:
    """The labels `user` sees (`selectors_team.own_labels`), as `label_json` has them; plain rows, as a long
    document has thousands."""
    labels, independent = selectors_team.own_labels(document=document, user=user)
    who = (
        ("annotator__username", "annotator__username")
        if independent
        else ("created_by__username", "updated_by__username")
    )
    rows = labels.order_by("start").values_list("pk", "entity_type_id", "start", "end", "version", *who)
    keys = ("id", "entityTypeId", "start", "end", "version", "createdBy", "updatedBy")
    return [dict(zip(keys, row, strict=True)) for row in rows]


def snap_units_json(units: Sequence[SnapUnit]) -> list[int]:
    """Word snapping's units (code points) as the page decodes them (`static/annotation/editor-snap.js`): for
    each, the gap since the previous unit's end and its length, negated for a punctuation unit. A long
    document's units then take about as many bytes as its text."""
    encoded: list[int] = []
    previous = 0
    for unit in units:
        length = unit.end - unit.start
        encoded += [unit.start - previous, length if unit.word else -length]
        previous = unit.end
    return encoded


def list_filters(query: Mapping[str, str], project: Project, user=None) -> DocumentFilterForm:
    """The documents list's filters that a link to the labeling view carried in its query string (none: the
    whole list). Prev/Next then walk the list as it was filtered ("assigned to me" included)."""
    if not any(query.get(key) for key in DocumentFilterForm.keys()):
        return DocumentFilterForm(None)
    return DocumentFilterForm(
        query,
        entity_types=selectors.entity_type_list(project=project),
        user=user,
        members=selectors_team.assignable_members(project=project),
    )


def labels_etag(document: Document, user) -> str:
    labels, independent = selectors_team.own_labels(document=document, user=user)
    # An annotator's own labels and the document's are different lists: their tags never match.
    return quote_etag(("own-" if independent else "") + selectors.label_version(document=document, labels=labels))


def document_json(document: Document, user, *, filters: DocumentFilterForm | None = None) -> dict[str, Any]:
    """Everything the labeling view needs about one document, also embedded in the page through `json_script`.
    `labelsVersion` is the labels' ETag (read before them, so a change in between is fetched again, never
    missed); Prev/Next (`previousId`, `nextId`) follow the documents list with `filters`."""
    project: Project = document.project
    listed = filters.selector_filters() if filters is not None else {}
    previous_id, next_id = selectors.document_neighbors(project=project, document=document, **listed)
    labels_version = labels_etag(document, user)
    whose = selectors_team.label_set(document=document, user=user)
    return {
        "id": document.pk,
        "project": project.name,
        "location": document.location,
        "language": document_language(
            stated=document.language, project_language=project.language, multilingual=project.multilingual
        ),
        "dataset": document.dataset,
        "text": document.text,
        "snapUnits": snap_units_json(snap_units(document.text)),
        "labels": labels_json(document, user),
        "labelsVersion": labels_version,
        "entityTypes": entity_types_json(list(project.entity_types.order_by("order", "id"))),
        "previousId": previous_id,
        "nextId": next_id,
        "role": role_of(user, project),
        # Labeling needs the role, and on a document others label independently more (`whose_labels`).
        "canLabel": can(user, project, Action.LABEL) and whose != selectors_team.LOCKED,
        "canAssignDataset": can(user, project, Action.ASSIGN_DATASET),
        **team_json(document, user, whose=whose),
    }


def review_json(document: Document) -> dict[str, Any]:
    """The document's review: the verdict, and when a label change undid a "reviewed" (`reopened`), a `note`
    saying so."""
    by = document.reviewed_by.username if document.reviewed_by_id else None
    reopened = selectors_team.review_reopened(document=document)
    return {
        "id": document.pk,
        "status": document.review_status,
        "comment": document.review_comment,
        "by": by,
        "at": document.reviewed_at.isoformat() if document.reviewed_at else None,
        "reopened": reopened,
        "note": f"Back to labeled: the labels changed after {by or 'someone'} marked it reviewed, so it needs "
        "reviewing again."
        if reopened
        else "",
    }


def team_json(document: Document, user, *, whose: str) -> dict[str, Any]:
    """The team workflow's part of the labeling view: review status, assignees, independent labeling (`whose`:
    `selectors_team.label_set` for `user`)."""
    return {
        "review": review_json(document),
        "canReview": can(user, document.project, Action.REVIEW),
        "assignees": selectors_team.assignees(document_ids=[document.pk]).get(document.pk, []),
        "independent": selectors_team.is_independent(document=document),
        "ownLabels": whose == selectors_team.OWN,
        "labelSet": whose,
    }


def _body(request: Request) -> dict[str, Any]:
    if not isinstance(request.data, dict):
        raise InvalidInput("The body must be a JSON object.", innererror_code="InvalidRequestBodyFormat")
    return request.data


def _document(request: Request, project_name: str, document_id: int, action: Action = Action.VIEW) -> Document:
    project = project_selectors.project_get(user=request.user, name=project_name, action=action)
    return selectors.document_get(project=project, document_id=document_id)


class DocumentUiApi(APIView):
    def get(self, request: Request, project_name: str, document_id: int) -> Response:
        document = _document(request, project_name, document_id)
        filters = list_filters(request.query_params, document.project, request.user)
        return Response(document_json(document, request.user, filters=filters))

    def patch(self, request: Request, project_name: str, document_id: int) -> Response:
        body = _body(request)
        fields = {"dataset", "language"} & set(body)
        if len(fields) != 1:
            raise InvalidInput(
                "Send one change: the document's new 'dataset' ('Train', 'Test' or '' for unassigned) "
                "or its 'language' (a multilingual project's)."
            )
        document = _document(request, project_name, document_id, Action.ASSIGN_DATASET)
        if "language" in body:
            document = document_set_language(document=document, user=request.user, language=body["language"])
            return Response({"id": document.pk, "language": document.language})
        document = document_set_dataset(document=document, user=request.user, dataset=body["dataset"])
        return Response({"id": document.pk, "dataset": document.dataset})


class LabelListUiApi(APIView):
    def get(self, request: Request, project_name: str, document_id: int) -> Response:
        """The labels, or 304 when `If-None-Match` names the current version: the page's refresh reads no label
        unless one changed."""
        document = _document(request, project_name, document_id)
        etag = labels_etag(document, request.user)
        response = get_conditional_response(request, etag=etag) or Response(
            {"labels": labels_json(document, request.user)}
        )
        response["ETag"] = etag
        patch_cache_control(response, private=True, no_cache=True)
        return response

    def post(self, request: Request, project_name: str, document_id: int) -> Response:
        body = _body(request)
        document = _document(request, project_name, document_id, Action.LABEL)
        label = label_create(
            document=document,
            user=request.user,
            entity_type_id=body.get("entityTypeId"),
            start=body.get("start"),
            end=body.get("end"),
        )
        return Response(label_json(label), status=201)


class LabelUiApi(APIView):
    def patch(self, request: Request, project_name: str, document_id: int, label_id: int) -> Response:
        body = _body(request)
        document = _document(request, project_name, document_id, Action.LABEL)
        label = label_update(
            document=document,
            user=request.user,
            label_id=label_id,
            entity_type_id=body.get("entityTypeId"),
            start=body.get("start"),
            end=body.get("end"),
            version=body.get("version"),
        )
        return Response(label_json(label))

    def delete(self, request: Request, project_name: str, document_id: int, label_id: int) -> Response:
        """`?version=` (the version the caller saw) makes a removal refuse, with 409, a label changed since."""
        document = _document(request, project_name, document_id, Action.LABEL)
        version = request.query_params.get("version")
        if version is not None:
            if not version.isdigit():
                raise InvalidInput(f"version must be the label's version (a number), got {version!r:.20}.")
            version = int(version)
        label_delete(document=document, user=request.user, label_id=label_id, version=version)
        return Response(status=204)
