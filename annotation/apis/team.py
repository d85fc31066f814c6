"""The team workflow's JSON API (issue 16): review verdicts, adjudication, assignments. Session auth with CSRF
or an API key; every error leaves as Azure-style JSON through the shared handler, and bad input changes nothing."""

from __future__ import annotations

from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from annotation import selectors
from annotation.apis.ui import _body, _document, labels_json, review_json
from annotation.services.adjudication import document_adjudicate
from annotation.services.assignments import documents_assign, documents_unassign
from annotation.services.reviews import document_review
from projects import selectors as project_selectors
from projects.permissions import Action
from studio import limits
from studio.exceptions import InvalidInput


class ReviewUiApi(APIView):
    def get(self, request: Request, project_name: str, document_id: int) -> Response:
        """The document's review as it is now (a label change may have undone a "reviewed")."""
        return Response(review_json(_document(request, project_name, document_id)))

    def post(self, request: Request, project_name: str, document_id: int) -> Response:
        """`{"status": "reviewed" | "needs_changes", "comment"}`: a reviewer's verdict on the document."""
        body = _body(request)
        document = _document(request, project_name, document_id, Action.REVIEW)
        document = document_review(
            document=document, user=request.user, status=body.get("status"), comment=body.get("comment", "")
        )
        return Response(review_json(document))


class AdjudicationUiApi(APIView):
    def post(self, request: Request, project_name: str, document_id: int) -> Response:
        """`{"labels": [[start, end, entityTypeId], ...], "labelsVersion"?}`: the document's final labels (code
        points); with `labelsVersion` (the page's), refused with 409 if the labels changed since."""
        body = _body(request)
        document = _document(request, project_name, document_id, Action.REVIEW)
        count = document_adjudicate(
            document=document, user=request.user, labels=body.get("labels"), labels_version=body.get("labelsVersion")
        )
        document.refresh_from_db()
        return Response(
            {
                "count": count,
                "labels": labels_json(document, request.user),
                "labelsVersion": selectors.label_version(document=document),
                **review_json(document),
            }
        )


class AssignmentsUiApi(APIView):
    def post(self, request: Request, project_name: str) -> Response:
        """`{"documentIds": [...], "usernames": [...]}` assigns; `{"documentIds": [...], "unassign": true}` clears."""
        body = _body(request)
        project = project_selectors.project_get(user=request.user, name=project_name, action=Action.MANAGE)
        ids = body.get("documentIds")
        if not isinstance(ids, list) or not ids or not all(limits.is_row_id(i) for i in ids):
            raise InvalidInput("documentIds must be a non-empty list of document ids.", target="documentIds")
        documents = selectors.document_list(project=project).filter(pk__in=ids)
        if body.get("unassign") is True:
            return Response({"removed": documents_unassign(project=project, user=request.user, documents=documents)})
        added = documents_assign(
            project=project, user=request.user, documents=documents, usernames=body.get("usernames")
        )
        return Response({"added": added})
