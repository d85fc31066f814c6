"""Azure analyze-text requests -> typed runtime input, with Azure's request-level errors (messages and codes)."""

from __future__ import annotations

from typing import Any

from rest_framework.request import Request

from modeling.services.runtime import RuntimeDocument, RuntimeTask, UnsupportedTask, batch_characters
from studio import limits
from studio.exceptions import ApplicationError, InvalidInput

TASK_KIND = "CustomEntityRecognition"
# Azure's other long-running task kinds: a job may name them beside custom entity recognition; the studio does not
# run them and reports each one as a failed task. A kind outside Azure's list is a bad request.
OTHER_JOB_TASK_KINDS = (
    "AbstractiveSummarization",
    "CustomMultiLabelClassification",
    "CustomSingleLabelClassification",
    "EntityLinking",
    "EntityRecognition",
    "ExtractiveSummarization",
    "Healthcare",
    "KeyPhraseExtraction",
    "PiiEntityRecognition",
    "SentimentAnalysis",
)
INDEX_TYPES = ("TextElements_v8", "UnicodeCodePoint", "Utf16CodeUnit")
DEFAULT_INDEX_TYPE = "TextElements_v8"
# The SDK's older spelling of TextElements_v8.
OLD_TEXT_ELEMENTS = "TextElement_v8"


def _bad_request(message: str, inner: str, target: str | None = None) -> ApplicationError:
    return ApplicationError(message, code="InvalidArgument", status=400, innererror_code=inner, target=target)


def request_body(request: Request) -> Any:
    """The parsed body, once its Content-Length is within the runtime's limit (nothing is read before that)."""
    try:
        length = int(request.META.get("CONTENT_LENGTH") or 0)
    except ValueError:
        length = 0  # Django reads no body without a valid Content-Length
    limits.check_runtime_request_bytes(length)
    return request.data


def _body(body: Any) -> dict[str, Any]:
    if not isinstance(body, dict):
        raise InvalidInput("The body must be a JSON object.")
    return body


def parse_sync(body: Any) -> tuple[RuntimeTask, list[RuntimeDocument]]:
    """`POST /language/:analyze-text`: one task, its parameters at the top level."""
    body = _body(body)
    task = parse_task(body, 0, default_name="")
    return task, parse_documents(body.get("analysisInput"))


def parse_job(body: Any) -> tuple[list[RuntimeDocument], list[RuntimeTask | UnsupportedTask], str]:
    """`POST /language/analyze-text/jobs`: documents, tasks and the display name."""
    body = _body(body)
    documents = parse_documents(body.get("analysisInput"))
    raw_tasks = body.get("tasks")
    if not isinstance(raw_tasks, list) or not raw_tasks:
        raise _bad_request("At least one task is required in 'tasks'.", "InvalidParameterValue", "tasks")
    tasks = [parse_job_task(raw, i) for i, raw in enumerate(raw_tasks)]
    display_name = body.get("displayName") or ""
    if not isinstance(display_name, str):
        raise _bad_request("'displayName' must be a string.", "InvalidParameterValue", "displayName")
    return documents, tasks, display_name


def parse_documents(analysis_input: Any) -> list[RuntimeDocument]:
    """Request-level checks on `analysisInput.documents`; problems with one document are left for the runtime."""
    documents = analysis_input.get("documents") if isinstance(analysis_input, dict) else None
    if not isinstance(documents, list) or not documents:
        raise _bad_request("Missing input documents.", "MissingInputDocuments", "analysisInput.documents")
    if len(documents) > limits.RUNTIME_DOCUMENTS_MAX:
        raise _bad_request(
            f"Batch request contains too many records ({len(documents)}). "
            f"Max {limits.RUNTIME_DOCUMENTS_MAX} records are permitted.",
            "InvalidDocumentBatch",
        )
    parsed: list[RuntimeDocument] = []
    seen: set[str] = set()
    for index, doc in enumerate(documents):
        if not isinstance(doc, dict):
            raise _bad_request(f"Document {index} must be an object with 'id' and 'text'.", "InvalidDocument")
        doc_id = doc.get("id")
        if not isinstance(doc_id, str) or not doc_id.strip():
            raise _bad_request("Document Id must be a non-empty string.", "InvalidDocument", f"documents[{index}].id")
        if doc_id in seen:
            raise _bad_request(
                f"Request contains duplicated Ids ('{doc_id}'). Make sure each document has a unique Id.",
                "InvalidDocument",
            )
        seen.add(doc_id)
        text, language = doc.get("text"), doc.get("language")
        if language is not None and not isinstance(language, str):
            raise _bad_request(
                f"Document '{doc_id}': 'language' must be a string.", "InvalidDocument", f"documents[{index}].language"
            )
        parsed.append(RuntimeDocument(doc_id, text if isinstance(text, str) else "", language))
    total = batch_characters([d.text for d in parsed])
    if total > limits.RUNTIME_CHARACTERS_MAX:
        raise _bad_request(
            f"Request payload is too large to be processed ({total:,} characters). "
            f"Limit the request to {limits.RUNTIME_CHARACTERS_MAX:,} characters in all.",
            "InvalidDocumentBatch",
        )
    return parsed


def parse_job_task(raw: Any, index: int) -> RuntimeTask | UnsupportedTask:
    """A job's task: custom entity recognition, or another of Azure's kinds, which the job reports failed."""
    if isinstance(raw, dict) and raw.get("kind") in OTHER_JOB_TASK_KINDS:
        return UnsupportedTask(_task_name(raw, index, str(index)), raw["kind"])
    return parse_task(raw, index)


def _task_name(raw: dict[str, Any], index: int, default: str) -> str:
    name = raw.get("taskName")
    if name is None:
        return default
    if not isinstance(name, str):
        raise _bad_request(f"Task {index}: 'taskName' must be a string.", "InvalidParameterValue", f"tasks[{index}]")
    return name


def parse_task(raw: Any, index: int, *, default_name: str | None = None) -> RuntimeTask:
    if not isinstance(raw, dict):
        raise _bad_request(f"Task {index} must be an object.", "InvalidParameterValue", f"tasks[{index}]")
    kind = raw.get("kind")
    if kind != TASK_KIND:
        raise _bad_request(
            f"Task kind {kind!r} is not supported; this service runs '{TASK_KIND}'.", "InvalidParameterValue", "kind"
        )
    parameters = raw.get("parameters") or {}
    if not isinstance(parameters, dict):
        raise _bad_request("Task 'parameters' must be an object.", "InvalidParameterValue", "parameters")
    project_name, deployment_name = parameters.get("projectName"), parameters.get("deploymentName")
    if not project_name or not deployment_name:
        raise _bad_request(
            "Task parameters need 'projectName' and 'deploymentName'.", "InvalidParameterValue", "parameters"
        )
    if not isinstance(project_name, str) or not isinstance(deployment_name, str):
        raise _bad_request(
            "Task parameters 'projectName' and 'deploymentName' must be strings.", "InvalidParameterValue", "parameters"
        )
    index_type = parameters.get("stringIndexType", DEFAULT_INDEX_TYPE)
    if index_type == OLD_TEXT_ELEMENTS:
        index_type = DEFAULT_INDEX_TYPE
    if not isinstance(index_type, str) or index_type not in INDEX_TYPES:
        raise _bad_request(
            f"stringIndexType {index_type!r} is not one of {', '.join(INDEX_TYPES)}.",
            "InvalidParameterValue",
            "stringIndexType",
        )
    name = _task_name(raw, index, default_name if default_name is not None else str(index))
    return RuntimeTask(name, project_name, deployment_name, index_type)


def page_number(request: Request, name: str) -> int | None:
    """`top` or `skip` (also `$top`, `$skip`) of a job's result page."""
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
