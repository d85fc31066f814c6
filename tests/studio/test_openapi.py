"""The OpenAPI description (`/api/openapi.json`): served, valid OpenAPI 3, and naming every API route."""

from __future__ import annotations

import pytest
from django.test import Client

from studio.openapi import api_routes


def test_the_description_is_served_and_lists_every_api_route_with_its_methods(db):
    response = Client().get("/api/openapi.json")
    assert response.status_code == 200 and response["Content-Type"] == "application/json"
    document = response.json()
    assert document["openapi"].startswith("3.") and document["servers"] == [{"url": "http://testserver"}]
    paths = document["paths"]
    assert len(paths) == len({route for route, _ in api_routes()})
    job = paths["/language/analyze-text/jobs/{job_id}"]
    assert job["parameters"][0]["name"] == "job_id" and "get" in job
    assert "post" in paths["/language/analyze-text/jobs/{job_id}:cancel"]
    submit = paths["/language/analyze-text/jobs"]["post"]
    assert submit["requestBody"]["content"]["application/json"]["schema"]["required"] == ["analysisInput", "tasks"]
    version = submit["parameters"][0]
    assert version["name"] == "api-version" and "2023-04-01" in version["schema"]["enum"]
    assert {"get", "patch", "delete"} <= set(paths["/language/authoring/analyze-text/projects/{project_name}"])
    labels = paths["/api/projects/{project_name}/documents/{document_id}/labels/{label_id}"]
    assert {"patch", "delete"} <= set(labels) and labels["parameters"][2]["schema"]["type"] == "integer"
    # Every error, on every operation, is Azure's.
    for item in paths.values():
        for method, operation in item.items():
            if method != "parameters":
                assert operation["responses"]["4XX"]["content"]["application/json"]["schema"] == {
                    "$ref": "#/components/schemas/Error"
                }


@pytest.mark.parametrize(
    "path",
    [
        "/language/analyze-text/jobs/{job_id}:cancel",
        "/language/authoring/analyze-text/projects/{project_name}/train/jobs/{job_id}/:cancel",
    ],
)
def test_cancelling_a_job_lists_the_400_for_one_that_has_ended(path):
    responses = _document()["paths"][path]["post"]["responses"]
    assert set(responses) == {"202", "400", "4XX", "5XX"}
    assert responses["400"]["content"]["application/json"]["schema"] == {"$ref": "#/components/schemas/Error"}
    assert "already ended" in responses["400"]["description"]
    assert responses["202"]["headers"]["Operation-Location"]["required"] is True


def test_the_description_loads_in_schemathesis():
    from schemathesis import openapi

    schema = openapi.from_dict(_document())
    assert len(list(schema.get_all_operations())) > 60


def _document() -> dict:
    from studio.openapi import openapi_document

    return openapi_document(server="http://testserver")
