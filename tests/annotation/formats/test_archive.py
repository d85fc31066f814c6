"""Zips are read within the import's limits: entries counted before the zip is opened, sizes checked before a byte is
expanded, reads bounded; and two files that would be one document are refused, naming both."""

from __future__ import annotations

import io
import struct
import zipfile

import pytest

from annotation.formats import FormatProblems
from annotation.formats.archive import read_zip
from studio import limits


def make_zip(members: dict[str, bytes | str]) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        for name, data in members.items():
            archive.writestr(name, data)
    return buffer.getvalue()


def problems_of(data: bytes) -> list[str]:
    with pytest.raises(FormatProblems) as raised:
        read_zip(data)
    return [(p.get("target") or "") + ": " + p["message"] for p in raised.value.problems]


@pytest.fixture
def expansions(monkeypatch):
    """The member names `zipfile` was asked to expand."""
    opened: list[str] = []
    original = zipfile.ZipFile.open

    def spy(self, name, *args, **kwargs):
        opened.append(getattr(name, "filename", name))
        return original(self, name, *args, **kwargs)

    monkeypatch.setattr(zipfile.ZipFile, "open", spy)
    return opened


def test_a_zip_bomb_is_refused_from_its_declared_size_without_expanding_it(expansions):
    bomb = make_zip({"labels.json": "{}", "bomb.txt": b"\0" * (32 * 1024**2)})  # 32 MiB of text in 32 KB
    assert len(bomb) < 100_000
    expansions.clear()
    messages = problems_of(bomb)
    assert messages == [
        f"bomb.txt: The file expands to more than {limits.DOCUMENT_FILE_BYTES_MAX:,} bytes; a document is at most "
        f"{limits.DOCUMENT_MAX_CHARS:,} characters."
    ]
    assert "bomb.txt" not in expansions


def test_a_member_that_lies_about_its_size_is_read_no_further_than_it_says():
    data = bytearray(make_zip({"a.txt": b"x" * 1000}))
    directory = data.rindex(b"PK\x01\x02")
    struct.pack_into("<I", data, directory + 24, 10)  # the directory claims 10 bytes; the data holds 1,000
    messages = problems_of(bytes(data))
    assert len(messages) == 1 and messages[0].startswith("a.txt: The file cannot be read from the zip")


def test_files_expanding_past_the_import_limit_together_are_refused_before_any_is_read(monkeypatch, expansions):
    monkeypatch.setattr(limits, "IMPORT_BYTES_MAX", 10_000)
    data = make_zip({f"{i}.txt": "word " * 1000 for i in range(3)})
    expansions.clear()
    messages = problems_of(data)
    assert messages == [
        ": The zip's files expand to 15,000 bytes; an import is at most 10,000 bytes (0.00953674 MiB). "
        "Split it into several uploads."
    ]
    assert expansions == []


def test_a_document_over_the_character_limit_is_refused_with_the_limits_message():
    messages = problems_of(make_zip({"long.txt": "a" * (limits.DOCUMENT_MAX_CHARS + 1)}))
    assert messages == [
        f"long.txt: Document 'long.txt' has {limits.DOCUMENT_MAX_CHARS + 1:,} characters; the limit is "
        f"{limits.DOCUMENT_MAX_CHARS:,}."
    ]


def test_too_many_entries_are_refused_before_the_zip_is_opened_even_when_its_end_record_lies(monkeypatch):
    monkeypatch.setattr(limits, "ARCHIVE_MEMBERS_MAX", 10)
    data = bytearray(make_zip({f"{i}.txt": "x" for i in range(20)}))
    end = data.rindex(b"PK\x05\x06")
    struct.pack_into("<HH", data, end + 8, 5, 5)  # the end record claims 5 entries
    honest = make_zip({f"{i}.txt": "x" for i in range(20)})
    opened = []
    monkeypatch.setattr(zipfile.ZipFile, "__init__", lambda self, *a, **k: opened.append(a))
    for zipped in (honest, bytes(data)):
        assert problems_of(zipped) == [
            f": The zip holds more than 10 entries; a project has at most {limits.DOCUMENTS_MAX:,} documents. "
            "Split it into several uploads."
        ]
    assert opened == []


def test_a_zip_within_the_limits_reads_from_bytes_or_a_file():
    data = make_zip({"labels.json": '{"a": 1}', "docs/a.txt": "\ufeffAlpha", "b.txt": "Beta", "__MACOSX/._b.txt": "x"})
    assert read_zip(data) == ({"a": 1}, {"a.txt": "Alpha", "b.txt": "Beta"})
    assert read_zip(io.BytesIO(data)) == ({"a": 1}, {"a.txt": "Alpha", "b.txt": "Beta"})


def test_two_files_with_one_name_in_different_folders_are_refused_naming_both():
    messages = problems_of(make_zip({"a/x.txt": "first", "b/x.txt": "second", "y.txt": "fine"}))
    assert messages == [
        "x.txt: Two files in the zip, 'a/x.txt' and 'b/x.txt', are both the document 'x.txt' (folders are not part "
        "of a document's name); rename one."
    ]
