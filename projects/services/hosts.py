"""What every host of one studio shares besides the database and the task queue: the secret key (sessions, CSRF,
and the signature on every django-q2 task) and the data directory (model files, export results).

The database records a digest of the key and a token kept in the data directory (`Installation`). A host with
another key or another data directory says so: `runstudio` and `qcluster` refuse to start (a system check,
`projects.checks`), and `/healthz` answers 503, so a load balancer takes such a web host out. Without this, a
second host would sign users out, drop every task it is given (its signature check fails), answer 500 for a
deployed model and 404 for another host's export.
"""

from __future__ import annotations

import secrets
from pathlib import Path

from django.conf import settings
from django.db import DatabaseError
from django.utils.crypto import salted_hmac

from projects.models import Installation

TOKEN_FILE = "installation-token"
_DIGEST_SALT = "projects.services.hosts"


def _key_digest() -> str:
    return salted_hmac(_DIGEST_SALT, "the secret key every host of the studio shares", algorithm="sha256").hexdigest()


def _token_path() -> Path:
    return Path(settings.DATA_DIR) / TOKEN_FILE


def this_host() -> dict[str, str]:
    """This host's `Installation` fields (the data directory's token is made on first use)."""
    path = _token_path()
    if not path.exists():
        path.write_text(secrets.token_hex(16))
    return {"secret_key_digest": _key_digest(), "data_dir_token": path.read_text().strip()}


def installation_record() -> Installation:
    """Makes this host's secret key and data directory the studio's (the migration that made `Installation` does this
    on the host that runs it; later, `manage.py hostcheck --record`, after the key changed on purpose on every host)."""
    installation, _ = Installation.objects.update_or_create(pk=1, defaults=this_host())
    return installation


def host_problems() -> list[str]:
    """What this host does not share with the studio's other hosts, each in a sentence saying how to fix it; empty
    when all is well or nothing is recorded yet (a database not migrated yet, or one that cannot be reached: the
    database check says so)."""
    try:
        installation = Installation.objects.first()
    except DatabaseError:
        return []
    if installation is None:
        return []
    problems = []
    if installation.secret_key_digest != _key_digest():
        problems.append(
            "This host's secret key differs from the one the studio's other hosts use: set the same "
            "DJANGO_SECRET_KEY on every web and worker host (with another key a host signs users out and drops every "
            "task it is given). If the key was changed on purpose on every host, run `python manage.py hostcheck "
            "--record` once."
        )
    path = _token_path()
    token = path.read_text().strip() if path.exists() else None
    if token != installation.data_dir_token:
        problems.append(
            f"This host's data directory ({settings.DATA_DIR}) is not the studio's shared one: "
            + ("it has no " if token is None else "it holds another studio's ")
            + f"{TOKEN_FILE} file. Mount the shared data directory (model files and export results live there) at "
            "STUDIO_DATA_DIR on every web and worker host."
        )
    return problems
