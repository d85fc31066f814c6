"""UI JSON API of the label-errors page: apply the model's version of a likely error, or dismiss it.

POST /api/projects/<p>/label-issues/<id>/apply     {"id", "status", ...}
POST /api/projects/<p>/label-issues/<id>/dismiss   {"id", "status", ...}
"""

from __future__ import annotations

from typing import Any

from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from modeling import selectors
from modeling.models import LabelIssue
from modeling.services.loop.label_issues import label_issue_apply, label_issue_dismiss
from projects import selectors as project_selectors


def label_issue_json(issue: LabelIssue) -> dict[str, Any]:
    return {
        "id": issue.pk,
        "rank": issue.rank,
        "kind": issue.kind,
        "status": issue.status,
        "documentId": issue.document_id,
        "labels": issue.labels,
        "suggestion": issue.suggestion,
    }


class LabelIssueDecisionUiApi(APIView):
    def post(self, request: Request, project_name: str, issue_id: int, decision: str) -> Response:
        project = project_selectors.project_get(user=request.user, name=project_name)
        issue = selectors.label_issue_get(project=project, issue_id=int(issue_id))
        decide = label_issue_apply if decision == "apply" else label_issue_dismiss
        return Response(label_issue_json(decide(user=request.user, issue=issue)))
