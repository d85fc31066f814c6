"""Management commands: createapikey, ensureadmin."""

from io import StringIO

import pytest
from django.contrib.auth import get_user_model
from django.core.management import CommandError, call_command

from projects.authentication import hash_key
from projects.models import ApiKey
from tests.conftest import AzureClient


def test_createapikey_prints_the_key_alone_on_the_last_line_and_stores_only_its_hash(make_user):
    make_user("alice")
    out = StringIO()
    call_command("createapikey", "billing", "--user", "alice", stdout=out)
    key = out.getvalue().strip().splitlines()[-1]
    assert len(key) == 64 and " " not in key
    stored = ApiKey.objects.get()
    assert stored.key_hash == hash_key(key) and key not in (stored.key_hash, stored.name)
    assert AzureClient(key).get("/projects").status_code == 200


def test_createapikey_for_an_unknown_user_fails(db):
    with pytest.raises(CommandError, match="no user named 'ghost'"):
        call_command("createapikey", "x", "--user", "ghost")


def test_ensureadmin_uses_the_environment_password_once(db, monkeypatch):
    monkeypatch.setenv("STUDIO_ADMIN_PASSWORD", "from-env-123")
    call_command("ensureadmin", stdout=StringIO())
    admin = get_user_model().objects.get(username="admin")
    assert admin.is_superuser and admin.check_password("from-env-123")
    call_command("ensureadmin", stdout=StringIO())  # a second run changes nothing
    assert get_user_model().objects.count() == 1


def test_ensureadmin_generates_and_prints_a_password(db, monkeypatch):
    monkeypatch.delenv("STUDIO_ADMIN_PASSWORD", raising=False)
    out = StringIO()
    call_command("ensureadmin", stdout=out)
    password = out.getvalue().split("password: ")[1].split()[0]
    assert get_user_model().objects.get(username="admin").check_password(password)


def test_ensureadmin_refuses_a_weak_environment_password(db, monkeypatch):
    monkeypatch.setenv("STUDIO_ADMIN_PASSWORD", "12345678")
    with pytest.raises(CommandError, match="STUDIO_ADMIN_PASSWORD is too weak: .*too common.*entirely numeric"):
        call_command("ensureadmin", stdout=StringIO())
    assert not get_user_model().objects.exists()
