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
    response = api.get("/projects")
    error = assert_azure_error(response, 500, "InternalServerError")
    assert "on fire" not in error["message"]  # internals stay in the log
    assert "database on fire" in caplog.text
    # The answer, its body and the log name the same request id.
    request_id = response["apim-request-id"]
    assert response["x-ms-request-id"] == request_id
    assert request_id in error["message"]
    assert error["innererror"]["details"] == {"requestId": request_id}
    assert f"request id {request_id}" in caplog.text


def test_every_api_answer_carries_a_request_id_and_pages_do_not(api, client):
    ids = set()
    for response in (api.get("/projects"), api.get("/projects/missing"), api.client.get("/language/nope")):
        assert response["apim-request-id"] == response["x-ms-request-id"]
        ids.add(response["apim-request-id"])
    assert len(ids) == 3  # one per request
    assert not client.get("/healthz").has_header("apim-request-id")


def test_an_error_outside_the_views_is_an_azure_500_with_a_request_id(db, monkeypatch):
    from studio import api as studio_api

    def broken(*args, **kwargs):
        raise RuntimeError("resolver on fire")

    # A failure before any view runs (here: in URL resolving) reaches the project's 500 handler.
    monkeypatch.setattr("django.urls.resolvers.URLResolver.resolve", broken)
    client = Client(raise_request_exception=False)
    response = client.get("/language/authoring/analyze-text/projects?api-version=2023-04-01")
    error = assert_azure_error(response, 500, "InternalServerError")
    assert response["apim-request-id"] in error["message"]
    assert error["innererror"]["details"]["requestId"] == response["apim-request-id"]
    assert studio_api.is_api_path(response.wsgi_request)


def test_a_body_nested_too_deeply_is_a_400(api):
    response = api.post("/projects/loans/:import", raw="[" * 100_000 + "]" * 100_000)
    error = assert_azure_error(response, 400, "InvalidRequest")
    assert error["innererror"]["code"] == "InvalidRequestBodyFormat"
