"""Upgrades: keys made before scoping (`projects` 0005) keep working, unscoped, as their users; accounts from before
project creation became a permission (`projects` 0006) keep creating projects."""

from __future__ import annotations

import pytest
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Permission
from django.contrib.contenttypes.models import ContentType
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


@pytest.mark.django_db(transaction=True)
def test_accounts_from_before_the_permission_keep_creating_projects():
    latest = MigrationExecutor(connection).loader.graph.leaf_nodes()
    _migrate([("projects", "0005_api_key_scope")])
    users = get_user_model().objects
    old = users.create_user("old", password="pw-secret-123")
    granted = users.create_user("granted", password="pw-secret-123")
    granted.user_permissions.add(Permission.objects.get(codename="add_project", content_type__app_label="projects"))
    gone = users.create_user("gone", password="pw-secret-123", is_active=False)
    root = users.create_superuser("root", password="pw-secret-123")
    # As on a database migrated in one go: post_migrate has made neither the permission nor its content type yet.
    ContentType.objects.filter(app_label="projects", model="project").delete()
    ContentType.objects.clear_cache()
    try:
        _migrate(latest)
        grants = Permission.objects.filter(codename="add_project", content_type__app_label="projects")
        assert [p.name for p in grants] == ["Can add project"]
        assert sorted(grants.get().user_set.values_list("username", flat=True)) == ["granted", "old"]
        assert users.get(pk=old.pk).has_perm("projects.add_project")
        assert not users.get(pk=gone.pk).user_permissions.exists()
        assert not users.get(pk=root.pk).user_permissions.exists()
        _migrate([("projects", "0005_api_key_scope")])  # reversible: going back leaves the grants
        _migrate(latest)
        assert grants.get().user_set.count() == 2
    finally:
        ContentType.objects.clear_cache()
