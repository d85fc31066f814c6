"""Settings for the test suite: a temporary data directory, fast password hashing.

The suite runs on the embedded default (SQLite, the ORM broker) and, with `DATABASE_URL` and `REDIS_URL` set, on
PostgreSQL and Redis (`make test-scale`): Django then makes its own test database on that server.
"""

import os
import tempfile

os.environ.setdefault("STUDIO_DATA_DIR", tempfile.mkdtemp(prefix="studio-test-"))

from .base import *  # noqa: E402,F403

PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
ALLOWED_HOSTS = ["*"]
Q_CLUSTER = {**Q_CLUSTER, "sync": False}  # noqa: F405

# Threads the tests start (runtime jobs, heartbeats) close their connections when they end, as on SQLite, so no
# connection outlives its test and Django can drop the PostgreSQL test database at the end.
DATABASES["default"]["CONN_MAX_AGE"] = 0  # noqa: F405
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":  # noqa: F405
    # A file, not memory, so a real django-q2 worker in another process can share the test database
    # (`tests.processes.database_env` points the processes tests start at it).
    DATABASES["default"]["TEST"] = {"NAME": str(DATA_DIR / "test-db.sqlite3")}  # noqa: F405
