"""Model -> Azure JSON. Plain functions: the wire shapes are fixed by Azure, not derived from models."""

from __future__ import annotations

from typing import Any

from annotation.models import AuthoringJob, Project
from studio.api import azure_datetime


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


def job_state(job: AuthoringJob, *, result_url: str | None = None) -> dict[str, Any]:
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
