"""`:import` and `:export`: all or nothing, every problem listed, exact UTF-16 <-> code point conversion."""

import copy
import io
import json
import zipfile

import pytest

from annotation.models import Document, EntityType, Label
from projects.models import Project
from tests.conftest import small_project


def import_project(api, body, name="loans"):
    return api.post(f"/projects/{name}/:import", body)


def export_project(api, name="loans", **query):
    started = api.post(f"/projects/{name}/:export", stringIndexType="Utf16CodeUnit", **query)
    job = api.follow(started).json()
    assert job["status"] == "succeeded"
    return api.get_absolute(job["resultUrl"]).json()


def database_state():
    return (
        list(Project.objects.values_list("name", "description")),
        list(EntityType.objects.values_list("project__name", "name")),
        list(Document.objects.values_list("project__name", "location", "text", "dataset")),
        list(Label.objects.values_list("document__location", "entity_type__name", "start", "end")),
    )


def test_import_converts_utf16_to_code_points(api):
    response = import_project(api, small_project())
    assert response.status_code == 202, response.content
    assert "/projects/loans/import/jobs/" in response["Operation-Location"]
    assert api.follow(response).json()["status"] == "succeeded"
    doc = Document.objects.get(location="02.txt")
    spans = [(doc.text[label.start : label.end], label.entity_type.name) for label in doc.labels.all()]
    assert spans == [("Ana Lopez", "Borrower"), ("$20.", "Amount")]
    assert [(label.start, label.end) for label in doc.labels.all()] == [(2, 11), (24, 28)]


def test_export_round_trips_exactly(api):
    body = small_project()
    import_project(api, body)
    exported = export_project(api)
    assert exported["stringIndexType"] == "Utf16CodeUnit"
    assert exported["metadata"]["projectName"] == "loans"
    assert exported["assets"]["entities"] == body["assets"]["entities"]
    for original, back in zip(body["assets"]["documents"], exported["assets"]["documents"], strict=True):
        assert back["location"] == original["location"]
        assert back.get("dataset") == original.get("dataset")
        assert "text" not in back
        labels = [label for region in original["entities"] for label in region["labels"]]
        assert back["entities"][0]["labels"] == labels


def test_export_include_text_embeds_texts_and_reimports(api):
    import_project(api, small_project())
    exported = export_project(api, includeText="true")
    assert exported["assets"]["documents"][1]["text"] == "😀 Ana Lopez borrowed 😀😀 $20."
    before = database_state()
    assert import_project(api, exported).status_code == 202
    assert database_state()[1:] == before[1:]


def test_import_from_zip_with_txt_files(api):
    body = small_project()
    archive = io.BytesIO()
    with zipfile.ZipFile(archive, "w") as z:
        for doc in body["assets"]["documents"]:
            z.writestr(doc.pop("location_text", doc["location"]), doc.pop("text").encode())
        z.writestr("labels.json", json.dumps(body))
    archive.seek(0)
    archive.name = "loans.zip"
    response = api.post_files("/projects/loans/:import", {"file": archive})
    assert response.status_code == 202, response.content
    assert Document.objects.get(location="02.txt").text.startswith("😀 Ana")


def test_import_replaces_same_name_project(api):
    import_project(api, small_project())
    smaller = small_project()
    smaller["assets"]["documents"] = smaller["assets"]["documents"][:1]
    smaller["assets"]["entities"] = [{"category": "Borrower"}, {"category": "Amount"}, {"category": "Date"}]
    import_project(api, smaller)
    assert list(Document.objects.values_list("location", flat=True)) == ["01.txt"]
    assert list(EntityType.objects.values_list("name", flat=True)) == ["Borrower", "Amount", "Date"]
    assert Project.objects.count() == 1


def _break(mutate):
    body = small_project()
    mutate(body)
    return body


def _docs(body):
    return body["assets"]["documents"]


BAD_FILES = {
    "unknown category": (
        lambda b: _docs(b)[0]["entities"][0]["labels"].append({"category": "Lender", "offset": 0, "length": 4}),
        ["01.txt", "'Lender' is not one of the project's entity types"],
    ),
    "label out of bounds": (
        lambda b: _docs(b)[0]["entities"][0]["labels"].append({"category": "Amount", "offset": 29, "length": 5}),
        ["01.txt", "outside the document"],
    ),
    "overlapping labels": (
        lambda b: _docs(b)[0]["entities"][0]["labels"].append({"category": "Amount", "offset": 13, "length": 7}),
        ["01.txt", "overlaps the Borrower label 'John Smith'"],
    ),
    "missing text": (
        lambda b: _docs(b)[1].pop("text"),
        ["02.txt", "No text for document '02.txt'"],
    ),
    "label inside a surrogate pair": (
        lambda b: _docs(b)[1]["entities"][0]["labels"].append({"category": "Amount", "offset": 1, "length": 1}),
        ["02.txt", "surrogate pair"],
    ),
    "document too long": (
        lambda b: _docs(b)[2].update(text="x" * 128_001),
        ["03.txt", "128,001 characters; the limit is 128,000"],
    ),
    "too many entity types": (
        lambda b: b["assets"]["entities"].extend({"category": f"T{i}"} for i in range(199)),
        ["at most 200 entity types"],
    ),
    "entity names differing only in case": (
        lambda b: b["assets"]["entities"].append({"category": "borrower"}),
        ["assets.entities", "Entity type 'borrower' differs only in case from the entity type 'Borrower'"],
    ),
    "bad entity name": (
        lambda b: b["assets"]["entities"].append({"category": "Amount$"}),
        ["assets.entities", "not allowed"],
    ),
    "label too long": (
        lambda b: _docs(b)[2].update(
            text="y" * 600, entities=[{"labels": [{"category": "Amount", "offset": 0, "length": 501}]}]
        ),
        ["03.txt", "501 characters long; the limit is 500"],
    ),
    "name mismatch": (
        lambda b: b["metadata"].update(projectName="other"),
        ["metadata.projectName", "does not match"],
    ),
    "wrong string index type": (
        lambda b: b.update(stringIndexType="UnicodeCodePoint"),
        ["stringIndexType"],
    ),
    "duplicate location": (
        lambda b: _docs(b).append(copy.deepcopy(_docs(b)[0])),
        ["01.txt", "appears more than once"],
    ),
}


@pytest.mark.parametrize("case", sorted(BAD_FILES))
def test_bad_import_is_400_listing_problems_and_changes_nothing(api, case):
    import_project(api, small_project())
    before = database_state()
    mutate, expected = BAD_FILES[case]
    response = import_project(api, _break(mutate))
    assert response.status_code == 400, response.content
    error = response.json()["error"]
    assert error["code"] == "InvalidArgument"
    flat = json.dumps(error["details"], ensure_ascii=False)
    for text in expected:
        assert text in flat
    assert database_state() == before


def test_bad_import_lists_every_problem_at_once(api):
    def mutate(body):
        _docs(body)[0]["entities"][0]["labels"].append({"category": "Nope", "offset": 0, "length": 4})
        _docs(body)[1].pop("text")
        _docs(body)[2]["text"] = ""

    response = import_project(api, _break(mutate))
    details = response.json()["error"]["details"]
    assert {d["target"] for d in details} == {"01.txt", "02.txt", "03.txt"}
    assert "3 problems" in response.json()["error"]["message"]
    assert not Project.objects.exists()


def test_malformed_json_import_is_400(api):
    response = api.post("/projects/loans/:import", raw=b'{"projectFileVersion": ')
    assert response.status_code == 400
    assert response.json()["error"]["innererror"]["code"] == "InvalidRequestBodyFormat"
    assert not Project.objects.exists()


def test_bad_zip_is_400(api):
    upload = io.BytesIO(b"PK\x03\x04 not really a zip")
    upload.name = "x.zip"
    response = api.post_files("/projects/loans/:import", {"file": upload})
    assert response.status_code == 400
    assert "not a valid zip" in response.json()["error"]["message"]


def test_export_requires_string_index_type(api):
    import_project(api, small_project())
    response = api.post("/projects/loans/:export")
    assert response.status_code == 400
    assert "stringIndexType" in response.json()["error"]["message"]


def test_export_job_of_another_users_project_is_hidden(api, make_api):
    import_project(api, small_project())
    job_url = api.post("/projects/loans/:export", stringIndexType="Utf16CodeUnit")["Operation-Location"]
    stranger = make_api("mallory")
    assert stranger.get_absolute(job_url).status_code == 404


def test_annotator_cannot_replace_a_project_by_import(api, make_api):
    from django.contrib.auth import get_user_model

    from projects.models import Membership, Role

    import_project(api, small_project())
    annotator = make_api("ann")
    Membership.objects.create(
        project=Project.objects.get(), user=get_user_model().objects.get(username="ann"), role=Role.ANNOTATOR
    )
    before = database_state()
    response = import_project(annotator, small_project())
    assert response.status_code == 403
    assert database_state() == before
