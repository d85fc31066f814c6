"""Request bodies are refused (413) from their Content-Length before anything reads them, each endpoint with its
cap: the import API and the upload page take an import's worth (`limits.IMPORT_BYTES_MAX`), everything else less."""

from __future__ import annotations

import io
import json
import zipfile

from django.test import Client

from projects.services.projects import project_create
from studio import limits
from tests.conftest import small_project
from tests.studio.test_api_errors import assert_azure_error

IMPORT = "/language/authoring/analyze-text/projects/loans/:import?api-version=2023-04-01"


def refuse_reading(monkeypatch):
    """Makes every body reader fail, so a test shows the refusal came before any of them."""

    def read(*args, **kwargs):
        raise AssertionError("the body was read")

    monkeypatch.setattr("annotation.apis.authoring._import_payload", read)
    monkeypatch.setattr("django.http.multipartparser.MultiPartParser.parse", read)


def test_an_import_body_over_the_import_limit_is_a_413_before_it_is_read(api, monkeypatch):
    refuse_reading(monkeypatch)
    too_long = str(limits.IMPORT_BYTES_MAX + 1)
    for content_type in ("application/json", "multipart/form-data; boundary=x"):
        response = api.client.post(
            IMPORT, "{}", content_type=content_type, headers=api._headers(), CONTENT_LENGTH=too_long
        )
        error = assert_azure_error(response, 413, "InvalidRequest")
        assert error["innererror"]["code"] == "RequestTooLarge"
        assert error["message"] == (
            f"The request body is {limits.IMPORT_BYTES_MAX + 1:,} bytes; the limit is {limits.IMPORT_BYTES_MAX:,} "
            f"bytes ({limits.IMPORT_BYTES_MAX / 1024**2:g} MiB). Split the data into several uploads."
        )


def test_an_import_within_the_limit_is_taken(api):
    response = api.post("/projects/loans/:import", small_project())
    assert response.status_code == 202, response.content


def test_other_endpoints_take_the_default_limit(api):
    length = str(limits.REQUEST_BYTES_MAX + 1)
    response = api.client.patch(
        "/language/authoring/analyze-text/projects/loans?api-version=2023-04-01",
        "{}",
        content_type="application/merge-patch+json",
        headers=api._headers(),
        CONTENT_LENGTH=length,
    )
    assert (
        f"the limit is {limits.REQUEST_BYTES_MAX:,} bytes"
        in assert_azure_error(response, 413, "InvalidRequest")["message"]
    )


def test_the_upload_page_refuses_an_upload_over_the_limit_with_its_message(owner, monkeypatch):
    project_create(user=owner, name="loans")
    client = Client()
    client.force_login(owner)
    refuse_reading(monkeypatch)
    response = client.post(
        "/projects/loans/documents/upload/",
        b"--x--",
        content_type="multipart/form-data; boundary=x",
        CONTENT_LENGTH=str(limits.IMPORT_BYTES_MAX + 1),
    )
    assert response.status_code == 413 and "text/html" in response["Content-Type"]
    assert f"the limit is {limits.IMPORT_BYTES_MAX:,} bytes" in response.content.decode()


def test_a_zip_bomb_sent_to_the_import_api_is_a_400_naming_the_file(api):
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("labels.json", json.dumps(small_project()))
        archive.writestr("bomb.txt", b"a" * (16 * 1024**2))
    buffer.seek(0)
    buffer.name = "loans.zip"
    response = api.post_files("/projects/loans/:import", {"file": buffer})
    error = assert_azure_error(response, 400, "InvalidArgument")
    assert error["details"] == [
        {
            "code": "InvalidArgument",
            "message": f"The file expands to more than {limits.DOCUMENT_FILE_BYTES_MAX:,} bytes; a document is at "
            f"most {limits.DOCUMENT_MAX_CHARS:,} characters.",
            "target": "bomb.txt",
        }
    ]
