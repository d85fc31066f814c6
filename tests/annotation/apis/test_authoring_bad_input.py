"""Wrong JSON types and lone surrogates sent to the authoring API are Azure 400s that change nothing, never an HTML
500 or a value stored as the text of a Python list."""

from __future__ import annotations

import io
import json
import zipfile

import pytest

from projects.models import Project
from tests.conftest import small_project


def broken(mutate) -> dict:
    body = small_project()
    mutate(body)
    return body


def region(body: dict) -> dict:
    return body["assets"]["documents"][0]["entities"][0]


def assert_azure_400(response, *expected: str) -> dict:
    assert response.status_code == 400, response.content
    assert response["Content-Type"].startswith("application/json")
    error = response.json()["error"]
    flat = json.dumps(error, ensure_ascii=False)
    for text in expected:
        assert text in flat
    return error


@pytest.mark.parametrize(
    "mutate, expected",
    [
        (lambda b: region(b).update(labels=5), "'labels' must be a list"),
        (lambda b: region(b).update(labels={"category": "Amount"}), "'labels' must be a list"),
        (lambda b: b["metadata"].update(multilingual="abc"), "'metadata.multilingual' must be true or false"),
        (lambda b: b["metadata"].update(settings=[1]), "'metadata.settings' must be an object"),
        (lambda b: b["metadata"].update(description=["a"]), "'metadata.description' must be a string"),
        (lambda b: b["metadata"].update(language=5), "'metadata.language' must be a string"),
        (lambda b: b["metadata"].update(storageInputContainerName={}), "'metadata.storageInputContainerName'"),
        (lambda b: b["assets"]["documents"][0].update(language=5), "'language' must be a string"),
    ],
)
def test_an_import_with_wrong_types_is_a_400_listing_them(api, mutate, expected):
    error = assert_azure_400(api.post("/projects/loans/:import", broken(mutate)), expected)
    assert error["code"] == "InvalidArgument"
    assert not Project.objects.exists()


@pytest.mark.parametrize(
    "mutate, where",
    [
        (lambda b: b["assets"]["documents"][2].update(text="Nothing \ud800 here."), "assets.documents[2].text"),
        (lambda b: b["assets"]["entities"].append({"category": "X\udc00"}), "assets.entities[2].category"),
        (lambda b: b["metadata"].update(description="\ud83d"), "metadata.description"),
    ],
)
def test_a_lone_surrogate_in_an_import_is_a_400(api, mutate, where):
    error = assert_azure_400(api.post("/projects/loans/:import", broken(mutate)), where, "surrogate")
    assert error["innererror"]["code"] == "InvalidRequestBodyFormat"
    assert not Project.objects.exists()


def test_a_lone_surrogate_in_an_uploaded_project_file_or_zip_is_a_400(api):
    text = json.dumps(broken(lambda b: b["assets"]["documents"][2].update(text="a\ud800")))
    upload = io.BytesIO(text.encode())
    upload.name = "labels.json"
    assert_azure_400(api.post_files("/projects/loans/:import", {"file": upload}), "surrogate")

    archive = io.BytesIO()
    with zipfile.ZipFile(archive, "w") as zipped:
        zipped.writestr("labels.json", text)
    archive.seek(0)
    archive.name = "project.zip"
    assert_azure_400(api.post_files("/projects/loans/:import", {"file": archive}), "surrogate")
    assert not Project.objects.exists()


def test_a_surrogate_in_a_key_is_named_without_breaking_the_answer(api):
    response = api.post("/projects/loans/:import", raw='{"metadata": {"\\ud800": 1}}')
    assert_azure_400(response, "metadata.\\\\ud800")


@pytest.mark.parametrize(
    "field, value, expected",
    [
        ("multilingual", "abc", "'multilingual' must be true or false"),
        ("description", ["a"], "'description' must be a string"),
        ("settings", [1], "'settings' must be an object"),
        ("language", 5, "'language' must be a string"),
        ("storageInputContainerName", {}, "'storageInputContainerName' must be a string"),
    ],
)
def test_patch_refuses_wrong_types_on_create_and_update(api, field, value, expected):
    create = api.patch("/projects/fresh", {"language": "en-us", field: value})
    assert assert_azure_400(create, expected)["target"] == field
    assert not Project.objects.filter(name="fresh").exists()

    assert api.patch("/projects/loans", {"language": "en-us", "description": "kept"}).status_code == 201
    assert_azure_400(api.patch("/projects/loans", {field: value}), expected)
    project = Project.objects.get(name="loans")
    assert (project.language, project.multilingual, project.description, project.settings) == (
        "en-us", False, "kept", {}
    )  # fmt: skip


def test_patch_with_a_lone_surrogate_is_a_400(api):
    assert_azure_400(api.patch("/projects/loans", {"language": "en-us", "description": "a\ud800"}), "surrogate")
    assert not Project.objects.exists()
