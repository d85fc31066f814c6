"""Azure custom NER service limits, authoring and runtime, each defined and checked here and nowhere else.

Every check raises `InvalidInput` with a message that says the limit; callers that collect many problems
(imports) catch it per item.
"""

from __future__ import annotations

import re
from datetime import timedelta

from studio.exceptions import ApplicationError, InvalidInput

NAME_MAX = 50
# Project, model and deployment names. NAME_CHARACTERS is also the browser's `pattern` in forms.
NAME_CHARACTERS = r"[A-Za-z0-9_.\-]"
NAME_PATTERN = re.compile(rf"^{NAME_CHARACTERS}{{1,{NAME_MAX}}}$")
# The same rule as an HTML `pattern` attribute (the browser anchors it and the maxlength bounds it).
NAME_INPUT_PATTERN = f"{NAME_CHARACTERS}+"
DOCUMENT_MIN_CHARS = 1
DOCUMENT_MAX_CHARS = 128_000
ENTITY_TYPES_MIN = 1
ENTITY_TYPES_MAX = 200
ENTITY_NAME_MAX = 50
ENTITY_NAME_FORBIDDEN = set(":$&%*()+~#/?")
LABEL_MIN_CHARS = 1
LABEL_MAX_CHARS = 500
DOCUMENTS_MAX = 100_000
DOCUMENT_LOCATION_MAX = 255
STORAGE_CONTAINER_NAME_MAX = 100  # what `Project.storage_input_container_name` holds
MODELS_MAX = 10
DEPLOYMENTS_MAX = 10
TRAINING_DOCUMENTS_MIN = 10
# The runtime (analyze-text): documents and characters per request; a longer document is a per-document error.
RUNTIME_DOCUMENTS_MAX = 25
RUNTIME_CHARACTERS_MAX = 125_000
# The runtime's request body, refused (413) from its Content-Length before it is read. Azure documents 1 MB; the
# studio takes 2 MiB so that 125,000 characters of any text fit even as JSON escapes (12 bytes for an emoji).
RUNTIME_REQUEST_BYTES_MAX = 2 * 1024 * 1024
# The runtime's load per web process (`modeling.services.runtime.admission` and `.background`). Prediction is
# CPU-bound: this many analyses run at once, and a call waits for its turn behind at most RUNTIME_ANALYSES_WAITING_MAX
# others and for at most RUNTIME_ANALYSIS_WAIT_MAX (a tiny job run inside its request too: one that gets no turn in
# time goes to the background, accepted). A process holds at most RUNTIME_JOBS_QUEUED_MAX background jobs not yet
# ended (such a handed-over job joins them even then). Past any of these a call is answered 429 (Azure's
# TooManyRequests) with this Retry-After, so under overload waits stay bounded and callers back off (Azure's SDKs
# retry a 429 after its Retry-After).
RUNTIME_ANALYSES_AT_ONCE = 2
RUNTIME_ANALYSES_WAITING_MAX = 32
RUNTIME_ANALYSIS_WAIT_MAX = timedelta(seconds=10)
RUNTIME_JOBS_QUEUED_MAX = 32
RUNTIME_RETRY_AFTER_SECONDS = 1
# How long job records answer: authoring jobs (import, export, training, deployments) a week, runtime jobs a day.
JOB_LIFETIME = timedelta(days=7)
RUNTIME_JOB_LIFETIME = timedelta(days=1)
RESERVED_PROJECT_NAMES = {"global"}
ROW_ID_MAX = 2**63 - 1  # the largest id a row can have: a larger number fails in the database (a 500), not as bad input


def is_row_id(value: object) -> bool:
    """Whether a value from a request body can be a row's id (a whole number, not a bool, in the database's range)."""
    return isinstance(value, int) and not isinstance(value, bool) and 0 < value <= ROW_ID_MAX


def check_name(name: object, *, what: str = "Project") -> str:
    """Project, model and deployment names: `[A-Za-z0-9_.-]`, 1-50 characters."""
    if not isinstance(name, str) or not NAME_PATTERN.match(name):
        raise InvalidInput(
            f"{what} name {name!r} is invalid: use 1-{NAME_MAX} characters from letters, digits, '_', '.' and '-'.",
            innererror_code="InvalidParameterValue",
        )
    if set(name) == {"."}:
        raise InvalidInput(f"{what} name {name!r} is invalid: it cannot be only dots (URLs would collapse it).")
    if what == "Project" and name.lower() in RESERVED_PROJECT_NAMES:
        raise InvalidInput(f"'{name}' is reserved by the API paths; choose another project name.")
    return name


def check_no_nul(value: str, *, what: str) -> str:
    """Text the studio stores holds no NUL character: PostgreSQL cannot store one, so no database takes it (JSON
    bodies are checked as they are parsed, `studio.parsers`; this is for text read from files)."""
    position = value.find("\x00")
    if position >= 0:
        raise InvalidInput(f"{what} holds a NUL character (byte 0) at position {position}; remove it.")
    return value


def check_document_text(text: object, *, location: str = "") -> str:
    where = f"Document '{location}'" if location else "The document"
    if not isinstance(text, str):
        raise InvalidInput(f"{where} has no text.")
    if len(text) < DOCUMENT_MIN_CHARS:
        raise InvalidInput(f"{where} is empty; a document needs at least {DOCUMENT_MIN_CHARS} character.")
    if len(text) > DOCUMENT_MAX_CHARS:
        raise InvalidInput(
            f"{where} has {len(text):,} characters; the limit is {DOCUMENT_MAX_CHARS:,}.",
        )
    check_no_nul(text, what=where)
    return text


def check_document_location(location: object) -> str:
    if not isinstance(location, str) or not location.strip():
        raise InvalidInput("A document needs a non-empty location (file name).")
    if len(location) > DOCUMENT_LOCATION_MAX:
        raise InvalidInput(f"Document location '{location[:40]}…' is longer than {DOCUMENT_LOCATION_MAX} characters.")
    if "/" in location or "\\" in location:
        raise InvalidInput(f"Document location '{location}' must be a plain file name without folders.")
    check_no_nul(location, what="A document location")
    return location


def check_entity_name(name: object) -> str:
    if not isinstance(name, str) or not name.strip():
        raise InvalidInput("An entity type needs a non-empty name.")
    if name != name.strip():
        raise InvalidInput(f"Entity type name '{name}' must not start or end with spaces.")
    if len(name) > ENTITY_NAME_MAX:
        raise InvalidInput(f"Entity type name '{name}' is longer than {ENTITY_NAME_MAX} characters.")
    check_no_nul(name, what="An entity type name")
    bad = sorted(set(name) & ENTITY_NAME_FORBIDDEN)
    if bad:
        raise InvalidInput(
            f"Entity type name '{name}' contains {' '.join(bad)}; these are not allowed: "
            + " ".join(sorted(ENTITY_NAME_FORBIDDEN))
            + "."
        )
    return name


def check_entity_type_count(count: int) -> None:
    if count > ENTITY_TYPES_MAX:
        raise InvalidInput(f"A project can have at most {ENTITY_TYPES_MAX} entity types; this would make {count}.")


def check_label_span(start: object, end: object, text_length: int) -> None:
    """A label is 1-500 characters and lies inside its document."""
    if not isinstance(start, int) or not isinstance(end, int) or isinstance(start, bool) or isinstance(end, bool):
        raise InvalidInput(f"Label offsets must be integers, got {start!r} and {end!r}.")
    if start == end:
        raise InvalidInput(f"Label [{start}, {end}) is empty; a label covers at least {LABEL_MIN_CHARS} character.")
    if start < 0 or end > text_length or start > end:
        raise InvalidInput(f"Label [{start}, {end}) is outside the document (length {text_length}).")
    if end - start > LABEL_MAX_CHARS:
        raise InvalidInput(f"Label [{start}, {end}) is {end - start} characters long; the limit is {LABEL_MAX_CHARS}.")


def check_storage_container_name(name: object) -> str:
    if not isinstance(name, str) or len(name) > STORAGE_CONTAINER_NAME_MAX:
        raise InvalidInput(
            f"storageInputContainerName {name!r:.60} is not a name of at most {STORAGE_CONTAINER_NAME_MAX} characters.",
            target="storageInputContainerName",
        )
    return name


def check_document_count(count: int) -> None:
    if count > DOCUMENTS_MAX:
        raise InvalidInput(f"A project can have at most {DOCUMENTS_MAX:,} documents; this would make {count:,}.")


def check_runtime_request_bytes(length: int) -> None:
    """A runtime request body over `RUNTIME_REQUEST_BYTES_MAX` is refused before it is read (or stored)."""
    if length > RUNTIME_REQUEST_BYTES_MAX:
        raise ApplicationError(
            f"Request payload is too large ({length:,} bytes). Limit the request to {RUNTIME_REQUEST_BYTES_MAX:,} "
            f"bytes, {RUNTIME_DOCUMENTS_MAX} documents and {RUNTIME_CHARACTERS_MAX:,} characters in all.",
            code="InvalidRequest",
            status=413,
            innererror_code="InvalidDocumentBatch",
        )


# Request bodies, refused (413) from their Content-Length before anything reads them (`studio.request_size`): an
# endpoint that takes files or a project says its own cap, every other one has the default. (The runtime refuses
# more than `RUNTIME_REQUEST_BYTES_MAX` itself, with Azure's runtime error.)
REQUEST_BYTES_MAX = 32 * 1024 * 1024
# An import or upload: the authoring API's `:import` body (a project file with its texts inline, or a zip) and the
# documents page's files together. A zip's files once expanded count against it too, so a zip holds no more than the
# same project as JSON. Sized so that reading the largest accepted input stays within about 200 MB of a web
# process's memory (`bench/upload_memory_bench.py`); larger projects come in several uploads.
IMPORT_BYTES_MAX = 48 * 1024 * 1024
# One document's file: UTF-8 spends at most 4 bytes a character (and a byte order mark 3 more).
DOCUMENT_FILE_BYTES_MAX = DOCUMENT_MAX_CHARS * 4 + 3
# Entries of a zip (documents, the project file, folders, macOS `__MACOSX` companions), counted before it is opened.
ARCHIVE_MEMBERS_MAX = DOCUMENTS_MAX + 1_000


def request_too_large(length: int, limit: int, *, what: str = "The request body") -> ApplicationError:
    """The 413 a body over `limit` bytes gets (Azure's error; pages show its message)."""
    return ApplicationError(
        f"{what} is {length:,} bytes; the limit is {limit:,} bytes ({limit / 1024**2:g} MiB). "
        "Split the data into several uploads.",
        code="InvalidRequest",
        status=413,
        innererror_code="RequestTooLarge",
    )


# A request that finds the database busy (another write holding SQLite's lock beyond the connection's timeout) is
# answered 503 with this Retry-After, never a 500 (`studio.database.database_busy`).
DATABASE_BUSY_RETRY_AFTER_SECONDS = 2


# Signing in (`projects/login_throttle.py`). Failed sign-ins count for a cool-off period: this many for one account
# (from anywhere) or from one address (for any accounts) lock further sign-ins there until the cool-off has passed;
# an address gets more, so one person's typos do not lock out colleagues behind the same address.
LOGIN_FAILURES_PER_ACCOUNT = 5
LOGIN_FAILURES_PER_ADDRESS = 20
LOGIN_COOLOFF = timedelta(minutes=15)
# A password check (PBKDF2) keeps a core busy for about half a second; each web process checks this many at once and
# a sign-in waits at most this long for its turn, so a burst of sign-ins cannot take the CPU the runtime needs.
LOGIN_PASSWORD_CHECKS_AT_ONCE = 1
LOGIN_PASSWORD_CHECK_WAIT = timedelta(seconds=1)
