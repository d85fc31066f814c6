"""Hosts of one studio share its secret key and data directory (`projects.services.hosts`): a host that does not
refuses to start its worker or `runstudio`, says why, and `manage.py hostcheck` tells either way."""

from __future__ import annotations

import subprocess
import sys

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.test import override_settings

from projects.models import Installation
from projects.services.hosts import host_problems, installation_record
from tests import processes


@pytest.fixture
def recorded(transactional_db):
    """The studio's key and data directory recorded, and committed, so processes the test starts see them."""
    return installation_record()


def test_the_migration_records_the_host_that_migrates(db):
    assert Installation.objects.count() == 1
    assert host_problems() == []


def test_a_worker_with_another_secret_key_refuses_to_start_saying_why(recorded):
    env = processes.studio_env(DJANGO_SECRET_KEY="a key another host was given " * 2)
    result = subprocess.run(
        [sys.executable, "manage.py", "qcluster", "--run-once"],
        cwd=processes.ROOT, env=env, capture_output=True, text=True, timeout=120,
    )  # fmt: skip
    assert result.returncode != 0
    assert "projects.E001" in result.stderr
    assert "set the same DJANGO_SECRET_KEY on every web and worker host" in result.stderr


def test_a_host_with_another_data_directory_is_told_to_mount_the_shared_one(recorded, tmp_path):
    with override_settings(DATA_DIR=tmp_path):
        [problem] = host_problems()
    assert f"({tmp_path}) is not the studio's shared one: it has no installation-token file" in problem


def test_hostcheck_says_whether_this_host_shares_the_studios_and_record_makes_it_so(recorded):
    call_command("hostcheck")
    with override_settings(SECRET_KEY="the key was changed on purpose, everywhere"):
        with pytest.raises(CommandError, match="secret key differs"):
            call_command("hostcheck")
        call_command("hostcheck", "--record")
        call_command("hostcheck")
        assert host_problems() == []
    assert "secret key differs" in host_problems()[0]
