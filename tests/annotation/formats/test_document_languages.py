"""Each document's language through the readers and writers: kept, checked for shape, and, in a project that
is not multilingual, the project's (Azure's rule)."""

import json

import pytest

from annotation.formats import DocumentData, FormatProblems, ProjectData
from annotation.formats.azure import read_project, write_project
from annotation.formats.jsonl import read_jsonl, write_jsonl
from tests.conftest import small_project


def multilingual_file() -> dict:
    body = small_project(name="news")
    body["metadata"]["multilingual"] = True
    documents = body["assets"]["documents"]
    documents[0]["language"], documents[1]["language"] = "fr", "de"
    del documents[2]["language"]  # names none: the project's
    return body


def messages(raised) -> list[str]:
    return [f"{p.get('target')}: {p['message']}" for p in raised.value.problems]


def test_a_multilingual_azure_file_keeps_each_documents_language_through_read_and_write():
    project = read_project(multilingual_file())
    assert [d.language for d in project.documents] == ["fr", "de", ""]
    written = write_project(project, include_text=True)
    assert [d["language"] for d in written["assets"]["documents"]] == ["fr", "de", "en-us"]
    again = read_project(written)
    assert [d.language for d in again.documents] == ["fr", "de", "en-us"] and again.multilingual is True


def test_a_file_that_is_not_multilingual_must_have_every_document_in_the_project_language():
    body = small_project()
    body["assets"]["documents"][1]["language"] = "fr"
    body["assets"]["documents"][2]["language"] = "EN-US"  # the same code in another case is the same language
    with pytest.raises(FormatProblems) as raised:
        read_project(body)
    assert messages(raised) == [
        "02.txt: The document is in 'fr', but the project is not multilingual, so every document is in its "
        "language, 'en-us'. Set 'metadata.multilingual' to true for documents in several languages."
    ]
    body["metadata"]["multilingual"] = True
    assert [d.language for d in read_project(body).documents] == ["en-us", "fr", "EN-US"]


@pytest.mark.parametrize("code", ["english", "en_US", "x" * 30])
def test_a_document_language_that_is_no_language_code_is_refused(code):
    body = multilingual_file()
    body["assets"]["documents"][0]["language"] = code
    with pytest.raises(FormatProblems) as raised:
        read_project(body)
    assert (
        f"01.txt: Language {code!r:.40} is not a language code: give a BCP-47 code such as 'en-us'"
        in messages(raised)[0]
    )


def test_jsonl_keeps_each_documents_language_and_refuses_what_is_no_code():
    documents = [
        DocumentData("a.txt", "Bonjour Paris", language="fr"),
        DocumentData("b.txt", "Hello", language=""),
    ]
    assert read_jsonl(write_jsonl(documents)) == documents
    bad = json.dumps({"id": "c.txt", "text": "Hallo", "language": "German"})
    with pytest.raises(FormatProblems) as raised:
        read_jsonl(bad)
    assert "c.txt: Language 'German' is not a language code" in messages(raised)[0]


def test_a_written_project_that_is_not_multilingual_names_the_project_language_for_every_document():
    project = ProjectData(name="p", language="de", documents=[DocumentData("a.txt", "Hallo")])
    assert write_project(project)["assets"]["documents"][0]["language"] == "de"
