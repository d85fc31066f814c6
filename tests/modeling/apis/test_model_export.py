"""`:export?trainedModelLabel=`: the project as that model was trained on it, from the snapshot in its folder."""

from __future__ import annotations

import json

import pytest

from annotation.formats.azure import write_project
from annotation.models import Document
from annotation.services.imports import project_data
from modeling.services.models import model_directory
from projects.models import Project
from tests.modeling.factories import loan_project, trained_model_files


@pytest.fixture
def project(api):
    api.post("/projects/loans/:import", loan_project(documents=12))
    return Project.objects.get(name="loans")


def snapshot_of(project, label: str):
    """A model whose folder holds the project as it is now, as the worker leaves it after training."""
    project.refresh_from_db()
    model = trained_model_files(project, label)
    snapshot = write_project(project_data(project=project), include_text=True)
    (model_directory(model) / "snapshot.json").write_text(json.dumps(snapshot))
    return model


def export(api, **query):
    started = api.post("/projects/loans/:export", stringIndexType="Utf16CodeUnit", includeText="true", **query)
    state = api.follow(started).json()
    assert state["status"] == "succeeded", state
    return api.get_absolute(state["resultUrl"]).json()


def test_exporting_a_model_returns_its_snapshot_not_the_working_copy(api, project):
    snapshot_of(project, "m1")
    as_trained = export(api)
    # The project changes after training: a document goes, the description changes.
    Document.objects.filter(project=project).order_by("id").first().delete()
    api.patch("/projects/loans", {"description": "edited after training"})

    working = export(api)
    assert len(working["assets"]["documents"]) == 11 and working["metadata"]["description"] == "edited after training"
    of_model = export(api, trainedModelLabel="m1")
    assert of_model == as_trained
    assert len(of_model["assets"]["documents"]) == 12


def test_each_model_exports_its_own_snapshot(api, project):
    snapshot_of(project, "m1")
    api.patch("/projects/loans", {"description": "second"})
    snapshot_of(project, "m2")
    assert export(api, trainedModelLabel="m1")["metadata"]["description"] != "second"
    assert export(api, trainedModelLabel="m2")["metadata"]["description"] == "second"


def test_an_unknown_model_or_one_without_a_snapshot_is_a_404(api, project):
    response = api.post("/projects/loans/:export", stringIndexType="Utf16CodeUnit", trainedModelLabel="nope")
    assert response.status_code == 404 and response.json()["error"]["innererror"]["code"] == "ModelNotFound"
    trained_model_files(project, "bare")
    response = api.post("/projects/loans/:export", stringIndexType="Utf16CodeUnit", trainedModelLabel="bare")
    assert response.status_code == 404 and "has no snapshot" in response.json()["error"]["message"]
