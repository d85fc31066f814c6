"""A real django-q2 worker (`manage.py qcluster`) sharing the test database, for tests that train."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest
from django.conf import settings
from django.db import connection

ROOT = Path(__file__).resolve().parent.parent.parent


@pytest.fixture
def worker(transactional_db):
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "studio.settings.test",
        "STUDIO_SQLITE_PATH": str(connection.settings_dict["NAME"]),
        "PYTHONUNBUFFERED": "1",
    }
    log = (Path(settings.DATA_DIR) / "worker.log").open("ab")
    process = subprocess.Popen(
        [sys.executable, "manage.py", "qcluster"], cwd=ROOT, env=env, start_new_session=True, stdout=log, stderr=log
    )
    yield process
    os.killpg(process.pid, signal.SIGTERM)
    try:
        process.wait(timeout=20)
    except subprocess.TimeoutExpired:
        os.killpg(process.pid, signal.SIGKILL)
        process.wait()
    log.close()


def wait_for(predicate, *, timeout: float, interval: float = 0.5, what: str = "condition"):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        value = predicate()
        if value:
            return value
        time.sleep(interval)
    raise AssertionError(f"Timed out after {timeout:.0f} s waiting for {what}.")


# --- Tiny real models for runtime tests: trained once per session with the studio's own ML core. ---

import dataclasses  # noqa: E402
import random  # noqa: E402
import shutil  # noqa: E402

from django.utils import timezone  # noqa: E402

from modeling.config import CONFIGS, CharacterEmbeddingConfig, WordEmbeddingConfig  # noqa: E402

TINY = dataclasses.replace(
    CONFIGS["2026-11-01-fast"],
    max_epochs=25,
    hidden_size=32,
    mini_batch_size=4,
    words=WordEmbeddingConfig(embedding_length=32, min_freq=1),
    characters=CharacterEmbeddingConfig(char_embedding_dim=16, hidden_size_char=16),
)
# Variant "b" is the same data with other category names, so answers tell which model served them.
RENAMED = {"a": {}, "b": {"Lender": "Bank", "Borrower": "Person", "Amount": "Money"}}


@pytest.fixture(scope="session")
def tiny_model_dirs(tmp_path_factory):
    """Trains (on first use) a tiny model per variant; returns {variant: folder with model.pt}."""
    from annotation.offsets import OffsetMap
    from modeling.ml.corpus import LabeledDocument
    from modeling.ml.training import train
    from tests.modeling.factories import loan_document

    trained: dict[str, Path] = {}

    def get(variant: str) -> Path:
        if variant not in trained:
            rng = random.Random(7)
            documents = []
            for i in range(16):
                doc = loan_document(i, rng)
                offsets = OffsetMap(doc["text"])
                spans = [
                    (offsets.from_utf16(x["offset"]), offsets.from_utf16(x["offset"] + x["length"]),
                     RENAMED[variant].get(x["category"], x["category"]))
                    for x in doc["entities"][0]["labels"]
                ]  # fmt: skip
                documents.append(LabeledDocument(doc["location"], doc["text"], spans))
            folder = tmp_path_factory.mktemp(f"tiny-{variant}")
            train(TINY, documents, None, folder)
            trained[variant] = folder
        return trained[variant]

    return get


@pytest.fixture
def deploy_tiny(tiny_model_dirs):
    """Installs a tiny model as `label` in `project` and deploys it as `deployment`."""
    from modeling.models import TrainedModel
    from modeling.services.deployments import deployment_deploy

    def deploy(project, *, variant: str = "a", label: str = "m1", deployment: str | None = "prod", user=None):
        relative = f"{project.pk}/{label}-{variant}"
        target = Path(settings.MODELS_DIR) / relative
        target.mkdir(parents=True, exist_ok=True)
        shutil.copy(tiny_model_dirs(variant) / "model.pt", target / "model.pt")
        model = TrainedModel.objects.create(
            project=project, label=label, model_id=f"{label}-{variant}-{project.pk}", path=relative,
            training_config_version=TINY.version, config=TINY.as_dict(), trained_at=timezone.now(),
        )  # fmt: skip
        if deployment:
            deployment_deploy(user=user, project=project, name=deployment, model_label=label)
        return model

    return deploy
