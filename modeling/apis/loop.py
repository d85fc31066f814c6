"""The UI JSON API of the model-in-the-loop jobs: start one, read its state (the progress partial polls it),
cancel it. Session auth with CSRF (the browser) or an API key; errors are Azure JSON through the shared handler.

    GET  /api/projects/<p>/loop-jobs?kind=…          {"value": [job]} newest first (20)
    POST /api/projects/<p>/loop-jobs                 {"kind", "modelLabel"? | "deploymentName"?, "params"?} -> 202 job
    GET  /api/projects/<p>/loop-jobs/<jobId>         job
    POST /api/projects/<p>/loop-jobs/<jobId>/cancel  202 job
"""

from __future__ import annotations

from typing import Any

from django.urls import reverse
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from modeling import selectors
from modeling.models import LoopJob, TrainedModel
from modeling.services.loop.jobs import TITLES, loop_job_cancel, loop_job_start
from projects import selectors as project_selectors
from projects.models import Project
from studio.exceptions import InvalidInput

LIST_MAX = 20


def _time(value) -> str | None:
    return value.isoformat().replace("+00:00", "Z") if value else None


def loop_job_json(job: LoopJob) -> dict[str, Any]:
    project = job.project.name
    return {
        "jobId": job.job_id,
        "kind": job.kind,
        "title": TITLES.get(job.kind, job.kind),
        "status": job.status,
        "percentComplete": job.percent,
        "message": job.message,
        "error": job.error or None,
        "result": job.result,
        "params": job.params,
        "modelLabel": job.trained_model.label if job.trained_model_id else None,
        "createdBy": job.created_by.username if job.created_by_id else None,
        "createdDateTime": _time(job.created_at),
        "startedDateTime": _time(job.started_at),
        "endedDateTime": _time(job.ended_at),
        "url": reverse("ui-loop-job", args=[project, job.job_id]),
        "cancelUrl": reverse("ui-loop-job-cancel", args=[project, job.job_id]),
    }


def _body(request: Request) -> dict[str, Any]:
    if not isinstance(request.data, dict):
        raise InvalidInput("The body must be a JSON object.", innererror_code="InvalidRequestBodyFormat")
    return request.data


def model_from_body(project: Project, body: dict[str, Any]) -> tuple[TrainedModel | None, dict[str, Any]]:
    """The model a request names, by `modelLabel` or by `deploymentName` (the model that deployment serves now),
    and what to remember about the choice (`{"deployment": name}`)."""
    label, deployment = body.get("modelLabel"), body.get("deploymentName")
    if label and deployment:
        raise InvalidInput("Name a model (modelLabel) or a deployment (deploymentName), not both.")
    if deployment:
        if not isinstance(deployment, str):
            raise InvalidInput("deploymentName must be a deployment's name.", target="deploymentName")
        chosen = selectors.deployment_get(project=project, name=deployment)
        return chosen.trained_model, {"deployment": chosen.name}
    if label:
        if not isinstance(label, str):
            raise InvalidInput("modelLabel must be a model's label.", target="modelLabel")
        return selectors.trained_model_get(project=project, label=label), {}
    return None, {}


class LoopJobListUiApi(APIView):
    def get(self, request: Request, project_name: str) -> Response:
        project = project_selectors.project_get(user=request.user, name=project_name)
        jobs = selectors.loop_job_list(project=project, kind=request.query_params.get("kind") or None)
        return Response({"value": [loop_job_json(job) for job in jobs[:LIST_MAX]]})

    def post(self, request: Request, project_name: str) -> Response:
        body = _body(request)
        project = project_selectors.project_get(user=request.user, name=project_name)
        params = body.get("params", {})
        if not isinstance(params, dict):
            raise InvalidInput("params must be a JSON object.", target="params")
        trained_model, chosen = model_from_body(project, body)
        job = loop_job_start(
            user=request.user,
            project=project,
            kind=str(body.get("kind", "")),
            params={**params, **chosen},
            trained_model=trained_model,
        )
        response = Response(loop_job_json(job), status=202)
        response["Operation-Location"] = request.build_absolute_uri(loop_job_json(job)["url"])
        return response


class LoopJobUiApi(APIView):
    def get(self, request: Request, project_name: str, job_id: str) -> Response:
        project = project_selectors.project_get(user=request.user, name=project_name)
        return Response(loop_job_json(selectors.loop_job_get(project=project, job_id=job_id)))


class LoopJobCancelUiApi(APIView):
    def post(self, request: Request, project_name: str, job_id: str) -> Response:
        project = project_selectors.project_get(user=request.user, name=project_name)
        job = loop_job_cancel(user=request.user, job=selectors.loop_job_get(project=project, job_id=job_id))
        return Response(loop_job_json(job), status=202)
