"""What every API view shares: Azure error bodies, the api-version check and key authentication.

Every error on an API path leaves as Azure's JSON, never an HTML page: domain errors and DRF's own through
`exception_handler`, anything unexpected as a logged 500 `InternalServerError`, and unknown API paths and errors
outside the views through `not_found` and `server_error` (the project's 404 and 500 handlers).
"""

from __future__ import annotations

import logging
from datetime import UTC
from typing import Any

from django.core import exceptions as django_exceptions
from django.http import Http404, HttpRequest, HttpResponse, JsonResponse
from django.views import defaults
from rest_framework import exceptions as drf_exceptions
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView, set_rollback

from studio.exceptions import ApplicationError

logger = logging.getLogger(__name__)

SUPPORTED_API_VERSIONS = ("2022-05-01", "2023-04-01")
DEFAULT_API_VERSION = "2023-04-01"


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
INTERNAL_ERROR = {
    "code": "InternalServerError",
    "message": "The server failed to handle this request; the error was logged. Try again, or report it if it "
    "keeps happening.",
}


def error_response(error: dict[str, Any], status: int) -> Response:
    response = Response({"error": error}, status=status)
    response["x-ms-error-code"] = error["code"]
    return response


def exception_handler(exc: Exception, context: dict[str, Any]) -> Response:
    """Every API error leaves as `{"error": {"code", "message", ...}}`, Azure's shape (the transaction of a
    request-wide atomic block, if any, rolls back)."""
    set_rollback()
    if isinstance(exc, ApplicationError):
        return error_response(exc.as_error(), exc.status)
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
    request = context.get("request")
    logger.error("Unhandled API error on %s", getattr(request, "path", "?"), exc_info=exc)
    return error_response(dict(INTERNAL_ERROR), 500)


def is_api_path(request: HttpRequest) -> bool:
    return request.path.startswith(API_PATH_PREFIXES)


def _json_error(error: dict[str, Any], status: int) -> JsonResponse:
    return JsonResponse({"error": error}, status=status, headers={"x-ms-error-code": error["code"]})


def not_found(request: HttpRequest, exception: Exception) -> HttpResponse:
    """The project's 404 handler: Azure's JSON on API paths (an unknown route), the 404 page elsewhere."""
    if is_api_path(request):
        return _json_error({"code": "NotFound", "message": f"There is no API resource at '{request.path}'."}, 404)
    return defaults.page_not_found(request, exception)


def server_error(request: HttpRequest) -> HttpResponse:
    """The project's 500 handler, for errors outside an API view's own handling (middleware, URL resolving)."""
    if is_api_path(request):
        return _json_error(dict(INTERNAL_ERROR), 500)
    return defaults.server_error(request)


def _flatten(detail: Any) -> str:
    if isinstance(detail, dict):
        return "; ".join(f"{k}: {_flatten(v)}" for k, v in detail.items())
    if isinstance(detail, list):
        return "; ".join(_flatten(v) for v in detail)
    return str(detail)


class AzureAPIView(APIView):
    """Base for Azure-path views: checks `api-version` before anything else."""

    def initial(self, request: Request, *args: Any, **kwargs: Any) -> None:
        version = request.query_params.get("api-version")
        if version is None:
            raise ApplicationError(
                "Missing required query parameter 'api-version'. Supported versions: "
                + ", ".join(SUPPORTED_API_VERSIONS)
                + ".",
                code="InvalidRequest",
                innererror_code="InvalidParameterValue",
                target="api-version",
            )
        if version not in SUPPORTED_API_VERSIONS:
            raise ApplicationError(
                f"The api-version '{version}' is not supported. Supported versions: "
                + ", ".join(SUPPORTED_API_VERSIONS)
                + ".",
                code="InvalidRequest",
                innererror_code="InvalidParameterValue",
                target="api-version",
            )
        request.api_version = version
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
