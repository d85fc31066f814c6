"""Migration 0005 makes entity type names unique regardless of case; a database holding names that differ
only in case stops it with a message naming them, and migrates once one of each pair is renamed."""

from __future__ import annotations

import pytest
from django.db import connection
from django.db.migrations.executor import MigrationExecutor

BEFORE = [("annotation", "0004_project_moves_to_projects_app")]


def _migrate(targets):
    executor = MigrationExecutor(connection)
    executor.loader.build_graph()
    executor.migrate(targets)
    return executor.loader.project_state(targets).apps


@pytest.mark.django_db(transaction=True)
def test_names_differing_only_in_case_stop_the_migration_until_renamed():
    latest = MigrationExecutor(connection).loader.graph.leaf_nodes()
    # The projects app stays migrated (its later fields, such as require_review, are NOT NULL in the table).
    old = _migrate(BEFORE + [node for node in latest if node[0] == "projects"])
    project = old.get_model("projects", "Project").objects.create(name="loans", language="en-us")
    entity_type = old.get_model("annotation", "EntityType")
    entity_type.objects.create(project=project, name="Party")
    lower = entity_type.objects.create(project=project, name="party")
    entity_type.objects.create(project=project, name="Amount")
    try:
        with pytest.raises(RuntimeError) as stopped:
            _migrate(latest)
        assert "project 'loans': 'Party', 'party'" in str(stopped.value)
        assert "Rename or delete one of each" in str(stopped.value)
        assert "Amount" not in str(stopped.value)
    finally:
        entity_type.objects.filter(pk=lower.pk).update(name="Counterparty")
        _migrate(latest)

    from annotation.models import EntityType

    assert sorted(EntityType.objects.values_list("name", flat=True)) == ["Amount", "Counterparty", "Party"]
