"""Azure runtime API: `/language/analyze-text/jobs` (what the SDK calls) and the synchronous `:analyze-text`."""

from __future__ import annotations

from rest_framework.request import Request
from rest_framework.response import Response

from modeling.apis import serializers
from modeling.services import runtime
from studio.api import AzureAPIView
from studio.exceptions import ApplicationError

JOBS = "/language/analyze-text/jobs"


def _number(request: Request, name: str) -> int | None:
    raw = request.query_params.get(name, request.query_params.get(f"${name}"))
    if raw is None:
        return None
    try:
        value = int(raw)
    except ValueError:
        raise ApplicationError(f"'{name}' must be a whole number.", innererror_code="InvalidParameterValue") from None
    if value < 0 or (name == "top" and value == 0):
        raise ApplicationError(f"'{name}' is out of range.", innererror_code="InvalidParameterValue")
    return value


def _job_url(request: Request, job_id: str, **query) -> str:
    params = "&".join([f"api-version={request.api_version}", *(f"{k}={v}" for k, v in query.items())])
    return request.build_absolute_uri(f"{JOBS}/{job_id}") + "?" + params


def _accepted(request: Request, job) -> Response:
    response = Response(status=202)
    response["Operation-Location"] = _job_url(request, job.job_id)
    return response


class AnalyzeJobSubmitApi(AzureAPIView):
    def post(self, request: Request) -> Response:
        job = runtime.analyze_job_submit(user=request.user, body=request.data)
        return _accepted(request, job)


class AnalyzeJobApi(AzureAPIView):
    def get(self, request: Request, job_id: str) -> Response:
        job = runtime.analyze_job_get(user=request.user, job_id=job_id)
        show_stats = request.query_params.get("showStats", "").lower() == "true"
        top, skip = _number(request, "top"), _number(request, "skip") or 0

        def next_link(next_skip: int, page: int) -> str:
            extra = {"showStats": "true"} if show_stats else {}
            return _job_url(request, job_id, top=page, skip=next_skip, **extra)

        body = serializers.analyze_job(job, show_stats=show_stats, top=top, skip=skip, next_link=next_link)
        response = Response(body)
        if job.status in ("notStarted", "running"):
            # Background jobs: poll again soon (the SDK honours retry-after-ms below a second).
            response["retry-after-ms"] = "250"
        return response


class AnalyzeJobCancelApi(AzureAPIView):
    def post(self, request: Request, job_id: str) -> Response:
        job = runtime.analyze_job_get(user=request.user, job_id=job_id)
        runtime.analyze_job_cancel(job=job)
        return _accepted(request, job)


class AnalyzeSyncApi(AzureAPIView):
    def post(self, request: Request) -> Response:
        return Response(runtime.analyze_sync(user=request.user, body=request.data))
