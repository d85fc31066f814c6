"""A data directory made before the `projects` app existed migrates without losing a row.

The database is taken back to the last schema in which `annotation` held Project, Membership, ApiKey, Activity
and AuthoringJob, a row goes into every table of the studio, and migrating forward must find every row,
unchanged, through today's models.
"""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.contrib.auth import get_user_model
from django.contrib.contenttypes.models import ContentType
from django.db import connection
from django.db.migrations.executor import MigrationExecutor
from django.utils import timezone

BEFORE = [
    ("annotation", "0003_alter_authoringjob_kind"),
    ("modeling", "0002_analyzejob_deployment"),
    ("projects", None),
]

TABLES = [
    "annotation_project",
    "annotation_membership",
    "annotation_apikey",
    "annotation_activity",
    "annotation_authoringjob",
    "annotation_entitytype",
    "annotation_document",
    "annotation_label",
    "modeling_trainingjob",
    "modeling_trainedmodel",
    "modeling_deployment",
    "modeling_analyzejob",
]


def _migrate(targets):
    executor = MigrationExecutor(connection)
    executor.loader.build_graph()
    executor.migrate(targets)
    return executor.loader.project_state([t for t in targets if t[1] is not None]).apps


def _latest() -> list[tuple[str, str]]:
    executor = MigrationExecutor(connection)
    return executor.loader.graph.leaf_nodes()


def _rows() -> dict[str, list[dict]]:
    with connection.cursor() as cursor:
        result = {}
        for table in TABLES:
            cursor.execute(f"SELECT * FROM {table} ORDER BY id")  # noqa: S608 - table names are constants
            columns = [column[0] for column in cursor.description]
            result[table] = [dict(zip(columns, row, strict=True)) for row in cursor.fetchall()]
    return result


def _columns_of(rows: dict[str, list[dict]], like: dict[str, list[dict]]) -> dict[str, list[dict]]:
    """`rows` restricted to the columns `like` has: columns added since keep every row's old values."""
    return {
        table: [{k: row[k] for k in like[table][0]} for row in table_rows] if like[table] else table_rows
        for table, table_rows in rows.items()
    }


@pytest.mark.django_db(transaction=True)
def test_a_database_from_before_the_projects_app_keeps_every_row():
    latest = _latest()
    old = _migrate(BEFORE)
    try:
        user = get_user_model().objects.create_user("alice", password="pw-secret-123")
        now = timezone.now()
        project = old.get_model("annotation", "Project").objects.create(name="loans", language="en-us")
        old.get_model("annotation", "Membership").objects.create(project=project, user_id=user.pk, role="owner")
        old.get_model("annotation", "ApiKey").objects.create(
            user_id=user.pk, name="svc", prefix="abcd1234", key_hash="f" * 64
        )
        old.get_model("annotation", "Activity").objects.create(
            project=project, user_id=user.pk, verb="created", summary="created project loans"
        )
        old.get_model("annotation", "AuthoringJob").objects.create(
            job_id="job-1", kind="export", project_name="loans", user_id=user.pk, status="succeeded",
            expires_at=now + timedelta(days=7),
        )  # fmt: skip
        entity_type = old.get_model("annotation", "EntityType").objects.create(project=project, name="Borrower")
        document = old.get_model("annotation", "Document").objects.create(
            project=project, location="01.txt", text="Loan to Ana 😀.", dataset="Train"
        )
        old.get_model("annotation", "Label").objects.create(document=document, entity_type=entity_type, start=8, end=11)
        old.get_model("modeling", "TrainingJob").objects.create(
            job_id="train-1", project=project, model_label="m1", training_config_version="v", status="succeeded",
            expires_at=now + timedelta(days=7),
        )  # fmt: skip
        model = old.get_model("modeling", "TrainedModel").objects.create(
            project=project, label="m1", model_id="m1-x", path="1/m1", training_config_version="v", trained_at=now
        )
        old.get_model("modeling", "Deployment").objects.create(
            project=project, name="prod", trained_model=model, deployed_at=now
        )
        old.get_model("modeling", "AnalyzeJob").objects.create(job_id="run-1", expires_at=now + timedelta(days=1))
        before = _rows()
        assert all(before[table] for table in TABLES), [t for t in TABLES if not before[t]]
    finally:
        _migrate(latest)

    assert _columns_of(_rows(), before) == before
    # Today's models read the same rows, relations included.
    from annotation.models import Label
    from modeling.models import Deployment
    from projects.models import ApiKey, Operation, Project

    project = Project.objects.get(name="loans")
    assert list(project.members.values_list("username", flat=True)) == ["alice"]
    assert Label.objects.get().document.project == project
    assert Deployment.objects.get().trained_model.project == project
    assert Operation.objects.get().job_id == "job-1"
    assert ApiKey.objects.get().name == "svc"
    assert project.activities.get().verb == "created"
    # Content types followed the models, so permissions and admin history still point at them.
    assert ContentType.objects.get_for_model(Project).app_label == "projects"
    assert not ContentType.objects.filter(app_label="annotation", model__in=["project", "authoringjob"]).exists()
