"""What PostgreSQL cannot store is refused as a 400 on every database, before anything is written: a NUL character
anywhere in a request or a file, and a value longer than its column (SQLite would keep it, PostgreSQL raised a 500)."""

from __future__ import annotations

import io
import json
import zipfile

import pytest

from projects.models import Project
from tests.annotation.apis.test_authoring_bad_input import assert_azure_400, broken


@pytest.mark.parametrize(
    "mutate, where",
    [
        (lambda b: b["assets"]["documents"][2].update(text="Nothing\x00 here."), "assets.documents[2].text"),
        (lambda b: b["assets"]["entities"].append({"category": "X\x00"}), "assets.entities[2].category"),
        (lambda b: b["metadata"].update(description="\x00"), "metadata.description"),
        (lambda b: b["metadata"].update(settings={"a": "\x00"}), "metadata.settings.a"),
    ],
)
def test_a_nul_character_in_an_import_is_a_400(api, mutate, where):
    error = assert_azure_400(api.post("/projects/loans/:import", broken(mutate)), where, "NUL character")
    assert error["innererror"]["code"] == "InvalidRequestBodyFormat"
    assert not Project.objects.exists()


def test_a_nul_character_in_a_text_file_of_a_zip_is_a_400(api):
    body = broken(lambda b: None)
    for document in body["assets"]["documents"]:
        document.pop("text")
    archive = io.BytesIO()
    with zipfile.ZipFile(archive, "w") as zipped:
        zipped.writestr("labels.json", json.dumps(body))
        zipped.writestr("01.txt", "Loan to John Smith for $5,000.")
        zipped.writestr("02.txt", "😀 Ana Lopez borrowed 😀😀 $20.")
        zipped.writestr("03.txt", "Nothing\x00here.")
    archive.seek(0)
    archive.name = "project.zip"
    response = api.post_files("/projects/loans/:import", {"file": archive})
    assert_azure_400(response, "Document '03.txt' holds a NUL character (byte 0) at position 7; remove it.")
    assert not Project.objects.exists()


def test_a_nul_character_in_a_patch_is_a_400(api):
    assert_azure_400(api.patch("/projects/loans", {"language": "en-us", "description": "a\x00"}), "NUL character")
    assert not Project.objects.exists()


LONG_LANGUAGE = "en-" + "-".join(["abcdefgh"] * 3)  # well-formed, but 29 characters: the column holds 20


def test_a_language_longer_than_its_column_is_a_400_on_import(api):
    response = api.post("/projects/loans/:import", broken(lambda b: b["metadata"].update(language=LONG_LANGUAGE)))
    assert_azure_400(response, "is not a language code", "metadata.language")
    assert not Project.objects.exists()


def test_a_language_longer_than_its_column_is_a_400_on_create_and_update(api):
    error = assert_azure_400(api.patch("/projects/loans", {"language": LONG_LANGUAGE}), "is not a language code")
    assert error["target"] == "language"
    assert not Project.objects.exists()
    assert api.patch("/projects/loans", {"language": "en-us"}).status_code == 201
    assert_azure_400(api.patch("/projects/loans", {"language": LONG_LANGUAGE}), "is not a language code")
    assert Project.objects.get().language == "en-us"


def test_a_storage_container_name_longer_than_its_column_is_a_400(api):
    name = "c" * 101
    assert_azure_400(
        api.patch("/projects/loans", {"language": "en-us", "storageInputContainerName": name}), "at most 100"
    )
    response = api.post(
        "/projects/loans/:import", broken(lambda b: b["metadata"].update(storageInputContainerName=name))
    )
    assert_azure_400(response, "at most 100", "metadata.storageInputContainerName")
    assert not Project.objects.exists()
