"""What differs between api-versions on the project paths: the import `format` header, other project kinds."""

from __future__ import annotations

import json

import pytest

from projects.models import Project
from tests.conftest import small_project


def post_import(api, *, fmt: str | None):
    headers = {**api._headers(), **({"format": fmt} if fmt is not None else {})}
    return api.client.post(
        api.url("/projects/loans/:import"), json.dumps(small_project()), content_type="application/json",
        headers=headers,
    )  # fmt: skip


@pytest.mark.parametrize("fmt", [None, "json", "JSON"])
def test_import_reads_the_json_format_from_2024_11_15_preview(api, fmt):
    api.version = "2024-11-15-preview"
    assert api.follow(post_import(api, fmt=fmt)).json()["status"] == "succeeded"


@pytest.mark.parametrize("version", ["2024-11-15-preview", "2025-05-15-preview"])
def test_import_refuses_another_format_where_the_version_defines_the_header(api, version):
    api.version = version
    response = post_import(api, fmt="aml")
    assert response.status_code == 400
    error = response.json()["error"]
    assert error["target"] == "format" and "Import format 'aml' is not supported" in error["message"]
    assert not Project.objects.exists()


def test_before_the_header_existed_it_is_not_a_parameter(api):
    api.version = "2023-04-01"
    assert api.follow(post_import(api, fmt="aml")).json()["status"] == "succeeded"


@pytest.mark.parametrize("path", ["/projects/global/languages", "/projects/global/training-config-versions"])
def test_global_lists_of_other_project_kinds_are_refused(api, path):
    assert api.get(path, projectKind="CustomEntityRecognition").status_code == 200
    response = api.get(path, projectKind="CustomSingleLabelClassification")
    assert response.status_code == 400
    error = response.json()["error"]
    assert error["target"] == "projectKind"
    assert "'CustomSingleLabelClassification' is not supported" in error["message"]
    assert "CustomEntityRecognition projects only" in error["message"]
