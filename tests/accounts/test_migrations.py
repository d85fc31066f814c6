"""Keys made before scoping (`projects` 0005) keep working, unscoped, as their users."""

from __future__ import annotations

import pytest
from django.db import connection
from django.db.migrations.executor import MigrationExecutor

from projects.authentication import hash_key
from projects.models import ApiKey
from tests.conftest import AzureClient


def _migrate(targets) -> None:
    executor = MigrationExecutor(connection)
    executor.loader.build_graph()
    executor.migrate(targets)


@pytest.mark.django_db(transaction=True)
def test_a_key_from_before_scoping_stays_an_unscoped_key_of_its_user(make_user):
    user = make_user("svc")
    latest = MigrationExecutor(connection).loader.graph.leaf_nodes()
    _migrate([("projects", "0004_reviewer_role_and_require_review")])
    with connection.cursor() as cursor:
        cursor.execute(
            "INSERT INTO annotation_apikey (user_id, name, prefix, key_hash, created_at) "
            "VALUES (%s, 'old', 'abcdef12', %s, CURRENT_TIMESTAMP)",
            [user.pk, hash_key("old-raw-key")],
        )
    _migrate(latest)
    key = ApiKey.objects.get(name="old")
    assert key.role == "" and not key.scoped and key.revoked_at is None and not key.projects.exists()
    assert AzureClient("old-raw-key").get("/projects").status_code == 200
