"""Zip uploads: an Azure project file (`labels.json` or any single `.json`) plus the `.txt` files it names.

Nothing is expanded on trust: the zip's entries are counted from its directory before `zipfile` makes an object of
each, the members' declared sizes are checked against the import's limits before a byte is expanded (`zipfile`
never yields more than a member declares), and each read stops at its member's cap. So a small zip that would
expand to gigabytes costs a few kilobytes of memory to refuse.
"""

from __future__ import annotations

import io
import json
import struct
import zipfile
import zlib
from pathlib import PurePosixPath
from typing import Any, BinaryIO

from annotation.formats import FormatProblems, ProblemList
from studio import limits

_DIRECTORY_ENTRY = struct.Struct("<4s24xHHH12x")  # a central directory header: signature ... name/extra/comment lengths
_DIRECTORY_SIGNATURE = b"PK\x01\x02"


def decode_text(raw: bytes, name: str, problems: ProblemList) -> str | None:
    """UTF-8 (a BOM is dropped); anything else is a problem for `name`."""
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError as error:
        problems.add(f"Not UTF-8 text (byte {error.start}); save the file as UTF-8.", name)
        return None
    return text[1:] if text.startswith("\ufeff") else text


def read_zip(source: bytes | BinaryIO) -> tuple[dict[str, Any] | None, dict[str, str]]:
    """Returns (project file or None, texts by file name) from a zip's bytes or a seekable binary file.

    Folders inside the zip are not part of names: two files with one name in different folders are refused.
    """
    problems = ProblemList()
    archive = _open(io.BytesIO(source) if isinstance(source, bytes | bytearray) else source, problems)
    infos = [
        i
        for i in archive.infolist()
        if not i.is_dir() and not PurePosixPath(i.filename).name.startswith(".") and "__MACOSX" not in i.filename
    ]
    json_files = [i for i in infos if i.filename.lower().endswith(".json")]
    text_files = [i for i in infos if i.filename.lower().endswith(".txt")]
    chosen = None
    if json_files:
        chosen = next((i for i in json_files if PurePosixPath(i.filename).name == "labels.json"), None)
        if chosen is None and len(json_files) == 1:
            chosen = json_files[0]
        if chosen is None:
            problems.add("The zip holds several .json files; name the project file labels.json.")
    expanded = sum(i.file_size for i in text_files) + (chosen.file_size if chosen else 0)
    if expanded > limits.IMPORT_BYTES_MAX:
        problems.add(
            f"The zip's files expand to {expanded:,} bytes; an import is at most {limits.IMPORT_BYTES_MAX:,} bytes "
            f"({limits.IMPORT_BYTES_MAX / 1024**2:g} MiB). Split it into several uploads."
        )
        problems.raise_if_any("The upload")
    project = None
    if chosen is not None:
        too_large = f"The project file expands to more than {limits.IMPORT_BYTES_MAX:,} bytes; split the upload."
        raw = _read_member(archive, chosen, limits.IMPORT_BYTES_MAX, problems, too_large=too_large)
        text = decode_text(raw, chosen.filename, problems) if raw is not None else None
        if text is not None:
            try:
                project = json.loads(text)
            except json.JSONDecodeError as error:
                problems.add(
                    f"Malformed JSON at line {error.lineno}, column {error.colno}: {error.msg}.", chosen.filename
                )
            except RecursionError:
                problems.add("The project file nests arrays or objects too deeply.", chosen.filename)
    too_long = (
        f"The file expands to more than {limits.DOCUMENT_FILE_BYTES_MAX:,} bytes; a document is at most "
        f"{limits.DOCUMENT_MAX_CHARS:,} characters."
    )
    texts: dict[str, str] = {}
    paths: dict[str, str] = {}  # document name -> the path in the zip that gave it
    for info in text_files:
        name = PurePosixPath(info.filename).name
        if name in paths:
            problems.add(
                f"Two files in the zip, '{paths[name]}' and '{info.filename}', are both the document '{name}' "
                "(folders are not part of a document's name); rename one.",
                name,
            )
            texts.pop(name, None)
            continue
        paths[name] = info.filename
        raw = _read_member(archive, info, limits.DOCUMENT_FILE_BYTES_MAX, problems, too_large=too_long)
        text = decode_text(raw, name, problems) if raw is not None else None
        if text is not None and len(text) > limits.DOCUMENT_MAX_CHARS:
            with problems.collect(name):
                limits.check_document_text(text, location=name)
        elif text is not None:
            texts[name] = text
    problems.raise_if_any("The upload")
    return project, texts


def _open(source: BinaryIO, problems: ProblemList) -> zipfile.ZipFile:
    """The zip, once its directory holds no more entries than an import may (counted before `zipfile` reads it)."""
    try:
        count = _entry_count(source, stop_after=limits.ARCHIVE_MEMBERS_MAX)
        if count <= limits.ARCHIVE_MEMBERS_MAX:
            return zipfile.ZipFile(source)
    except (zipfile.BadZipFile, OSError, EOFError, ValueError, struct.error):
        problems.add("The upload is not a valid zip archive.")
    else:
        problems.add(
            f"The zip holds more than {limits.ARCHIVE_MEMBERS_MAX:,} entries; a project has at most "
            f"{limits.DOCUMENTS_MAX:,} documents. Split it into several uploads."
        )
    raise FormatProblems(list(problems), what="The upload")


def _entry_count(source: BinaryIO, *, stop_after: int) -> int:
    """The entries of the zip's central directory, walked header by header (at most `stop_after` + 1 of them): its
    end record's own count can lie, and `zipfile` would make an object of every entry before anyone could count."""
    end = zipfile._EndRecData(source)  # the end record, as `zipfile.ZipFile` itself finds it
    if end is None:
        raise zipfile.BadZipFile("no end of central directory record")
    if end[zipfile._ECD_ENTRIES_TOTAL] > stop_after:
        return end[zipfile._ECD_ENTRIES_TOTAL]
    size = end[zipfile._ECD_SIZE]
    start = end[zipfile._ECD_LOCATION] - size
    if end[zipfile._ECD_SIGNATURE] == zipfile.stringEndArchive64:
        start -= zipfile.sizeEndCentDir64 + zipfile.sizeEndCentDir64Locator
    source.seek(start)
    count = walked = 0
    while walked + _DIRECTORY_ENTRY.size <= size and count <= stop_after:
        header = source.read(_DIRECTORY_ENTRY.size)
        if len(header) < _DIRECTORY_ENTRY.size:
            break
        signature, name, extra, comment = _DIRECTORY_ENTRY.unpack(header)
        if signature != _DIRECTORY_SIGNATURE:
            break
        source.seek(name + extra + comment, io.SEEK_CUR)
        walked += _DIRECTORY_ENTRY.size + name + extra + comment
        count += 1
    return count


def _read_member(
    archive: zipfile.ZipFile, info: zipfile.ZipInfo, cap: int, problems: ProblemList, *, too_large: str
) -> bytes | None:
    """The member's bytes, read no further than `cap`; None (and a problem) when it is larger or damaged."""
    if info.file_size > cap:
        problems.add(too_large, info.filename)
        return None
    try:
        with archive.open(info) as member:
            raw = member.read(cap + 1)
    except (zipfile.BadZipFile, zlib.error, EOFError, NotImplementedError, RuntimeError) as error:
        problems.add(f"The file cannot be read from the zip ({error}).", info.filename)
        return None
    if len(raw) > cap:
        problems.add(too_large, info.filename)
        return None
    return raw
