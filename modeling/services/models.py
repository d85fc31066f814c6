"""Trained models: delete (files too), replace (a newer training of the label) and load-snapshot (restore the data
a model was trained on).

Retraining a label that a deployment serves replaces the label's model, not the deployment's: the deployment keeps
serving the model it was given (files included), as an Azure deployment keeps its model until it is deployed
again; a swap moves it along. Once the last deployment serving it is redeployed or deleted, it is removed. Model
files are only ever removed after the database change that stops using them commits (`transaction.on_commit`), so
a rollback never leaves a deployment pointing at files that are gone.
"""

from __future__ import annotations

import functools
import json
import shutil
from datetime import datetime
from pathlib import Path

from django.conf import settings
from django.db import transaction

from annotation.formats import ProjectData
from annotation.formats.azure import read_project
from annotation.services.imports import project_import
from modeling.models import TrainedModel
from projects.models import OperationKind, Project
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
    _delete_with_files(model)


def trained_model_replace(*, model: TrainedModel, at: datetime) -> None:
    """A newer training of `model`'s label is being recorded (same transaction): a model no deployment serves is
    deleted with its files; a deployed one stays, files included, marked replaced, until no deployment serves it
    (`trained_models_prune_replaced`)."""
    if model.deployments.exists():
        model.replaced_at = at
        model.save(update_fields=["replaced_at"])
    else:
        _delete_with_files(model)


def trained_models_prune_replaced(*, project: Project) -> None:
    """Deletes, files too, the project's replaced models that no deployment serves any more (after a redeploy or
    a deployment's deletion, in that transaction)."""
    for model in project.trained_models.filter(replaced_at__isnull=False, deployments__isnull=True):
        _delete_with_files(model)


def _delete_with_files(model: TrainedModel) -> None:
    folder = model_directory(model)
    model.delete()
    transaction.on_commit(functools.partial(shutil.rmtree, folder, ignore_errors=True))


def trained_model_snapshot(*, model: TrainedModel) -> ProjectData:
    """The project as `model` was trained on it: schema, documents with their texts and datasets, labels (the
    worker keeps it in the model's folder as `snapshot.json`)."""
    path = model_directory(model) / "snapshot.json"
    if not path.exists():
        raise ApplicationError(f"Model '{model.label}' has no snapshot on disk.", code="NotFound", status=404)
    return read_project(json.loads(path.read_text()), expected_name=model.project.name)


def trained_model_load_snapshot(*, user, model: TrainedModel):
    """Replaces the project's schema, documents and labels with those the model was trained on (all or nothing:
    `project_import` stages them in short transactions and swaps them in with one, so no transaction here)."""
    project = model.project
    project_import(user=user, name=project.name, data=trained_model_snapshot(model=model))
    return job_record(kind=OperationKind.LOAD_SNAPSHOT, project_name=project.name, user=user)


def snapshot_texts(model: TrainedModel) -> dict[str, str]:
    """The texts the model was trained and evaluated on, by location."""
    path = model_directory(model) / "snapshot.json"
    if not path.exists():
        return {}
    project = json.loads(path.read_text())
    return {d["location"]: d.get("text", "") for d in project["assets"]["documents"]}
