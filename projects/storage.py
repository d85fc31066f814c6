"""Where a project's files live on disk: every model file of a project lies under one folder, so deleting the
project (`projects.services.projects.project_delete`) removes that folder and leaves nothing behind."""

from __future__ import annotations

from pathlib import Path

from django.conf import settings


def project_models_directory(project_id: int) -> Path:
    """The folder under `MODELS_DIR` that holds every training run's folder of the project."""
    return Path(settings.MODELS_DIR) / str(project_id)
