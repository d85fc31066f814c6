"""Reads never write: every main GET, API and page, runs without INSERT, UPDATE or DELETE.

The project under test holds what used to make reads write: a training job whose worker died (its heartbeat
long stale), a runtime job whose process died, and an expired operation. Sweeps on a django-q2 schedule deal
with those (`modeling.tasks.sweep`, `projects.tasks.sweep`); a GET only reports them.
"""

from __future__ import annotations

import json
import re
from datetime import timedelta

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from annotation.models import Document
from modeling.models import AnalyzeJob, LoopJob, TrainingJob
from projects.models import JobStatus, Operation, Project
from tests.modeling.factories import loan_project

WRITE = re.compile(r"^\s*(INSERT|UPDATE|DELETE|REPLACE)\b", re.IGNORECASE)
API = "/language/authoring/analyze-text/projects"


@pytest.fixture
def studio(api, owner, deploy_tiny):
    """A project with documents, a deployed model, a stale training job, a stale runtime job and jobs to read."""
    api.post("/projects/loans/:import", loan_project(documents=12))
    project = Project.objects.get(name="loans")
    deploy_tiny(project, user=owner)
    long_ago = timezone.now() - timedelta(hours=2)
    training = TrainingJob.objects.create(
        job_id="stale-train", project=project, model_label="m2", training_config_version="2026-11-29-accurate",
        evaluation_options={"kind": "manual"}, status=JobStatus.RUNNING, training_status=JobStatus.RUNNING,
        training_started_at=long_ago, heartbeat_at=long_ago, created_by=owner,
        expires_at=timezone.now() + timedelta(days=7),
    )  # fmt: skip
    TrainingJob.objects.filter(pk=training.pk).update(updated_at=long_ago)
    analyze = AnalyzeJob.objects.create(
        job_id="stale-analyze", user=owner, status=JobStatus.RUNNING, documents=[], tasks=[],
        expires_at=timezone.now() + timedelta(hours=20),
    )  # fmt: skip
    AnalyzeJob.objects.filter(pk=analyze.pk).update(updated_at=long_ago)
    LoopJob.objects.create(
        job_id="stale-loop", project=project, kind="prelabel", status=JobStatus.RUNNING, heartbeat_at=long_ago,
        started_at=long_ago, expires_at=timezone.now() - timedelta(days=1),
    )  # fmt: skip
    export = api.post("/projects/loans/:export", stringIndexType="Utf16CodeUnit")
    Operation.objects.update(expires_at=timezone.now() - timedelta(days=1))
    return {"project": project, "export_url": export["Operation-Location"]}


def _writes(call) -> list[str]:
    with CaptureQueriesContext(connection) as queries:
        response = call()
    assert response.status_code < 500, response.content[:500]
    return [q["sql"] for q in queries.captured_queries if WRITE.match(q["sql"])]


def test_authoring_and_runtime_gets_do_not_write(api, studio):
    api.get("/projects")  # the key's first use is recorded (at most once an hour), before the reads under test
    paths = [
        "/projects",
        "/projects/loans",
        "/projects/global/languages",
        "/projects/global/training-config-versions",
        "/projects/loans/train/jobs",
        "/projects/loans/train/jobs/stale-train",
        "/projects/loans/models",
        "/projects/loans/models/m1",
        "/projects/loans/models/m1/evaluation/summary-result",
        "/projects/loans/deployments",
        "/projects/loans/deployments/prod",
    ]
    for path in paths:
        assert _writes(lambda path=path: api.get(path)) == [], path
    assert (
        _writes(lambda: api.get("/projects/loans/models/m1/evaluation/result", stringIndexType="Utf16CodeUnit")) == []
    )
    assert _writes(lambda: api.get_absolute(studio["export_url"])) == []
    runtime = "/language/analyze-text/jobs/stale-analyze?api-version=2023-04-01"
    assert _writes(lambda: api.client.get(runtime, headers=api._headers())) == []
    # What the sweeps would change is still there: the reads only reported it.
    assert TrainingJob.objects.get(job_id="stale-train").status == JobStatus.RUNNING
    assert AnalyzeJob.objects.get(job_id="stale-analyze").status == JobStatus.RUNNING
    assert Operation.objects.exists()


def test_pages_do_not_write(owner, studio):
    client = Client()
    client.force_login(owner)
    project = studio["project"]
    document = Document.objects.filter(project=project).first()
    base = "/projects/loans"
    pages = [
        "/",
        f"{base}/",
        f"{base}/settings/",
        f"{base}/members/",
        f"{base}/schema/",
        f"{base}/documents/",
        f"{base}/documents/upload/",
        f"{base}/documents/{document.pk}/label/",
        f"{base}/export/",
        f"{base}/distribution/",
        f"{base}/train/",
        f"{base}/train/jobs/",
        f"{base}/train/jobs/stale-train/",
        f"{base}/train/jobs/stale-train/progress.json",
        f"{base}/models/",
        f"{base}/models/m1/",
        f"{base}/models/m1/entities/",
        f"{base}/models/m1/confusion-matrix/",
        f"{base}/models/m1/test-set/",
        f"{base}/models/m1/learning-curve/",
        f"{base}/label-errors/",
        f"{base}/deployments/",
        f"{base}/deployments/status.json",
        f"/api/projects/loans/documents/{document.pk}",
        f"/api/projects/loans/documents/{document.pk}/labels",
        f"{base}/documents/?suggestions=open&sort=uncertainty",
        f"{base}/documents/{document.pk}/label/?sort=uncertainty",
        f"/api/projects/loans/documents/{document.pk}/suggestions",
        "/api/projects/loans/loop-jobs",
        "/api/projects/loans/loop-jobs/stale-loop",
    ]
    for page in pages:
        response = client.get(page)
        assert response.status_code == 200, (page, response.status_code)
        assert _writes(lambda page=page: client.get(page)) == [], page
    assert TrainingJob.objects.get(job_id="stale-train").status == JobStatus.RUNNING
    assert LoopJob.objects.get(job_id="stale-loop").status == JobStatus.RUNNING  # the sweep's, not a read's
    assert json.loads(client.get(f"{base}/train/jobs/stale-train/progress.json").content)
