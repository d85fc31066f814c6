"""Trained models: delete (files too) and load-snapshot (restore the data a model was trained on)."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

from django.conf import settings
from django.db import transaction

from annotation.formats.azure import read_project
from annotation.services.imports import project_import
from modeling.models import TrainedModel
from projects.models import OperationKind
from projects.services.operations import job_record
from studio.exceptions import ApplicationError, Conflict


def model_directory(model: TrainedModel) -> Path:
    return Path(settings.MODELS_DIR) / model.path


def model_file(model: TrainedModel) -> Path:
    return model_directory(model) / "model.pt"


@transaction.atomic
def trained_model_delete(*, model: TrainedModel) -> None:
    """Deletes the model and its files; refused while a deployment serves it."""
    names = list(model.deployments.values_list("name", flat=True))
    if names:
        raise Conflict(
            f"Model '{model.label}' is deployed as {', '.join(names)}; delete those deployments or deploy "
            "another model there first.",
            innererror_code="Conflict",
        )
    folder = model_directory(model)
    model.delete()
    transaction.on_commit(lambda: shutil.rmtree(folder, ignore_errors=True))


@transaction.atomic
def trained_model_load_snapshot(*, user, model: TrainedModel):
    """Replaces the project's schema, documents and labels with those the model was trained on."""
    path = model_directory(model) / "snapshot.json"
    if not path.exists():
        raise ApplicationError(f"Model '{model.label}' has no snapshot on disk.", code="NotFound", status=404)
    project = model.project
    data = read_project(json.loads(path.read_text()), expected_name=project.name)
    project_import(user=user, name=project.name, data=data)
    return job_record(kind=OperationKind.LOAD_SNAPSHOT, project_name=project.name, user=user)


def snapshot_texts(model: TrainedModel) -> dict[str, str]:
    """The texts the model was trained and evaluated on, by location."""
    path = model_directory(model) / "snapshot.json"
    if not path.exists():
        return {}
    project = json.loads(path.read_text())
    return {d["location"]: d.get("text", "") for d in project["assets"]["documents"]}
