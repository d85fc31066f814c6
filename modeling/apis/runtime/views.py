"""Azure runtime API: `/language/analyze-text/jobs` (what the SDK calls) and the synchronous `:analyze-text`."""

from __future__ import annotations

from rest_framework.request import Request
from rest_framework.response import Response

from modeling import selectors
from modeling.apis.runtime import requests, responses
from modeling.models import AnalyzeJob
from modeling.services import runtime
from projects.models import JobStatus
from studio.api import AzureAPIView
from studio.api_versions import Api

JOBS = "/language/analyze-text/jobs"


class RuntimeAPIView(AzureAPIView):
    """The runtime's api-versions (`studio.api_versions`), not the authoring API's."""

    api = Api.RUNTIME


def _job_url(request: Request, job_id: str, **query) -> str:
    params = "&".join([f"api-version={request.api_version}", *(f"{k}={v}" for k, v in query.items())])
    return request.build_absolute_uri(f"{JOBS}/{job_id}") + "?" + params


def _accepted(request: Request, job: AnalyzeJob) -> Response:
    response = Response(status=202)
    response["Operation-Location"] = _job_url(request, job.job_id)
    return response


class AnalyzeJobSubmitApi(RuntimeAPIView):
    def post(self, request: Request) -> Response:
        documents, tasks, display_name = requests.parse_job(requests.request_body(request))
        job = runtime.analyze_job_submit(user=request.user, documents=documents, tasks=tasks, display_name=display_name)
        return _accepted(request, job)


class AnalyzeJobApi(RuntimeAPIView):
    def get(self, request: Request, job_id: str) -> Response:
        job = selectors.analyze_job_get(user=request.user, job_id=job_id)
        show_stats = request.query_params.get("showStats", "").lower() == "true"
        top, skip = requests.page_number(request, "top"), requests.page_number(request, "skip") or 0

        def next_link(next_skip: int, page: int) -> str:
            extra = {"showStats": "true"} if show_stats else {}
            return _job_url(request, job_id, top=page, skip=next_skip, **extra)

        body = responses.analyze_job_state(job, show_stats=show_stats, top=top, skip=skip, next_link=next_link)
        response = Response(body)
        if job.status in (JobStatus.NOT_STARTED, JobStatus.RUNNING):
            # Background jobs: poll again soon (the SDK honours retry-after-ms below a second).
            response["retry-after-ms"] = "250"
        return response


class AnalyzeJobCancelApi(RuntimeAPIView):
    def post(self, request: Request, job_id: str) -> Response:
        job = selectors.analyze_job_get(user=request.user, job_id=job_id)
        runtime.analyze_job_cancel(job=job)
        return _accepted(request, job)


class AnalyzeSyncApi(RuntimeAPIView):
    def post(self, request: Request) -> Response:
        task, documents = requests.parse_sync(requests.request_body(request))
        analysis = runtime.analyze_sync(user=request.user, task=task, documents=documents)
        return Response(responses.analyze_text_results(task, documents, analysis))
