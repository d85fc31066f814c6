"""Settings for the test suite: a temporary data directory, fast password hashing."""

import os
import tempfile

os.environ.setdefault("STUDIO_DATA_DIR", tempfile.mkdtemp(prefix="studio-test-"))

from .base import *  # noqa: E402,F403

PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
ALLOWED_HOSTS = ["*"]
Q_CLUSTER = {**Q_CLUSTER, "sync": False}  # noqa: F405

# A file, not memory, so a real django-q2 worker in another process can share the test database
# (tests start it with STUDIO_SQLITE_PATH pointing here).
DATABASES["default"]["TEST"] = {"NAME": str(DATA_DIR / "test-db.sqlite3")}  # noqa: F405
