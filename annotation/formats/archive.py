"""Zip uploads: an Azure project file (`labels.json` or any single `.json`) plus the `.txt` files it names."""

from __future__ import annotations

import io
import json
import zipfile
from pathlib import PurePosixPath
from typing import Any

from annotation.formats import ProblemList

MAX_UNCOMPRESSED = 2 * 1024**3


def decode_text(raw: bytes, name: str, problems: ProblemList) -> str | None:
    """UTF-8 (a BOM is dropped); anything else is a problem for `name`."""
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError as error:
        problems.add(f"Not UTF-8 text (byte {error.start}); save the file as UTF-8.", name)
        return None
    return text[1:] if text.startswith("\ufeff") else text


def read_zip(data: bytes) -> tuple[dict[str, Any] | None, dict[str, str]]:
    """Returns (project file or None, texts by file name). Folders inside the zip are ignored in names."""
    problems = ProblemList()
    try:
        archive = zipfile.ZipFile(io.BytesIO(data))
    except zipfile.BadZipFile:
        problems.add("The upload is not a valid zip archive.")
        problems.raise_if_any("The upload")
    infos = [i for i in archive.infolist() if not i.is_dir() and not PurePosixPath(i.filename).name.startswith(".")]
    if sum(i.file_size for i in infos) > MAX_UNCOMPRESSED:
        problems.add("The zip expands to more than 2 GB.")
        problems.raise_if_any("The upload")
    texts: dict[str, str] = {}
    json_files = [i for i in infos if i.filename.lower().endswith(".json") and "__MACOSX" not in i.filename]
    project = None
    if json_files:
        chosen = next((i for i in json_files if PurePosixPath(i.filename).name == "labels.json"), None)
        if chosen is None and len(json_files) == 1:
            chosen = json_files[0]
        if chosen is None:
            problems.add("The zip holds several .json files; name the project file labels.json.")
        else:
            raw = decode_text(archive.read(chosen), chosen.filename, problems)
            if raw is not None:
                try:
                    project = json.loads(raw)
                except json.JSONDecodeError as error:
                    problems.add(
                        f"Malformed JSON at line {error.lineno}, column {error.colno}: {error.msg}.", chosen.filename
                    )
    for info in infos:
        name = PurePosixPath(info.filename).name
        if name.lower().endswith(".txt") and "__MACOSX" not in info.filename:
            text = decode_text(archive.read(info), name, problems)
            if text is not None:
                texts[name] = text
    problems.raise_if_any("The upload")
    return project, texts
