"""Domain errors. Services raise these; `studio.api.exception_handler` turns them into Azure error bodies
and the pages show their message."""

from __future__ import annotations

from typing import Any


class ApplicationError(Exception):
    """An error a caller can act on, with Azure's error vocabulary.

    Args:
        message: what went wrong, for a person.
        code: Azure's top-level `ErrorCode` (InvalidRequest, NotFound, Conflict, ...).
        status: HTTP status for API callers.
        innererror_code: Azure's `InnerErrorCode`, more specific than `code`.
        details: further errors (each an Azure `Error` dict), e.g. every problem in an import file.
        target: what the error is about (a field, a document location).
    """

    code = "InvalidRequest"
    status = 400

    def __init__(
        self,
        message: str,
        *,
        code: str | None = None,
        status: int | None = None,
        innererror_code: str | None = None,
        details: list[dict[str, Any]] | None = None,
        target: str | None = None,
    ) -> None:
        super().__init__(message)
        self.message = message
        if code:
            self.code = code
        if status:
            self.status = status
        self.innererror_code = innererror_code
        self.details = details or []
        self.target = target

    def as_error(self) -> dict[str, Any]:
        """The Azure `Error` object (without the outer `{"error": ...}`)."""
        error: dict[str, Any] = {"code": self.code, "message": self.message}
        if self.target:
            error["target"] = self.target
        if self.details:
            error["details"] = self.details
        if self.innererror_code:
            error["innererror"] = {"code": self.innererror_code, "message": self.message}
        return error


class InvalidInput(ApplicationError):
    """Bad input: a limit exceeded, a malformed value, a broken rule."""

    code = "InvalidArgument"
    status = 400


class NotFound(ApplicationError):
    code = "NotFound"
    status = 404


class PermissionDenied(ApplicationError):
    code = "Forbidden"
    status = 403


class Conflict(ApplicationError):
    code = "Conflict"
    status = 409


class ServiceBusy(ApplicationError):
    """Retryable: the caller should try again after `retry_after` seconds (sent as `Retry-After`)."""

    code = "ServiceUnavailable"
    status = 503

    def __init__(self, message: str, *, retry_after: int, **kwargs: Any) -> None:
        super().__init__(message, **kwargs)
        self.retry_after = retry_after


def problem(message: str, *, target: str | None = None, code: str = "InvalidArgument") -> dict[str, Any]:
    """One entry of an error's `details` list."""
    entry: dict[str, Any] = {"code": code, "message": message}
    if target:
        entry["target"] = target
    return entry
