"""Projects over Azure's authoring paths: auth, api-version, create/update/get/list/delete."""

import pytest
from django.contrib.auth import get_user_model

from projects.models import Membership, Project, Role
from studio.api_versions import Api, api_versions
from tests.conftest import AzureClient


def test_no_key_is_401_in_azure_shape(db):
    response = AzureClient(None).get("/projects")
    assert response.status_code == 401
    assert response.json()["error"]["code"] == "Unauthorized"
    assert response["x-ms-error-code"] == "Unauthorized"


def test_wrong_key_is_401(db):
    response = AzureClient("not-a-key").get("/projects")
    assert response.status_code == 401
    assert "invalid subscription key" in response.json()["error"]["message"]


@pytest.mark.parametrize("version", ["2021-01-01", "latest", "", "2024-11-01"])
def test_unsupported_api_version_is_400(api, version):
    api.version = version  # 2024-11-01 is a runtime GA; the authoring API has none
    response = api.get("/projects")
    assert response.status_code == 400
    error = response.json()["error"]
    assert error["code"] == "InvalidRequest"
    assert "2022-05-01, 2022-10-01-preview, 2023-04-01" in error["message"]
    assert "2025-05-15-preview" in error["message"] and "2024-11-01," not in error["message"]


@pytest.mark.parametrize("version", [v.name for v in api_versions(Api.AUTHORING)])
def test_every_authoring_version_is_accepted(api, version):
    api.version = version
    assert api.get("/projects").status_code == 200


def test_patch_creates_then_updates(api):
    body = {"projectKind": "CustomEntityRecognition", "projectName": "loans", "language": "en-us",
            "storageInputContainerName": "c", "description": "first"}  # fmt: skip
    created = api.patch("/projects/loans", body)
    assert created.status_code == 201, created.content
    assert created.json()["projectName"] == "loans"
    assert created.json()["createdDateTime"].endswith("Z")
    updated = api.patch("/projects/loans", {"description": "second"})
    assert updated.status_code == 200
    assert updated.json()["description"] == "second"
    assert api.get("/projects/loans").json()["description"] == "second"


@pytest.mark.parametrize(
    "name,body,message",
    [
        ("bad name", {"language": "en"}, "invalid"),
        ("x" * 51, {"language": "en"}, "invalid"),
        ("loans", {"projectName": "other", "language": "en"}, "does not match"),
        ("loans", {"description": "no language"}, "language"),
        ("loans", {"language": "en", "projectKind": "CustomSingleLabelClassification"}, "not supported"),
    ],
)
def test_patch_refuses_bad_input(api, name, body, message):
    response = api.patch(f"/projects/{name}", body)
    assert response.status_code == 400
    assert message in response.json()["error"]["message"]
    assert not Project.objects.exists()


def test_list_shows_only_projects_with_a_role(api, make_api):
    api.patch("/projects/mine", {"language": "en"})
    other = make_api("bob")
    other.patch("/projects/theirs", {"language": "en"})
    names = [p["projectName"] for p in api.get("/projects").json()["value"]]
    assert names == ["mine"]
    assert other.get("/projects/mine").status_code == 404
    assert other.get("/projects/mine").json()["error"]["innererror"]["code"] == "ProjectNotFound"


def test_list_paging_with_next_link(api):
    for i in range(5):
        api.patch(f"/projects/p{i}", {"language": "en"})
    first = api.get("/projects", top="2").json()
    assert [p["projectName"] for p in first["value"]] == ["p0", "p1"]
    assert first["nextLink"] is None  # top=2 asked for two only
    page = api.get("/projects", maxpagesize="2").json()
    assert len(page["value"]) == 2 and "skip=2" in page["nextLink"]
    rest = api.get_absolute(page["nextLink"]).json()
    assert [p["projectName"] for p in rest["value"]] == ["p2", "p3"]


def test_delete_returns_a_deletion_job(api):
    api.patch("/projects/loans", {"language": "en"})
    response = api.delete("/projects/loans")
    assert response.status_code == 202
    assert "/projects/global/deletion-jobs/" in response["Operation-Location"]
    job = api.follow(response).json()
    assert job["status"] == "succeeded"
    assert set(job) >= {"jobId", "createdDateTime", "lastUpdatedDateTime", "expirationDateTime", "status"}
    assert not Project.objects.filter(name="loans").exists()


def test_viewer_cannot_update_or_delete(api, make_api):
    api.patch("/projects/loans", {"language": "en"})
    viewer = make_api("vera")
    user = get_user_model().objects.get(username="vera")
    Membership.objects.create(project=Project.objects.get(), user=user, role=Role.VIEWER)
    assert viewer.get("/projects/loans").status_code == 200
    assert viewer.patch("/projects/loans", {"description": "x"}).status_code == 403
    response = viewer.delete("/projects/loans")
    assert response.status_code == 403
    assert "does not allow" in response.json()["error"]["message"]
    assert Project.objects.filter(name="loans").exists()


def test_languages(api):
    value = api.get("/projects/global/languages", projectKind="CustomEntityRecognition").json()["value"]
    assert {"languageName": "English (US)", "languageCode": "en-us"} in value


def test_malformed_json_body_is_400(api):
    response = api.client.patch(api.url("/projects/loans"), "{not json", content_type="application/json",
                                headers=api._headers())  # fmt: skip
    assert response.status_code == 400
    assert response.json()["error"]["innererror"]["code"] == "InvalidRequestBodyFormat"
