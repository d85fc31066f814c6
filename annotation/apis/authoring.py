"""Azure authoring API for projects: `/language/authoring/analyze-text/projects...`.

Each view parses, checks permission (through selectors), calls one service and answers in Azure's shape.
"""

from __future__ import annotations

import json
from typing import Any

from django.http import HttpResponse
from rest_framework.request import Request
from rest_framework.response import Response

from annotation.formats import ProblemList
from annotation.formats.archive import decode_text, read_zip
from annotation.formats.azure import PROJECT_KIND, read_project
from annotation.services.imports import project_import
from projects import selectors as project_selectors
from projects.apis.serializers import accepted, job_state, operation_location, project_metadata
from projects.languages import LANGUAGES
from projects.models import OperationKind
from projects.permissions import Action, require_project_create
from projects.services import projects as project_services
from projects.services.operations import job_record, job_result
from studio import limits
from studio.api import AzureAPIView, paged
from studio.api_versions import Feature
from studio.exceptions import ApplicationError, InvalidInput
from studio.parsers import refuse_non_text

# The `format` header of `:import` (2024-11-15-preview on): Azure's JSON project file, the default.
IMPORT_FORMAT_JSON = "json"


def project_kind_check(kind: Any, *, target: str = "projectKind") -> None:
    """Operations for other project kinds (classification, sentiment, healthcare, ...) are refused, naming the one
    the studio serves."""
    if kind is not None and kind != PROJECT_KIND:
        raise InvalidInput(
            f"projectKind '{kind}' is not supported; this service serves {PROJECT_KIND} projects only.",
            innererror_code="InvalidParameterValue",
            target=target,
        )


class ProjectListApi(AzureAPIView):
    def get(self, request: Request) -> Response:
        projects = [project_metadata(p) for p in project_selectors.project_list(user=request.user)]
        return Response(paged(request, projects))


# Azure's `CreateProjectOptions` fields a PATCH may set: wire name -> (service argument, JSON type, its name).
PATCH_FIELDS = {
    "language": ("language", str, "a string"),
    "multilingual": ("multilingual", bool, "true or false"),
    "description": ("description", str, "a string"),
    "storageInputContainerName": ("storage_input_container_name", str, "a string"),
    "settings": ("settings", dict, "an object"),
}


def _project_changes(body: dict[str, Any]) -> dict[str, Any]:
    """The fields a PATCH sets, each of its JSON type (null clears it, as merge-patch does)."""
    changes = {}
    for key, (field, kind, described) in PATCH_FIELDS.items():
        if key not in body:
            continue
        value = body[key]
        if value is not None and not isinstance(value, kind):
            raise InvalidInput(
                f"'{key}' must be {described}, got {json.dumps(value)[:80]}.",
                innererror_code="InvalidParameterValue",
                target=key,
            )
        changes[field] = value
    return changes


class ProjectApi(AzureAPIView):
    def get(self, request: Request, project_name: str) -> Response:
        project = project_selectors.project_get(user=request.user, name=project_name)
        return Response(project_metadata(project))

    def patch(self, request: Request, project_name: str) -> Response:
        body = request.data
        if not isinstance(body, dict):
            raise InvalidInput("The body must be a JSON object (CreateProjectOptions).")
        if body.get("projectName", project_name) != project_name:
            raise InvalidInput(
                f"The project name in the path ('{project_name}') does not match projectName "
                f"('{body.get('projectName')}').",
                target="projectName",
            )
        project_kind_check(body.get("projectKind"))
        changes = _project_changes(body)
        if project_selectors.project_list(user=request.user).filter(name=project_name).exists():
            project = project_selectors.project_get(user=request.user, name=project_name, action=Action.MANAGE)
            project = project_services.project_update(project=project, user=request.user, **changes)
            return Response(project_metadata(project), status=200)
        require_project_create(request.user)
        if "language" not in body:
            raise InvalidInput("Missing required field 'language'.", target="language")
        project = project_services.project_create(user=request.user, name=project_name, **changes)
        return Response(project_metadata(project), status=201)

    def delete(self, request: Request, project_name: str) -> Response:
        project = project_selectors.project_get(user=request.user, name=project_name, action=Action.MANAGE)
        project_services.project_delete(project=project)
        job = job_record(kind=OperationKind.DELETION, project_name=project_name, user=request.user)
        return accepted(request, f"projects/global/deletion-jobs/{job.job_id}")


def _import_payload(request: Request) -> tuple[Any, dict[str, str] | None]:
    """The project file and, for zips, the texts by location (UTF-8 files: no lone surrogates but in JSON escapes)."""
    if request.FILES:
        upload = next(iter(request.FILES.values()))
        head = upload.read(2)
        upload.seek(0)
        if upload.name.lower().endswith(".zip") or head == b"PK":
            project, texts = read_zip(upload)  # read from the upload's file, member by member
            return refuse_non_text(project), texts
        data = upload.read()
        problems = ProblemList()
        text = decode_text(data, upload.name, problems)
        problems.raise_if_any("The upload")
        try:
            return refuse_non_text(json.loads(text)), None
        except RecursionError:
            raise InvalidInput("The project file nests arrays or objects too deeply.") from None
        except json.JSONDecodeError as error:
            raise InvalidInput(
                f"The project file is not valid JSON: line {error.lineno}, column {error.colno}: {error.msg}.",
                innererror_code="InvalidRequestBodyFormat",
            ) from None
    return request.data, None


def _import_format_check(request: Request) -> None:
    """The `format` header, where the version defines it: only Azure's JSON project file is read."""
    if not request.azure_version.has(Feature.IMPORT_FORMAT):
        return  # not a parameter of this version
    value = request.headers.get("format")
    if value is not None and value.lower() != IMPORT_FORMAT_JSON:
        raise InvalidInput(
            f"Import format '{value}' is not supported; send the Azure project file in format "
            f"'{IMPORT_FORMAT_JSON}' (the default). Azure Machine Learning ('aml') labeling exports are not read.",
            innererror_code="InvalidParameterValue",
            target="format",
        )


class ProjectImportApi(AzureAPIView):
    request_bytes_max = limits.IMPORT_BYTES_MAX  # `studio.request_size` refuses a longer body before it is read

    def post(self, request: Request, project_name: str) -> Response:
        # Who may import, before the body is read: the project's owners, or for a new name (or one the caller
        # cannot see, which is then not available) whoever may create projects.
        if project_selectors.project_list(user=request.user).filter(name=project_name).exists():
            project_selectors.project_get(user=request.user, name=project_name, action=Action.MANAGE)
        else:
            require_project_create(request.user)
        _import_format_check(request)
        payload, texts = _import_payload(request)
        if payload is None:
            raise InvalidInput("The zip holds no project file (labels.json).")
        data = read_project(payload, texts=texts, expected_name=project_name)
        project_import(user=request.user, name=project_name, data=data)
        job = job_record(kind=OperationKind.IMPORT, project_name=project_name, user=request.user)
        return accepted(request, f"projects/{project_name}/import/jobs/{job.job_id}")


class ImportJobApi(AzureAPIView):
    def get(self, request: Request, project_name: str, job_id: str) -> Response:
        job = project_selectors.operation_get(
            user=request.user, job_id=job_id, kinds=(OperationKind.IMPORT,), project_name=project_name
        )
        return Response(job_state(job))


class ExportJobApi(AzureAPIView):
    def get(self, request: Request, project_name: str, job_id: str) -> Response:
        job = project_selectors.operation_get(
            user=request.user, job_id=job_id, kinds=(OperationKind.EXPORT,), project_name=project_name
        )
        url = operation_location(request, f"projects/{project_name}/export/jobs/{job_id}/result")
        return Response(job_state(job, result_url=url))


class ExportResultApi(AzureAPIView):
    def get(self, request: Request, project_name: str, job_id: str) -> HttpResponse:
        job = project_selectors.operation_get(
            user=request.user, job_id=job_id, kinds=(OperationKind.EXPORT,), project_name=project_name
        )
        data = job_result(job)
        if data is None:
            raise ApplicationError("The export result has expired.", code="NotFound", status=404)
        return HttpResponse(data, content_type="application/json; charset=utf-8")


class DeletionJobApi(AzureAPIView):
    def get(self, request: Request, job_id: str) -> Response:
        job = project_selectors.operation_get(user=request.user, job_id=job_id, kinds=(OperationKind.DELETION,))
        return Response(job_state(job))


class LanguagesApi(AzureAPIView):
    def get(self, request: Request) -> Response:
        project_kind_check(request.query_params.get("projectKind"))
        return Response(paged(request, [{"languageName": n, "languageCode": c} for c, n in LANGUAGES]))
