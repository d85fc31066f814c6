"""The one table of api-versions: Azure's versions of both APIs, the clients' defaults, and the version check."""

from __future__ import annotations

from pathlib import Path

import pytest

from studio.api_versions import VERSIONS, Api, Feature, api_version_get, api_versions, feature_required
from studio.exceptions import ApplicationError, NotFound

# Azure/azure-rest-api-specs, specification/cognitiveservices/data-plane/Language/{stable,preview}/<version>/.
AUTHORING = [
    "2022-05-01", "2022-10-01-preview", "2023-04-01", "2023-04-15-preview", "2023-11-15-preview",
    "2024-11-15-preview", "2025-05-01", "2025-05-15-preview",
]  # fmt: skip
RUNTIME = [
    "2022-05-01", "2022-10-01-preview", "2023-04-01", "2023-04-15-preview", "2023-11-15-preview", "2024-11-01",
    "2024-11-15-preview", "2025-05-15-preview", "2025-11-01", "2025-11-15-preview", "2026-05-15-preview",
]  # fmt: skip
RUNTIME_URL = "/language/analyze-text/jobs/no-such-job"


def test_the_table_holds_azures_versions_of_each_api_in_release_order():
    assert [v.name for v in api_versions(Api.AUTHORING)] == AUTHORING
    assert [v.name for v in api_versions(Api.RUNTIME)] == RUNTIME


def test_the_clients_defaults_are_in_it():
    # azure-ai-textanalytics-authoring 1.0.0b1; azure-ai-textanalytics 6.0.0b3 and 5.x.
    assert api_version_get("2025-05-15-preview", api=Api.AUTHORING).preview
    assert api_version_get("2026-05-15-preview", api=Api.RUNTIME).preview
    assert not api_version_get("2023-04-01", api=Api.RUNTIME).preview


@pytest.mark.parametrize(("name", "api"), [("2024-11-01", Api.AUTHORING), ("2025-05-01", Api.RUNTIME)])
def test_a_ga_of_one_api_is_not_a_version_of_the_other(name, api):
    with pytest.raises(ApplicationError, match=f"The api-version '{name}' is not supported"):
        api_version_get(name, api=api)


def test_a_missing_version_names_the_supported_ones():
    with pytest.raises(ApplicationError, match="Missing required query parameter 'api-version'. Supported versions: "):
        api_version_get(None, api=Api.RUNTIME)


def test_a_missing_feature_names_the_versions_that_have_it():
    ga = api_version_get("2022-05-01", api=Api.AUTHORING)
    with pytest.raises(NotFound, match=r"Loading is not part of api-version 2022-05-01; it is in api-version "
                       r"2022-10-01-preview, 2023-04-01, 2023-04-15-preview"):  # fmt: skip
        feature_required(ga, Feature.SNAPSHOTS, what="Loading")
    with pytest.raises(ApplicationError) as refused:
        feature_required(ga, Feature.SNAPSHOTS, what="A field", operation=False)
    assert refused.value.status == 400
    feature_required(api_version_get("2023-04-01", api=Api.AUTHORING), Feature.SNAPSHOTS, what="Loading")


@pytest.mark.parametrize("version", RUNTIME)
def test_the_runtime_answers_each_of_its_versions(api, version):
    response = api.client.get(f"{RUNTIME_URL}?api-version={version}", headers=api._headers())
    assert response.status_code == 404  # the job, not the version
    assert response.json()["error"]["innererror"]["code"] == "OperationNotFound"


@pytest.mark.parametrize("version", ["2025-05-01", "2021-01-01"])
def test_the_runtime_refuses_other_versions_naming_its_own(api, version):
    response = api.client.get(f"{RUNTIME_URL}?api-version={version}", headers=api._headers())
    assert response.status_code == 400
    error = response.json()["error"]
    assert error["target"] == "api-version" and "2024-11-01, 2024-11-15-preview" in error["message"]
    assert "2026-05-15-preview" in error["message"]


def test_the_authoring_api_refuses_the_runtimes_own_versions(api):
    api.version = "2026-05-15-preview"
    response = api.get("/projects")
    assert (
        response.status_code == 400 and "'2026-05-15-preview' is not supported" in response.json()["error"]["message"]
    )


def test_job_urls_keep_the_callers_version(api):
    api.version = "2025-05-15-preview"
    created = api.patch("/projects/loans", {"language": "en"})
    assert created.status_code == 201
    deleted = api.delete("/projects/loans")
    assert deleted["Operation-Location"].endswith("?api-version=2025-05-15-preview")
    assert api.follow(deleted).json()["status"] == "succeeded"


def test_the_readme_table_is_this_table():
    readme = (Path(__file__).resolve().parents[2] / "README.md").read_text()
    section = readme.split("## API versions", 1)[1].split("\n## ", 1)[0]
    rows = [line for line in section.splitlines() if line.startswith("| `")]
    expected = [
        f"| `{v.name}` | {'preview' if v.preview else 'GA'} | "
        + " + ".join(a.value for a in Api if a in v.apis)
        + f" | {v.note} |"
        for v in VERSIONS
    ]
    assert rows == expected
