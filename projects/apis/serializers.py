"""Model -> Azure JSON. Plain functions: the wire shapes are fixed by Azure, not derived from models."""

from __future__ import annotations

from typing import Any

from rest_framework.request import Request
from rest_framework.response import Response

from projects.models import Operation, Project
from studio.api import azure_datetime

AUTHORING_BASE = "/language/authoring/analyze-text"


def project_metadata(project: Project) -> dict[str, Any]:
    body: dict[str, Any] = {
        "projectKind": "CustomEntityRecognition",
        "storageInputContainerName": project.storage_input_container_name or project.name.lower(),
        "projectName": project.name,
        "multilingual": project.multilingual,
        "description": project.description,
        "language": project.language,
        "settings": project.settings or {},
        "createdDateTime": azure_datetime(project.created_at),
        "lastModifiedDateTime": azure_datetime(project.modified_at),
    }
    if project.last_trained_at:
        body["lastTrainedDateTime"] = azure_datetime(project.last_trained_at)
    if project.last_deployed_at:
        body["lastDeployedDateTime"] = azure_datetime(project.last_deployed_at)
    return body


def job_state(job: Operation, *, result_url: str | None = None) -> dict[str, Any]:
    """Azure's job-state fields; any job record with the same field names (training jobs too) fits."""
    body: dict[str, Any] = {
        "jobId": job.job_id,
        "createdDateTime": azure_datetime(job.created_at),
        "lastUpdatedDateTime": azure_datetime(job.updated_at),
        "expirationDateTime": azure_datetime(job.expires_at),
        "status": job.status,
        "warnings": job.warnings,
        "errors": job.errors,
    }
    if result_url:
        body["resultUrl"] = result_url
    return body


def operation_location(request: Request, path: str) -> str:
    """The URL of an authoring job, `path` under the authoring API, with the caller's api-version."""
    return request.build_absolute_uri(f"{AUTHORING_BASE}/{path}") + f"?api-version={request.api_version}"


def accepted(request: Request, path: str) -> Response:
    """Azure's answer to a long-running operation: 202 with its job URL in `Operation-Location`."""
    response = Response(status=202)
    response["Operation-Location"] = operation_location(request, path)
    return response
