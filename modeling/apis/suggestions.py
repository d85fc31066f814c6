"""The labeling view's suggestions (UI JSON, code-point offsets like `annotation.apis.ui`):

GET  …/documents/<id>/suggestions                    {"value": [suggestion]} on offer now (to the caller: on a
                                                     document they label independently, against their own labels)
POST …/documents/<id>/suggestions                    {"modelLabel" | "deploymentName"}: predict now -> 200
                                                     {"value", "dropped"}; 202 {"status": "loading"} while the
                                                     model loads in this process (ask again)
POST …/documents/<id>/suggestions/<sid>/accept       201 {"label": label, "suggestion"}
POST …/documents/<id>/suggestions/<sid>/reject       200 {"suggestion"}
POST …/documents/<id>/suggestions/accept             {"threshold": 0.8} -> {"accepted": n, "labels": [label]}
POST …/documents/<id>/suggestions/reject             {"rejected": n}
"""

from __future__ import annotations

from typing import Any

from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from annotation import selectors as annotation_selectors
from annotation.apis.ui import label_json
from annotation.models import Document
from modeling import selectors
from modeling.models import Suggestion, SuggestionStatus
from modeling.services.loop import suggestions as services
from projects import selectors as project_selectors
from projects.permissions import Action
from studio.exceptions import InvalidInput


def suggestion_json(suggestion: Suggestion, *, status: str | None = None) -> dict[str, Any]:
    """`status`: the caller's decision, where it is theirs alone (a document they label independently)."""
    return {
        "id": suggestion.pk,
        "start": suggestion.start,
        "end": suggestion.end,
        "category": suggestion.category,
        "confidence": suggestion.confidence,
        "source": suggestion.source,
        "status": status or suggestion.status,
    }


def suggestions_json(document: Document, user) -> list[dict[str, Any]]:
    return [suggestion_json(s) for s in selectors.suggestion_list(document=document, user=user)]


def _body(request: Request) -> dict[str, Any]:
    if not isinstance(request.data, dict):
        raise InvalidInput("The body must be a JSON object.", innererror_code="InvalidRequestBodyFormat")
    return request.data


def _document(request: Request, project_name: str, document_id: str, action: Action = Action.VIEW) -> Document:
    """The document the path names (its id: digits, as the route matched them)."""
    project = project_selectors.project_get(user=request.user, name=project_name, action=action)
    return annotation_selectors.document_get(project=project, document_id=int(document_id))


def _name(body: dict[str, Any], key: str) -> str | None:
    value = body.get(key)
    if value is not None and not isinstance(value, str):
        raise InvalidInput(f"{key} must be a name.", target=key)
    return value or None


class SuggestionListUiApi(APIView):
    def get(self, request: Request, project_name: str, document_id: str) -> Response:
        return Response({"value": suggestions_json(_document(request, project_name, document_id), request.user)})

    def post(self, request: Request, project_name: str, document_id: str) -> Response:
        body = _body(request)
        document = _document(request, project_name, document_id, Action.LABEL)
        source = services.source_get(
            project=document.project,
            model_label=_name(body, "modelLabel"),
            deployment_name=_name(body, "deploymentName"),
        )
        if not services.source_ready(source):
            services.source_load_start(source)
            return Response(
                {"status": "loading", "message": f"Loading {source.description}; suggestions follow when it is ready."},
                status=202,
            )
        outcome = services.document_suggest(user=request.user, document=document, source=source)
        return Response(
            {
                "value": [suggestion_json(s) for s in outcome.suggestions],
                "source": source.description,
                "dropped": {
                    "overLabels": outcome.over_labels,
                    "rejectedBefore": outcome.rejected_before,
                    "unknownCategories": outcome.unknown_categories,
                    "tooLong": outcome.too_long,
                },
            }
        )


class SuggestionDecisionUiApi(APIView):
    def post(
        self, request: Request, project_name: str, document_id: str, suggestion_id: str, decision: str
    ) -> Response:
        document = _document(request, project_name, document_id, Action.LABEL)
        suggestion = selectors.suggestion_get(document=document, suggestion_id=int(suggestion_id))
        if decision == "accept":
            label = services.suggestion_accept(user=request.user, suggestion=suggestion)
            suggestion.refresh_from_db()
            decided = suggestion_json(suggestion, status=SuggestionStatus.ACCEPTED)
            return Response({"label": label_json(label), "suggestion": decided}, status=201)
        suggestion = services.suggestion_reject(user=request.user, suggestion=suggestion)
        return Response({"suggestion": suggestion_json(suggestion, status=SuggestionStatus.REJECTED)})


class SuggestionBulkUiApi(APIView):
    def post(self, request: Request, project_name: str, document_id: str, decision: str) -> Response:
        document = _document(request, project_name, document_id, Action.LABEL)
        if decision == "accept":
            threshold = _body(request).get("threshold")
            labels = services.suggestions_accept_above(user=request.user, document=document, threshold=threshold)
            return Response({"accepted": len(labels), "labels": [label_json(label) for label in labels]})
        return Response({"rejected": services.suggestions_reject_all(user=request.user, document=document)})
