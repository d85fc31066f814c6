"""Security settings: `check --deploy` is clean under the production settings, pages carry a strict
Content-Security-Policy, and passwords go through Django's standard validators."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest
from django.conf import settings
from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import ValidationError

ROOT = Path(__file__).resolve().parent.parent.parent


def test_check_deploy_is_clean_under_the_production_settings(tmp_path):
    env = {
        name: value
        for name, value in os.environ.items()
        if not name.startswith(("SECURE_", "DJANGO_", "STUDIO_")) and name not in {"DEBUG", "ALLOWED_HOSTS"}
    }
    env.update(DJANGO_SETTINGS_MODULE="studio.settings.production", STUDIO_DATA_DIR=str(tmp_path))
    result = subprocess.run(
        [sys.executable, "manage.py", "check", "--deploy", "--fail-level", "WARNING"],
        cwd=ROOT, env=env, capture_output=True, text=True, timeout=120,
    )  # fmt: skip
    assert result.returncode == 0, result.stdout + result.stderr
    assert "System check identified no issues" in result.stdout


def test_pages_run_only_the_studios_own_scripts(client, make_user):
    client.force_login(make_user("alice"))
    policy = client.get("/")["Content-Security-Policy"]
    directives = dict(part.strip().split(" ", 1) for part in policy.split(";"))
    assert directives["script-src"] == "'self'"
    assert directives["style-src"] == "'self'"
    assert directives["object-src"] == "'none'" and directives["frame-ancestors"] == "'none'"
    assert "unsafe-inline" not in directives["default-src"] + directives["script-src"]


def test_the_sign_in_page_has_the_policy_too(client):
    assert "script-src 'self'" in client.get("/login/")["Content-Security-Policy"]


@pytest.mark.parametrize(
    ("password", "problem"),
    [("short1!", "too short"), ("password123", "too common"), ("8675309123", "entirely numeric")],
)
def test_passwords_go_through_the_standard_validators(password, problem):
    with pytest.raises(ValidationError, match=problem):
        validate_password(password)
    validate_password("correct horse battery staple")
    assert len(settings.AUTH_PASSWORD_VALIDATORS) == 4
