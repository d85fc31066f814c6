"""A request that finds SQLite's write lock taken past its timeout answers a retryable 503 with Retry-After: Azure's
JSON on API paths, the error page elsewhere, and the same from middleware outside any view. Never a 500."""

from __future__ import annotations

from django.db import OperationalError
from django.test import Client

from projects.services.projects import project_create
from studio import limits
from tests.studio.test_api_errors import assert_azure_error


def locked(*args, **kwargs):
    raise OperationalError("database is locked")


def test_an_api_call_that_finds_the_database_locked_is_a_retryable_503(api, monkeypatch):
    monkeypatch.setattr("projects.services.projects.project_create", locked)
    response = api.patch("/projects/loans", {"language": "en-us"})
    error = assert_azure_error(response, 503, "ServiceUnavailable")
    assert response["Retry-After"] == str(limits.DATABASE_BUSY_RETRY_AFTER_SECONDS)
    assert error["innererror"]["code"] == "DatabaseBusy"
    assert error["message"].startswith("The database is busy with another change")


def test_a_page_that_finds_the_database_locked_says_so_with_a_503(owner, monkeypatch):
    project_create(user=owner, name="loans")
    client = Client()
    client.force_login(owner)
    monkeypatch.setattr("annotation.services.entity_types.entity_type_create", locked)
    response = client.post("/projects/loans/schema/", {"name": "Borrower"})
    assert response.status_code == 503, response.status_code
    assert response["Retry-After"] == str(limits.DATABASE_BUSY_RETRY_AFTER_SECONDS)
    assert "The database is busy with another change" in response.content.decode()


def test_a_locked_database_outside_the_views_is_a_503_too(api, monkeypatch):
    monkeypatch.setattr("studio.request_size.RequestSizeMiddleware.process_view", locked)
    api.client.raise_request_exception = False
    error = assert_azure_error(api.get("/projects"), 503, "ServiceUnavailable")
    assert error["innererror"]["code"] == "DatabaseBusy"
    page = Client(raise_request_exception=False).get("/login/")
    assert page.status_code == 503 and page["Retry-After"] == str(limits.DATABASE_BUSY_RETRY_AFTER_SECONDS)


def test_other_database_errors_stay_500s(api, monkeypatch):
    def broken(*args, **kwargs):
        raise OperationalError("no such table: annotation_project")

    monkeypatch.setattr("projects.selectors.project_list", broken)
    api.client.raise_request_exception = False
    assert_azure_error(api.get("/projects"), 500, "InternalServerError")
