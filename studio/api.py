"""What every API view shares: Azure error bodies, the api-version check and key authentication.

Every error on an API path leaves as Azure's JSON, never an HTML page: domain errors and DRF's own through
`exception_handler`, anything unexpected as a logged 500 `InternalServerError` that names the request's id (the
`apim-request-id` header `studio.middleware.RequestIdMiddleware` puts on every API answer), and unknown API paths
and errors outside the views through `not_found` and `server_error` (the project's 404 and 500 handlers).
"""

from __future__ import annotations

import logging
import sys
import uuid
from datetime import UTC
from typing import Any

from django.core import exceptions as django_exceptions
from django.http import Http404, HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import render
from django.views import defaults
from rest_framework import exceptions as drf_exceptions
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView, set_rollback

from studio.api_versions import Api, ApiVersion, Feature, api_version_get, feature_required
from studio.database import database_busy
from studio.exceptions import ApplicationError, ServiceBusy

logger = logging.getLogger(__name__)


_DRF_CODES = {
    401: ("Unauthorized", None),
    403: ("Forbidden", None),
    404: ("NotFound", None),
    405: ("InvalidRequest", "InvalidRequest"),
    406: ("InvalidRequest", "InvalidRequest"),
    415: ("InvalidRequest", "InvalidRequestBodyFormat"),
    429: ("TooManyRequests", None),
}


# Paths whose every answer is JSON: the Azure APIs and the labeling view's UI API.
API_PATH_PREFIXES = ("/language/", "/api/")
# The headers an API answer carries its request id in (Azure's gateway sends both).
REQUEST_ID_HEADERS = ("apim-request-id", "x-ms-request-id")


def request_id(request: HttpRequest) -> str:
    """The id of this request, made once: the headers of its answer and the log name it."""
    request = getattr(request, "_request", request)  # DRF's Request wraps Django's
    if not getattr(request, "studio_request_id", None):
        request.studio_request_id = str(uuid.uuid4())
    return request.studio_request_id


def internal_error(request: HttpRequest) -> dict[str, Any]:
    """Azure's 500 body, naming the request id the log has (internals stay in the log)."""
    rid = request_id(request)
    return {
        "code": "InternalServerError",
        "message": f"The server failed to handle this request; the error was logged under request id {rid}. "
        "Try again, or report it with that id if it keeps happening.",
        "innererror": {"code": "InternalServerError", "message": f"Request id {rid}.", "details": {"requestId": rid}},
    }


def error_response(error: dict[str, Any], status: int) -> Response:
    response = Response({"error": error}, status=status)
    response["x-ms-error-code"] = error["code"]
    return response


def application_error_response(exc: ApplicationError) -> Response:
    response = error_response(exc.as_error(), exc.status)
    if isinstance(exc, ServiceBusy):
        response["Retry-After"] = str(exc.retry_after)
    return response


def exception_handler(exc: Exception, context: dict[str, Any]) -> Response:
    """Every API error leaves as `{"error": {"code", "message", ...}}`, Azure's shape (the transaction of a
    request-wide atomic block, if any, rolls back)."""
    set_rollback()
    exc = database_busy(exc) or exc
    if isinstance(exc, ApplicationError):
        return application_error_response(exc)
    if isinstance(exc, Http404):
        return error_response({"code": "NotFound", "message": str(exc) or "Resource not found."}, 404)
    if isinstance(exc, django_exceptions.PermissionDenied):
        exc = drf_exceptions.PermissionDenied(str(exc) or None)
    if isinstance(exc, drf_exceptions.ParseError):
        return error_response(
            {
                "code": "InvalidRequest",
                "message": f"The request body is not valid JSON: {exc.detail}",
                "innererror": {"code": "InvalidRequestBodyFormat", "message": str(exc.detail)},
            },
            400,
        )
    if isinstance(exc, drf_exceptions.APIException):
        status = exc.status_code
        if isinstance(exc, (drf_exceptions.NotAuthenticated, drf_exceptions.AuthenticationFailed)):
            status = 401
        code, inner = _DRF_CODES.get(status, ("InvalidRequest", None))
        detail = exc.detail
        message = detail if isinstance(detail, str) else _flatten(detail)
        error: dict[str, Any] = {"code": code, "message": str(message)}
        if inner:
            error["innererror"] = {"code": inner, "message": str(message)}
        response = error_response(error, status)
        if status == 401 and getattr(exc, "auth_header", None):
            # DRF sets the first authenticator's header (the subscription-key header) on the exception.
            response["WWW-Authenticate"] = exc.auth_header
        return response
    request = context["request"]
    logger.error("Unhandled API error on %s (request id %s)", request.path, request_id(request), exc_info=exc)
    return error_response(internal_error(request), 500)


def is_api_path(request: HttpRequest) -> bool:
    return request.path.startswith(API_PATH_PREFIXES)


def _json_error(error: dict[str, Any], status: int) -> JsonResponse:
    return JsonResponse({"error": error}, status=status, headers={"x-ms-error-code": error["code"]})


def not_found(request: HttpRequest, exception: Exception) -> HttpResponse:
    """The project's 404 handler: Azure's JSON on API paths (an unknown route), the 404 page elsewhere."""
    if is_api_path(request):
        return _json_error({"code": "NotFound", "message": f"There is no API resource at '{request.path}'."}, 404)
    return defaults.page_not_found(request, exception)


def error_page(request: HttpRequest, error: ApplicationError) -> HttpResponse:
    """A domain error outside DRF's views (pages, middleware): Azure's JSON on API paths, the error page elsewhere."""
    if is_api_path(request):
        response = _json_error(error.as_error(), error.status)
    else:
        response = render(request, "error.html", {"error": error}, status=error.status)
    if isinstance(error, ServiceBusy):
        response["Retry-After"] = str(error.retry_after)
    return response


def server_error(request: HttpRequest) -> HttpResponse:
    """The project's 500 handler, for errors outside an API view's own handling (middleware, URL resolving); a busy
    database there (a session saved at sign-in, say) is the retryable 503 all the same."""
    busy = database_busy(sys.exc_info()[1] or Exception())
    if busy is not None:
        return error_page(request, busy)
    if is_api_path(request):
        return _json_error(internal_error(request), 500)
    return defaults.server_error(request)


def _flatten(detail: Any) -> str:
    if isinstance(detail, dict):
        return "; ".join(f"{k}: {_flatten(v)}" for k, v in detail.items())
    if isinstance(detail, list):
        return "; ".join(_flatten(v) for v in detail)
    return str(detail)


class AzureAPIView(APIView):
    """Base for Azure-path views: checks `api-version` before anything else, against the versions of the view's
    `api` (`studio.api_versions`), and the `feature` the view's operation belongs to, if any.

    The view then reads `request.api_version` (the name, echoed in job URLs) and `request.azure_version` (the
    `ApiVersion`, for what differs between versions)."""

    api: Api = Api.AUTHORING
    feature: Feature | None = None
    operation: str = "This operation"  # names the operation when its feature is missing from a version

    def initial(self, request: Request, *args: Any, **kwargs: Any) -> None:
        version: ApiVersion = api_version_get(request.query_params.get("api-version"), api=self.api)
        if self.feature is not None:
            feature_required(version, self.feature, what=self.operation)
        request.api_version = version.name
        request.azure_version = version
        super().initial(request, *args, **kwargs)


def azure_datetime(value) -> str | None:
    """Azure's timestamp format: ISO 8601 in UTC with a Z."""
    if value is None:
        return None
    return value.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


def paged(request: Request, items: list, *, default_top: int = 100) -> dict[str, Any]:
    """Azure list paging: `top`/`skip`/`maxpagesize` in, `{"value", "nextLink"}` out."""

    def number(name: str, default: int) -> int:
        raw = request.query_params.get(name) or request.query_params.get(f"${name}")
        if raw is None:
            return default
        try:
            value = int(raw)
        except ValueError:
            raise ApplicationError(
                f"'{name}' must be a whole number, got '{raw}'.", innererror_code="InvalidParameterValue", target=name
            ) from None
        if value < 0:
            raise ApplicationError(
                f"'{name}' must not be negative.", innererror_code="InvalidParameterValue", target=name
            )
        return value

    skip = number("skip", 0)
    top = number("top", len(items))
    page = number("maxpagesize", default_top) or default_top
    size = min(top, page)
    value = items[skip : skip + size]
    next_link = None
    remaining = min(top, len(items) - skip) - len(value)
    if remaining > 0:
        query = request.query_params.copy()
        for key in ("top", "$top", "skip", "$skip"):
            query.pop(key, None)
        query["skip"] = str(skip + len(value))
        query["top"] = str(remaining)
        next_link = request.build_absolute_uri(request.path) + "?" + query.urlencode()
    return {"value": value, "nextLink": next_link}
