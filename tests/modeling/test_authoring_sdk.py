"""Azure's own authoring client, `azure-ai-textanalytics-authoring` 1.0.0b1, unchanged, against the live studio at
its default api-version (2025-05-15-preview): every operation it has gets the studio's answer for that operation,
never an api-version refusal; and (slow) the whole life of a wikigold-sized project through it, with a real worker.

Where the client itself departs from the REST spec, a comment next to the workaround in the test says so; the
server keeps to the spec.
"""

from __future__ import annotations

import json
from collections.abc import Callable

import pytest
from azure.ai.textanalytics.authoring import TextAuthoringClient
from azure.core.credentials import AzureKeyCredential
from azure.core.exceptions import HttpResponseError
from azure.core.paging import ItemPaged
from azure.core.polling import LROPoller, NoPolling
from azure.core.rest import HttpRequest

from annotation.formats.azure import read_project, write_project
from annotation.services.imports import project_data, project_import
from modeling.config import DEFAULT_VERSION
from modeling.models import Deployment, TrainedModel, TrainingJob
from modeling.services.models import model_directory
from projects.models import Project
from projects.services.api_keys import api_key_create
from studio.api_versions import Api, api_versions
from tests.conftest import DATASETS
from tests.modeling.factories import loan_project, trained_model_files

SDK_DEFAULT = "2025-05-15-preview"
OK = "ok"


@pytest.fixture
def client(live_server, transactional_db, owner, settings):
    settings.STUDIO_PRELOAD_MODELS = False  # the models here are records with stand-in files: nothing to load
    key = api_key_create(user=owner, name="sdk")
    return TextAuthoringClient(live_server.url, AzureKeyCredential(key))


def _with_snapshot(model: TrainedModel) -> TrainedModel:
    """What the worker writes next to every model: the project as trained."""
    snapshot = write_project(project_data(project=model.project), include_text=True)
    (model_directory(model) / "snapshot.json").write_text(json.dumps(snapshot))
    return model


def _outcome(call: Callable[[], object]) -> str:
    """ "ok", or the status and Azure error code of the error the call raised."""
    try:
        result = call()
        if isinstance(result, LROPoller) and not isinstance(result.polling_method(), NoPolling):
            result.result(timeout=60)  # poll it to the end
        elif isinstance(result, ItemPaged):
            list(result)  # an ItemPaged: read every page
    except HttpResponseError as error:
        assert error.response is not None, error
        body = error.response.json()["error"]
        assert "api-version" not in body.get("target", ""), body  # never refused for its api-version
        return f"{error.status_code} {body['code']}"
    return OK


def test_the_client_sends_its_default_version_which_the_studio_answers():
    client = TextAuthoringClient("http://studio", AzureKeyCredential("k"))
    assert client._config.api_version == SDK_DEFAULT  # what the package sends unless told otherwise
    assert SDK_DEFAULT in {v.name for v in api_versions(Api.AUTHORING)}


def test_every_operation_of_the_sdk_is_answered_at_its_default_version(client, owner):
    project = project_import(user=owner, name="loans", data=read_project(loan_project(documents=12)))
    _with_snapshot(trained_model_files(project, "m1", deployment="prod"))
    trained_model_files(project, "spare", suffix="b")
    loans = client.get_project_client("loans")
    document = loan_project(documents=12)
    create = {"projectKind": "CustomEntityRecognition", "storageInputContainerName": "c", "projectName": "scratch",
              "language": "en-us"}  # fmt: skip

    # Each SDK operation and what the studio answers it at 2025-05-15-preview.
    expected: list[tuple[str, Callable[[], object], str]] = [
        ("list_projects", lambda: client.list_projects(), OK),
        (
            "list_supported_languages",
            lambda: client.list_supported_languages(project_kind="CustomEntityRecognition"),
            OK,
        ),
        (
            "list_training_config_versions",
            lambda: client.list_training_config_versions(project_kind="CustomEntityRecognition"),
            OK,
        ),  # fmt: skip
        ("list_assigned_resource_deployments", lambda: client.list_assigned_resource_deployments(), OK),
        # CustomHealthcare's: another project kind.
        ("list_supported_prebuilt_entities", lambda: client.list_supported_prebuilt_entities(), "400 InvalidRequest"),
        ("create_project", lambda: client.create_project("scratch", create), OK),
        ("get_project", lambda: client.get_project("loans"), OK),
        ("project.get_project", lambda: loans.project.get_project(), OK),
        ("project.begin_import", lambda: loans.project.begin_import(document, format="json"), OK),
        ("project.begin_export", lambda: loans.project.begin_export(string_index_type="Utf16CodeUnit"), OK),
        ("project.list_trained_models", lambda: loans.project.list_trained_models(), OK),
        ("project.list_training_jobs", lambda: loans.project.list_training_jobs(), OK),
        ("project.list_deployments", lambda: loans.project.list_deployments(), OK),
        ("project.list_deployment_resources", lambda: loans.project.list_deployment_resources(), OK),
        ("project.list_exported_models", lambda: loans.project.list_exported_models(), OK),
        ("deployment.get_deployment", lambda: loans.deployment.get_deployment("prod"), OK),
        (
            "deployment.begin_deploy_project",
            lambda: loans.deployment.begin_deploy_project("staging", {"trainedModelLabel": "m1"}),
            OK,
        ),  # fmt: skip
        (
            "project.begin_swap_deployments",
            lambda: loans.project.begin_swap_deployments(
                {"firstDeploymentName": "prod", "secondDeploymentName": "staging"}
            ),
            OK,
        ),  # fmt: skip
        ("deployment.begin_delete_deployment", lambda: loans.deployment.begin_delete_deployment("staging"), OK),
        (
            "deployment.begin_delete_deployment_from_resources",
            lambda: loans.deployment.begin_delete_deployment_from_resources(
                "prod", {"assignedResourceIds": ["/subscriptions/x"]}
            ),
            "400 InvalidRequest",
        ),  # fmt: skip
        (
            "project.begin_assign_deployment_resources",
            lambda: loans.project.begin_assign_deployment_resources(
                {"resourcesMetadata": [{"azureResourceId": "/subscriptions/x", "customDomain": "x", "region": "w"}]}
            ),
            "400 InvalidRequest",
        ),  # fmt: skip
        (
            "project.begin_unassign_deployment_resources",
            lambda: loans.project.begin_unassign_deployment_resources({"assignedResourceIds": ["/subscriptions/x"]}),
            "400 InvalidRequest",
        ),  # fmt: skip
        (
            "project.copy_project_authorization",
            lambda: loans.project.copy_project_authorization(project_kind="CustomEntityRecognition"),
            "400 InvalidRequest",
        ),  # fmt: skip
        (
            "project.begin_copy_project",
            lambda: loans.project.begin_copy_project(
                {
                    "projectKind": "CustomEntityRecognition",
                    "targetProjectName": "t",
                    "accessToken": "a",
                    "expiresAt": "2030-01-01T00:00:00Z",
                    "targetResourceId": "r",
                    "targetResourceRegion": "w",
                }
            ),
            "400 InvalidRequest",
        ),  # fmt: skip
        (
            "exported_model.begin_create_or_update_exported_model",
            lambda: loans.exported_model.begin_create_or_update_exported_model("e", {"trainedModelLabel": "m1"}),
            "400 InvalidRequest",
        ),  # fmt: skip
        ("exported_model.get_exported_model", lambda: loans.exported_model.get_exported_model("e"), "404 NotFound"),
        (
            "exported_model.get_exported_model_manifest",
            lambda: loans.exported_model.get_exported_model_manifest("e"),
            "404 NotFound",
        ),  # fmt: skip
        (
            "exported_model.begin_delete_exported_model",
            lambda: loans.exported_model.begin_delete_exported_model("e"),
            "404 NotFound",
        ),  # fmt: skip
        ("trained_model.get_trained_model", lambda: loans.trained_model.get_trained_model("m1"), OK),
        (
            "trained_model.get_model_evaluation_summary",
            lambda: loans.trained_model.get_model_evaluation_summary("m1"),
            OK,
        ),  # fmt: skip
        (
            "trained_model.list_model_evaluation_results",
            lambda: loans.trained_model.list_model_evaluation_results("m1", string_index_type="Utf16CodeUnit"),
            OK,
        ),  # fmt: skip
        (
            "trained_model.begin_evaluate_model",
            lambda: loans.trained_model.begin_evaluate_model(
                "m1", {"kind": "percentage", "trainingSplitPercentage": 80, "testingSplitPercentage": 20}
            ),
            "400 InvalidRequest",
        ),  # fmt: skip
        ("trained_model.begin_load_snapshot", lambda: loans.trained_model.begin_load_snapshot("m1"), OK),
        ("trained_model.delete_trained_model", lambda: loans.trained_model.delete_trained_model("spare"), OK),
        # Starts a job (no worker runs here); the cancel below stops it. Both without polling: the job would wait
        # for a worker, and the cancel's poller would never end, as on Azure: the spec's job status is "cancelled"
        # and azure-core's LRO polling only knows "canceled" as finished (azure/core/polling/base_polling.py).
        (
            "project.begin_train",
            lambda: loans.project.begin_train({"modelLabel": "m2", "trainingConfigVersion": "latest"}, polling=False),
            OK,
        ),  # fmt: skip
        (
            "project.begin_cancel_training_job",
            lambda: loans.project.begin_cancel_training_job(TrainingJob.objects.get().job_id, polling=False),
            OK,
        ),  # fmt: skip
        ("begin_delete_project", lambda: client.begin_delete_project("scratch"), OK),
    ]
    outcomes = {name: _outcome(call) for name, call, _ in expected}
    assert outcomes == {name: outcome for name, _, outcome in expected}

    # Every public operation of the package is in the table above.
    public = {m for m in dir(client) if not m.startswith("_")} - {"close", "get_project_client", "send_request"}
    for group in ("deployment", "exported_model", "project", "trained_model"):
        public |= {f"{group}.{m}" for m in dir(getattr(loans, group)) if not m.startswith("_")}
    assert public == {name for name, _, _ in expected}

    # What those answers did.
    assert set(Deployment.objects.values_list("name", flat=True)) == {"prod"}
    assert TrainingJob.objects.get().status == "cancelled"
    assert not TrainedModel.objects.filter(label="spare").exists()
    assert set(Project.objects.values_list("name", flat=True)) == {"loans"}


@pytest.mark.slow
def test_a_wikigold_sized_project_through_the_sdk_end_to_end(client, worker):
    """Create, import (wikigold: 145 documents), train, poll, list models, read the evaluation, deploy twice,
    swap, delete a deployment, export and fetch the file, export the trained model's snapshot, load the snapshot,
    delete the project: every call through the unchanged client at its default version."""
    folder = DATASETS / "wikigold" / "azure"
    project_file = json.loads((folder / "labels.json").read_text())
    for document in project_file["assets"]["documents"]:
        document["text"] = (folder / "docs" / document["location"]).read_text(encoding="utf-8")
    project_file["metadata"]["projectName"] = "wikigold"
    documents = len(project_file["assets"]["documents"])

    created = client.create_project(
        "wikigold",
        {"projectKind": "CustomEntityRecognition", "storageInputContainerName": "wikigold", "projectName": "wikigold",
         "language": "en-us", "description": "through the SDK"},
    )  # fmt: skip
    assert created.project_name == "wikigold"
    wikigold = client.get_project_client("wikigold")
    wikigold.project.begin_import(project_file).result(timeout=300)
    assert client.get_project("wikigold").description == project_file["metadata"]["description"]

    poller = wikigold.project.begin_train(
        # The default config: on wikigold it trains in a few minutes (2026-11-01-fast needs 50 long epochs).
        {"modelLabel": "m1", "trainingConfigVersion": "latest", "evaluationOptions": {"kind": "percentage"}},
        polling_interval=2,
    )
    trained = poller.result(timeout=2400)
    assert trained.model_label == "m1" and trained.training_status.status == "succeeded"
    assert trained.training_config_version == DEFAULT_VERSION
    assert trained.evaluation_status.percent_complete == 100
    jobs = list(wikigold.project.list_training_jobs())
    assert [j.status for j in jobs] == ["succeeded"]

    models = list(wikigold.project.list_trained_models())
    assert [(m.label, m.has_snapshot) for m in models] == [("m1", True)]
    model = TrainedModel.objects.get()
    model_folder = model_directory(model)
    summary = wikigold.trained_model.get_model_evaluation_summary("m1")
    evaluation = summary.custom_entity_recognition_evaluation
    assert set(evaluation.entities) <= {"LOC", "MISC", "ORG", "PER"} and evaluation.entities
    assert 0 < evaluation.micro_f1 <= 1
    results = list(wikigold.trained_model.list_model_evaluation_results("m1", string_index_type="Utf16CodeUnit"))
    assert len(results) == model.test_documents > 0
    assert all(r.project_kind == "CustomEntityRecognition" for r in results)
    region = results[0].custom_entity_recognition_result.entities[0]
    assert region.region_offset == 0 and region.expected_entities

    for name in ("production", "staging"):
        wikigold.deployment.begin_deploy_project(name, {"trainedModelLabel": "m1"}, polling_interval=1).result(60)
    production = wikigold.deployment.get_deployment("production")
    assert production.model_id == models[0].model_id and production.assigned_resources == []
    wikigold.project.begin_swap_deployments(
        {"firstDeploymentName": "production", "secondDeploymentName": "staging"}, polling_interval=1
    ).result(60)
    wikigold.deployment.begin_delete_deployment("staging", polling_interval=1).result(60)
    assert [d.deployment_name for d in wikigold.project.list_deployments()] == ["production"]

    # begin_export's poller returns None (the spec's export job carries `resultUrl`, which the client drops): the
    # `cls` hook every generated operation takes hands back the last job state, whose `resultUrl` is then fetched.
    def last_state(pipeline_response, _deserialized, _headers):
        return pipeline_response.http_response.json()

    state = wikigold.project.begin_export(string_index_type="Utf16CodeUnit", cls=last_state, polling_interval=1)
    exported = client.send_request(HttpRequest("GET", state.result(60)["resultUrl"]))
    exported.raise_for_status()
    assert exported.json()["metadata"]["projectName"] == "wikigold"
    assert len(exported.json()["assets"]["documents"]) == documents

    # The trained model's snapshot: the project as trained, whatever it became since.
    client.create_project("wikigold", {"description": "changed after training"})
    state = wikigold.project.begin_export(
        string_index_type="Utf16CodeUnit", trained_model_label="m1", cls=last_state, polling_interval=1
    )
    snapshot = client.send_request(HttpRequest("GET", state.result(60)["resultUrl"])).json()
    assert snapshot["metadata"]["description"] == project_file["metadata"]["description"]
    assert len(snapshot["assets"]["documents"]) == documents

    wikigold.trained_model.begin_load_snapshot("m1", polling_interval=1).result(60)
    assert client.get_project("wikigold").description == project_file["metadata"]["description"]

    client.begin_delete_project("wikigold", polling_interval=1).result(60)
    assert [p.project_name for p in client.list_projects()] == []
    assert not TrainedModel.objects.exists() and not Deployment.objects.exists()
    assert not model_folder.exists()
