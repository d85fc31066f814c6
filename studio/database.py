"""SQLite's "database is locked" (a write that waited out the connection's timeout for another's lock) is a
retryable 503, never a 500: the API handler, the pages' middleware and the 500 handler all ask `database_busy`."""

from __future__ import annotations

from django.db import OperationalError

from studio import limits
from studio.exceptions import ServiceBusy


def database_busy(exc: BaseException) -> ServiceBusy | None:
    """The retryable error for a busy database; None for any other error."""
    if not isinstance(exc, OperationalError) or "locked" not in str(exc):
        return None
    return ServiceBusy(
        "The database is busy with another change (such as a large import), so this request was not carried out. "
        f"Try again in {limits.DATABASE_BUSY_RETRY_AFTER_SECONDS} seconds.",
        retry_after=limits.DATABASE_BUSY_RETRY_AFTER_SECONDS,
        innererror_code="DatabaseBusy",
    )
