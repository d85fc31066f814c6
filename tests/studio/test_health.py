"""`/healthz`: the database, the task queue's broker, and whether this host is set up as the studio's others."""

from django.test import override_settings

from projects.services.hosts import installation_record
from studio import health


def test_healthz_checks_the_database_the_broker_and_the_host(client, db):
    response = client.get("/healthz")
    assert response.status_code == 200
    assert response.json() == {"status": "ok", "database": "ok", "broker": "ok", "host": "ok"}


class _DownBroker:
    def queue_size(self):
        raise ConnectionError("Error 111 connecting to 127.0.0.1:6379. Connection refused.")


def test_a_broker_that_does_not_answer_is_a_503(client, db, monkeypatch):
    monkeypatch.setattr(health, "_broker", _DownBroker)
    response = client.get("/healthz")
    assert response.status_code == 503
    body = response.json()
    assert body["status"] == "error" and body["database"] == "ok"
    assert "Connection refused" in body["broker"]


def test_a_host_with_another_secret_key_is_a_503_naming_the_setting(client, db):
    installation_record()
    with override_settings(SECRET_KEY="another host's key " * 3):
        response = client.get("/healthz")
    assert response.status_code == 503
    assert "set the same DJANGO_SECRET_KEY on every web and worker host" in response.json()["host"]


def test_a_host_with_another_data_directory_is_a_503_naming_the_setting(client, db, tmp_path):
    installation_record()
    with override_settings(DATA_DIR=tmp_path):
        response = client.get("/healthz")
    assert response.status_code == 503
    message = response.json()["host"]
    assert f"This host's data directory ({tmp_path}) is not the studio's shared one: it has no" in message
    assert "STUDIO_DATA_DIR" in message
