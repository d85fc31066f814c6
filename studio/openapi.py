"""The OpenAPI 3 description of the studio's API, served at `/api/openapi.json`.

The API views are DRF views that parse Azure's JSON themselves (`apis/` modules, no serializers), so a generator
such as drf-spectacular would describe every body as empty. The description is made here instead, from the URL
configuration when it is asked for: every route under `/language/` (Azure's authoring and runtime APIs) and `/api/`
(the UI JSON API) with its path parameters and the methods its view implements, so no route is left out or outlives
its view. What a client most needs is spelled out in full (`_RUNTIME`: Azure's runtime bodies; `_AUTHORING`: the
authoring answers a client must tell apart, such as the 400 for cancelling a job that has ended); every other
operation takes and returns JSON objects. Every error is Azure's `{"error": {"code", "message", ...}}`, on every path
(`Error`), which is what `tests/studio/test_openapi.py` and the schemathesis run
(`tests/reliability/test_openapi_schemathesis.py`) hold the studio to.
"""

from __future__ import annotations

import re
from typing import Any

from django.http import HttpRequest, JsonResponse
from django.urls import URLPattern, URLResolver, get_resolver
from django.urls.resolvers import RegexPattern

from studio.api_versions import Api, api_versions

API_PREFIXES = ("language/", "api/")
METHODS = ("get", "put", "post", "patch", "delete")
_JSON = "application/json"
_OBJECT: dict[str, Any] = {"type": "object"}

_ERROR_SCHEMA: dict[str, Any] = {
    "type": "object",
    "required": ["error"],
    "properties": {
        "error": {
            "type": "object",
            "required": ["code", "message"],
            "properties": {
                "code": {"type": "string"},
                "message": {"type": "string"},
                "target": {"type": "string"},
                "details": {"type": "array", "items": {"type": "object"}},
                "innererror": {"type": "object", "required": ["code"], "properties": {"code": {"type": "string"}}},
            },
        }
    },
}

_DOCUMENT = {
    "type": "object",
    "required": ["id", "text"],
    "properties": {"id": {"type": "string"}, "text": {"type": "string"}, "language": {"type": "string"}},
}
_ANALYSIS_INPUT = {
    "type": "object",
    "required": ["documents"],
    "properties": {"documents": {"type": "array", "items": _DOCUMENT}},
}
_CUSTOM_NER_PARAMETERS = {
    "type": "object",
    "required": ["projectName", "deploymentName"],
    "properties": {
        "projectName": {"type": "string"},
        "deploymentName": {"type": "string"},
        "stringIndexType": {"type": "string", "enum": ["TextElements_v8", "UnicodeCodePoint", "Utf16CodeUnit"]},
    },
}
_ENTITY = {
    "type": "object",
    "required": ["text", "category", "offset", "length", "confidenceScore"],
    "properties": {
        "text": {"type": "string"},
        "category": {"type": "string"},
        "offset": {"type": "integer", "minimum": 0},
        "length": {"type": "integer", "minimum": 0},
        "confidenceScore": {"type": "number", "minimum": 0, "maximum": 1},
    },
}
_RESULTS = {
    "type": "object",
    "required": ["documents", "errors"],
    "properties": {
        "documents": {
            "type": "array",
            "items": {
                "type": "object",
                "required": ["id", "entities", "warnings"],
                "properties": {
                    "id": {"type": "string"},
                    "entities": {"type": "array", "items": _ENTITY},
                    "warnings": {"type": "array"},
                },
            },
        },
        "errors": {"type": "array", "items": {"type": "object", "required": ["id", "error"]}},
        "projectName": {"type": "string"},
        "deploymentName": {"type": "string"},
    },
}
_JOB_STATUS = {"type": "string", "enum": ["notStarted", "running", "succeeded", "failed", "cancelled", "cancelling",
                                         "partiallyCompleted"]}  # fmt: skip
_OPERATION_LOCATION = {"Operation-Location": {"schema": {"type": "string"}, "required": True}}
_ENDED_JOB = "InvalidRequest: the job has already ended; only a notStarted or running job can be cancelled"

# Azure's runtime, in full: request bodies and the answers its SDKs read.
_RUNTIME: dict[tuple[str, str], dict[str, Any]] = {
    ("/language/:analyze-text", "post"): {
        "summary": "Custom entity recognition on up to 25 documents, answered at once",
        "body": {
            "type": "object",
            "required": ["kind", "analysisInput", "parameters"],
            "properties": {
                "kind": {"type": "string", "enum": ["CustomEntityRecognition"]},
                "analysisInput": _ANALYSIS_INPUT,
                "parameters": _CUSTOM_NER_PARAMETERS,
            },
        },
        "responses": {
            "200": {
                "type": "object",
                "required": ["kind", "results"],
                "properties": {"kind": {"type": "string"}, "results": _RESULTS},
            }
        },
    },
    ("/language/analyze-text/jobs", "post"): {
        "summary": "Submits an analyze-text job (202, Operation-Location names the job)",
        "body": {
            "type": "object",
            "required": ["analysisInput", "tasks"],
            "properties": {
                "displayName": {"type": "string"},
                "analysisInput": _ANALYSIS_INPUT,
                "tasks": {
                    "type": "array",
                    "items": {
                        "type": "object",
                        "required": ["kind"],
                        "properties": {
                            "kind": {"type": "string"},
                            "taskName": {"type": "string"},
                            "parameters": _CUSTOM_NER_PARAMETERS,
                        },
                    },
                },
            },
        },
        "responses": {"202": None},
    },
    ("/language/analyze-text/jobs/{job_id}", "get"): {
        "summary": "An analyze-text job's state and its tasks' results (Azure's AnalyzeTextJobState)",
        "responses": {
            "200": {
                "type": "object",
                "required": ["jobId", "createdDateTime", "lastUpdatedDateTime", "status", "errors", "tasks"],
                "properties": {
                    "jobId": {"type": "string"},
                    "displayName": {"type": "string"},
                    "createdDateTime": {"type": "string"},
                    "lastUpdatedDateTime": {"type": "string"},
                    "expirationDateTime": {"type": "string"},
                    "status": _JOB_STATUS,
                    "errors": {"type": "array"},
                    "nextLink": {"type": "string"},
                    "statistics": _OBJECT,
                    "tasks": {
                        "type": "object",
                        "required": ["completed", "failed", "inProgress", "total"],
                        "properties": {
                            "completed": {"type": "integer"},
                            "failed": {"type": "integer"},
                            "inProgress": {"type": "integer"},
                            "total": {"type": "integer"},
                            "items": {"type": "array", "items": {"type": "object", "required": ["kind", "status"]}},
                        },
                    },
                },
            }
        },
    },
    ("/language/analyze-text/jobs/{job_id}:cancel", "post"): {
        "summary": "Cancels a job that has not ended (202)",
        "responses": {"202": None},
        "errors": {"400": _ENDED_JOB},
    },
}

# Authoring operations whose answers a client must tell apart.
_AUTHORING: dict[tuple[str, str], dict[str, Any]] = {
    ("/language/authoring/analyze-text/projects/{project_name}/train/jobs/{job_id}/:cancel", "post"): {
        "summary": "Cancels a training job that has not ended (202)",
        "responses": {"202": None},
        "errors": {"400": _ENDED_JOB},
    },
}

_SPELLED = {**_RUNTIME, **_AUTHORING}


def openapi_json(request: HttpRequest) -> JsonResponse:
    """`GET /api/openapi.json`: the description of this studio's API (public, as Azure's specs are)."""
    return JsonResponse(openapi_document(server=request.build_absolute_uri("/").rstrip("/")))


def openapi_document(*, server: str = "") -> dict[str, Any]:
    paths: dict[str, dict[str, Any]] = {}
    for route, view in api_routes():
        template, parameters = _template(route)
        cls = getattr(view, "view_class", None)
        methods = [m for m in METHODS if cls is not None and hasattr(cls, m)] or ["get"]
        item = paths.setdefault(template, {})
        if parameters:
            item["parameters"] = parameters
        for method in methods:
            item[method] = _operation(template, method, cls or view)
    document: dict[str, Any] = {
        "openapi": "3.0.3",
        "info": {
            "title": "NER Studio API",
            "version": "1",
            "description": "Azure AI Language custom NER's authoring (/language/authoring/analyze-text) and runtime "
            "(/language/analyze-text, /language/:analyze-text) APIs, and the studio's UI JSON API (/api). Errors "
            'are Azure\'s {"error": {"code", "message", ...}} with the x-ms-error-code header.',
        },
        "paths": dict(sorted(paths.items())),
        "components": {
            "schemas": {"Error": _ERROR_SCHEMA},
            "securitySchemes": {
                "subscriptionKey": {"type": "apiKey", "in": "header", "name": "Ocp-Apim-Subscription-Key"},
                "session": {"type": "apiKey", "in": "cookie", "name": "sessionid"},
            },
        },
        "security": [{"subscriptionKey": []}, {"session": []}],
    }
    if server:
        document["servers"] = [{"url": server}]
    return document


def api_routes() -> list[tuple[str, Any]]:
    """(route, view) for every URL under the API prefixes, the route as Django spells it (`<str:name>` or regex)."""
    found: list[tuple[str, Any]] = []

    def walk(patterns, prefix: str) -> None:
        for pattern in patterns:
            route = prefix + _route(pattern)
            if isinstance(pattern, URLResolver):
                walk(pattern.url_patterns, route)
            elif isinstance(pattern, URLPattern) and route.lstrip("^").startswith(API_PREFIXES):
                found.append((route, pattern.callback))

    walk(get_resolver().url_patterns, "")
    return found


def _route(pattern: URLPattern | URLResolver) -> str:
    route = str(pattern.pattern)
    if isinstance(pattern.pattern, RegexPattern):
        route = re.sub(r"\\(.)", r"\1", route.removeprefix("^").removesuffix("$"))  # literal characters unescaped
    return route


_CONVERTER = re.compile(r"<(?:(?P<kind>\w+):)?(?P<name>\w+)>")
_GROUP = re.compile(r"\(\?P<(?P<name>\w+)>(?P<body>[^)]*)\)")


def _template(route: str) -> tuple[str, list[dict[str, Any]]]:
    """`/`-rooted OpenAPI path and its path parameters, from a Django route or regex."""
    parameters: list[dict[str, Any]] = []

    def converter(match: re.Match) -> str:
        integer = match["kind"] == "int"
        parameters.append(_path_parameter(match["name"], {"type": "integer"} if integer else {"type": "string"}))
        return "{" + match["name"] + "}"

    def group(match: re.Match) -> str:
        body = match["body"]
        if re.fullmatch(r"[\w|-]+", body):  # an alternation of words: accept|reject
            schema: dict[str, Any] = {"type": "string", "enum": body.split("|")}
        elif body in (r"\d+", "[0-9]+"):
            schema = {"type": "integer", "minimum": 0}
        else:
            schema = {"type": "string", "pattern": f"^{body}$"}
        parameters.append(_path_parameter(match["name"], schema))
        return "{" + match["name"] + "}"

    template = _CONVERTER.sub(converter, _GROUP.sub(group, route))
    return "/" + template, parameters


def _path_parameter(name: str, schema: dict[str, Any]) -> dict[str, Any]:
    if schema.get("type") == "string":
        schema = {"minLength": 1, **schema}
    return {"name": name, "in": "path", "required": True, "schema": schema}


def _operation(template: str, method: str, cls: Any) -> dict[str, Any]:
    """One operation; `cls` is the view's class (or the view, a function)."""
    spelled = _SPELLED.get((template, method), {})
    operation: dict[str, Any] = {
        "operationId": f"{method}:{template}",
        "summary": spelled.get("summary") or (cls.__doc__ or template).strip().split("\n")[0],
        "tags": [_tag(template)],
    }
    api = getattr(cls, "api", None)
    if template.startswith("/language/") and api is not None:
        versions = [v.name for v in api_versions(Api(api))]
        operation["parameters"] = [
            {"name": "api-version", "in": "query", "required": True, "schema": {"type": "string", "enum": versions}}
        ]
    if method in ("post", "put", "patch"):
        content_type = "application/merge-patch+json" if method == "patch" else _JSON
        operation["requestBody"] = {
            "required": False,
            "content": {content_type: {"schema": spelled.get("body", _OBJECT)}},
        }
    error = {"description": "Azure's error", "content": {_JSON: {"schema": {"$ref": "#/components/schemas/Error"}}}}
    responses: dict[str, Any] = {"4XX": error, "5XX": error}
    for status, description in spelled.get("errors", {}).items():
        responses[status] = {**error, "description": description}
    for status, schema in (spelled.get("responses") or _SUCCESS).items():
        response: dict[str, Any] = {"description": "Success"}
        if schema is not None:
            response["content"] = {_JSON: {"schema": schema}}
        if status == "202":
            response["headers"] = _OPERATION_LOCATION if spelled else {}
        responses[status] = response
    operation["responses"] = responses
    return operation


# What an operation not spelled out answers on success: a JSON object, or nothing.
_SUCCESS: dict[str, Any] = {"200": _OBJECT, "201": _OBJECT, "202": None, "204": None}


def _tag(template: str) -> str:
    if template.startswith("/language/authoring/"):
        return "authoring"
    if template.startswith("/language/"):
        return "runtime"
    return "ui"
