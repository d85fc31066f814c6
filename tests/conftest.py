"""Fixtures shared by every test: users, API keys and an Azure-speaking API client."""

from __future__ import annotations

import dataclasses
import json
import random
import shutil
from pathlib import Path

import pytest
from django.conf import settings
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Permission
from django.test import Client
from django.utils import timezone

from modeling.config import CONFIGS, CharacterEmbeddingConfig, WordEmbeddingConfig
from projects.services.api_keys import api_key_create

SHARED = Path(__file__).resolve().parent.parent.parent / "shared"
DATASETS = SHARED / "datasets"
API = "/language/authoring/analyze-text"
VERSION = "2023-04-01"


@pytest.fixture
def make_user(db):
    def make(
        username: str = "alice",
        *,
        superuser: bool = False,
        password: str = "pw-secret-123",
        create_projects: bool = True,
    ):
        users = get_user_model()
        if superuser:
            return users.objects.create_superuser(username=username, password=password)
        user = users.objects.create_user(username=username, password=password)
        if create_projects:  # a studio-level permission administrators grant (accounts' Users page)
            grant = Permission.objects.get(codename="add_project", content_type__app_label="projects")
            user.user_permissions.add(grant)
        return user

    return make


class AzureClient:
    """Django's test client speaking the authoring API with a subscription key."""

    def __init__(self, key: str | None, version: str = VERSION) -> None:
        self.client = Client()
        self.key = key
        self.version = version

    def _headers(self) -> dict[str, str]:
        return {"Ocp-Apim-Subscription-Key": self.key} if self.key else {}

    def url(self, path: str, **query: str) -> str:
        params = {"api-version": self.version, **query}
        qs = "&".join(f"{k}={v}" for k, v in params.items() if v is not None)
        return f"{API}{path}?{qs}" if qs else f"{API}{path}"

    def get(self, path: str, **query):
        return self.client.get(self.url(path, **query), headers=self._headers())

    def get_absolute(self, url: str):
        return self.client.get(url, headers=self._headers())

    def patch(self, path: str, body: dict, **query):
        return self.client.patch(
            self.url(path, **query), json.dumps(body), content_type="application/merge-patch+json",
            headers=self._headers(),
        )  # fmt: skip

    def post(self, path: str, body=None, *, raw: str | bytes | None = None, **query):
        data = raw if raw is not None else json.dumps(body if body is not None else {})
        return self.client.post(self.url(path, **query), data, content_type="application/json", headers=self._headers())

    def post_files(self, path: str, files: dict, **query):
        return self.client.post(self.url(path, **query), files, headers=self._headers())

    def delete(self, path: str, **query):
        return self.client.delete(self.url(path, **query), headers=self._headers())

    def follow(self, response):
        """GETs the job at a 202's Operation-Location."""
        assert response.status_code == 202, response.content
        return self.get_absolute(response["Operation-Location"])


@pytest.fixture
def owner(make_user):
    return make_user("owner")


@pytest.fixture
def api(owner) -> AzureClient:
    return AzureClient(api_key_create(user=owner, name="tests"))


@pytest.fixture
def make_api(make_user):
    def make(username: str) -> AzureClient:
        return AzureClient(api_key_create(user=make_user(username), name="tests"))

    return make


def small_project(name: str = "loans", **extra) -> dict:
    """A valid Azure project file with inline texts, one emoji document among them."""
    body = {
        "projectFileVersion": "2022-05-01",
        "stringIndexType": "Utf16CodeUnit",
        "metadata": {
            "projectKind": "CustomEntityRecognition",
            "storageInputContainerName": "loans",
            "projectName": name,
            "multilingual": False,
            "description": "test",
            "language": "en-us",
            "settings": {},
        },
        "assets": {
            "projectKind": "CustomEntityRecognition",
            "entities": [{"category": "Borrower"}, {"category": "Amount"}],
            "documents": [
                {
                    "location": "01.txt",
                    "language": "en-us",
                    "dataset": "Train",
                    "text": "Loan to John Smith for $5,000.",
                    "entities": [
                        {
                            "regionOffset": 0,
                            "regionLength": 30,
                            "labels": [
                                {"category": "Borrower", "offset": 8, "length": 10},
                                {"category": "Amount", "offset": 23, "length": 6},
                            ],
                        }
                    ],
                },
                {
                    "location": "02.txt",
                    "language": "en-us",
                    "dataset": "Test",
                    # 😀 is two UTF-16 units: "Ana" starts at code point 2 but UTF-16 unit 3.
                    "text": "😀 Ana Lopez borrowed 😀😀 $20.",
                    "entities": [
                        {
                            "regionOffset": 0,
                            "regionLength": 31,
                            "labels": [
                                {"category": "Borrower", "offset": 3, "length": 9},
                                {"category": "Amount", "offset": 27, "length": 4},
                            ],
                        }
                    ],
                },
                {"location": "03.txt", "language": "en-us", "text": "Nothing here.", "entities": []},
            ],
        },
    }
    body.update(extra)
    return body


# --- Tiny real models for runtime tests: trained once per session with the studio's own ML core. ---


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


@dataclasses.dataclass(frozen=True)
class LiveStudio:
    """A running studio as Azure's clients see it: endpoint, subscription key, and a deployed custom NER model."""

    endpoint: str
    key: str
    project: str
    deployment: str


@pytest.fixture
def live_studio(live_server, transactional_db, owner, deploy_tiny):
    """The live server with project `loans` (12 loan agreements) whose tiny real model is deployed as `prod`."""
    from annotation.formats.azure import read_project
    from annotation.services.imports import project_import
    from modeling.services.runtime.jobs import analyze_jobs_drain
    from tests.modeling.factories import loan_project

    project = project_import(user=owner, name="loans", data=read_project(loan_project(documents=12)))
    deploy_tiny(project, user=owner)
    yield LiveStudio(live_server.url, api_key_create(user=owner, name="sdk"), "loans", "prod")
    analyze_jobs_drain()  # a job a test cancelled may still be finishing its task: not after the database goes
