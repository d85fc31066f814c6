"""Every error on an API path is Azure's JSON: unknown routes, unexpected failures inside a view, bodies JSON cannot
nest; pages keep their HTML error pages."""

from __future__ import annotations

from django.test import Client

from studio.api import API_PATH_PREFIXES


def assert_azure_error(response, status: int, code: str) -> dict:
    assert response.status_code == status, response.content
    assert response["Content-Type"].startswith("application/json")
    assert response["x-ms-error-code"] == code
    error = response.json()["error"]
    assert error["code"] == code and error["message"]
    return error


def test_an_unknown_api_route_is_an_azure_404(api):
    for path in ("/language/authoring/analyze-text/nothing-here", "/language/nope", "/api/nope"):
        assert path.startswith(API_PATH_PREFIXES)
        response = api.client.get(path, headers=api._headers())
        assert path in assert_azure_error(response, 404, "NotFound")["message"]


def test_an_unknown_page_is_still_an_html_404(db):
    response = Client().get("/no-such-page/")
    assert response.status_code == 404 and "application/json" not in response["Content-Type"]


def test_an_unexpected_failure_in_an_api_view_is_a_logged_azure_500(api, monkeypatch, caplog):
    def broken(**kwargs):
        raise RuntimeError("database on fire")

    monkeypatch.setattr("projects.selectors.project_list", broken)
    api.client.raise_request_exception = False
    error = assert_azure_error(api.get("/projects"), 500, "InternalServerError")
    assert "on fire" not in error["message"]  # internals stay in the log
    assert "database on fire" in caplog.text


def test_a_body_nested_too_deeply_is_a_400(api):
    response = api.post("/projects/loans/:import", raw="[" * 100_000 + "]" * 100_000)
    error = assert_azure_error(response, 400, "InvalidRequest")
    assert error["innererror"]["code"] == "InvalidRequestBodyFormat"
