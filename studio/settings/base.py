"""Base settings. Everything deployment-specific comes from the environment (see README, "Configuration")."""

import os
import secrets
from pathlib import Path

import dj_database_url
from csp.constants import NONE, SELF, UNSAFE_INLINE

from studio import limits

BASE_DIR = Path(__file__).resolve().parent.parent.parent


def env_bool(name: str, default: bool = False) -> bool:
    value = os.environ.get(name)
    if value is None:
        return default
    return value.strip().lower() in {"1", "true", "yes", "on"}


DATA_DIR = Path(os.environ.get("STUDIO_DATA_DIR", BASE_DIR / "data")).resolve()
DATA_DIR.mkdir(parents=True, exist_ok=True)
MEDIA_ROOT = DATA_DIR / "files"
MODELS_DIR = DATA_DIR / "models"


def _secret_key() -> str:
    """The key from DJANGO_SECRET_KEY, else one generated once and kept in the data directory."""
    if os.environ.get("DJANGO_SECRET_KEY"):
        return os.environ["DJANGO_SECRET_KEY"]
    path = DATA_DIR / "secret_key"
    if not path.exists():
        path.write_text(secrets.token_urlsafe(50))
        path.chmod(0o600)
    return path.read_text().strip()


SECRET_KEY = _secret_key()
DEBUG = env_bool("DEBUG", False)
ALLOWED_HOSTS = [h for h in os.environ.get("ALLOWED_HOSTS", "127.0.0.1,localhost,[::1]").split(",") if h]
CSRF_TRUSTED_ORIGINS = [o for o in os.environ.get("CSRF_TRUSTED_ORIGINS", "").split(",") if o]

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "rest_framework",
    "django_q",
    "axes",
    "csp",
    "projects",
    "accounts",
    "annotation",
    "modeling",
]

MIDDLEWARE = [
    "studio.middleware.RequestIdMiddleware",  # first: its header reaches every API answer, error pages included
    "django.middleware.security.SecurityMiddleware",
    "csp.middleware.CSPMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.common.CommonMiddleware",
    "studio.request_size.RequestSizeMiddleware",  # before CSRF, which reads a form's body
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "studio.middleware.ApplicationErrorMiddleware",
    "axes.middleware.AxesMiddleware",  # last: turns a locked-out sign-in into the lockout page
]

ROOT_URLCONF = "studio.urls"
WSGI_APPLICATION = "studio.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "projects.context_processors.project_permissions",
                "projects.context_processors.name_rules",
                "projects.context_processors.studio_permissions",
            ],
        },
    },
]


def _database() -> dict:
    url = os.environ.get("DATABASE_URL")
    if url:
        return dj_database_url.parse(url, conn_max_age=60, conn_health_checks=True)
    # SQLite shared by the web server and the django-q2 worker: WAL lets readers run beside a writer,
    # IMMEDIATE transactions take the write lock up front and the timeout (seconds, also SQLite's busy_timeout)
    # waits for it; a request that waits it out answers a retryable 503 (`studio.database.database_busy`). Writes
    # keep their transactions short (imports stage in batches), so waits stay far below it.
    return {
        "ENGINE": "django.db.backends.sqlite3",
        "NAME": Path(os.environ.get("STUDIO_SQLITE_PATH", DATA_DIR / "studio.sqlite3")),
        "OPTIONS": {
            "timeout": 30,
            "transaction_mode": "IMMEDIATE",
            "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL;",
        },
    }


DATABASES = {"default": _database()}
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]

# Signing in (`projects/login_throttle.py`, django-axes): failed sign-ins lock an account and an address for a
# cool-off (limits in `studio.limits`), checked before any password is hashed; password checks are bounded.
AUTHENTICATION_BACKENDS = [
    "projects.login_throttle.LockoutBackend",
    "projects.login_throttle.BoundedPasswordBackend",
]
AXES_HANDLER = "projects.login_throttle.LoginThrottleHandler"
AXES_LOCKOUT_PARAMETERS = ["username", "ip_address"]
AXES_FAILURE_LIMIT = limits.LOGIN_FAILURES_PER_ACCOUNT  # the per-address limit is the handler's
AXES_LOCK_OUT_AT_FAILURE = False  # axes' one-limit check; the handler applies both limits instead
AXES_COOLOFF_TIME = limits.LOGIN_COOLOFF
AXES_RESET_ON_SUCCESS = True
AXES_RESET_COOL_OFF_ON_FAILURE_DURING_LOCKOUT = False  # the wait the page names does not grow with each retry
AXES_LOCKOUT_CALLABLE = "projects.signin.locked_out"
AXES_CLIENT_IP_CALLABLE = "projects.login_throttle.client_address"
AXES_VERBOSE = False  # no start-up banner in every command; failures and lockouts are still logged
# Trusted proxies in front of the studio that append the client's address to X-Forwarded-For (0: none).
STUDIO_PROXY_COUNT = int(os.environ.get("STUDIO_PROXY_COUNT", "0"))

# Pages run only the studio's own scripts (ES modules from static/; data comes in `json_script` blocks, which
# never run). Templates set entity colours and bar widths in style attributes, hence `style-src-attr`.
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": [SELF],
        "script-src": [SELF],
        "style-src": [SELF],
        "style-src-attr": [UNSAFE_INLINE],
        "object-src": [NONE],
        "base-uri": [NONE],
        "form-action": [SELF],
        "frame-ancestors": [NONE],
    },
}

LANGUAGE_CODE = "en-us"
TIME_ZONE = "UTC"
USE_I18N = True
USE_TZ = True

STATIC_URL = "static/"
STATIC_ROOT = DATA_DIR / "staticfiles"
STATIC_ROOT.mkdir(exist_ok=True)  # whitenoise warns about a missing root before collectstatic
STATICFILES_DIRS = [BASE_DIR / "static"]
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "whitenoise.storage.CompressedStaticFilesStorage"},
}
# Serve straight from static/ too, so a fresh checkout works before collectstatic has run.
WHITENOISE_USE_FINDERS = True
WHITENOISE_AUTOREFRESH = DEBUG

LOGIN_URL = "login"
LOGIN_REDIRECT_URL = "project-list"
LOGOUT_REDIRECT_URL = "login"

# Bodies are capped per endpoint from their Content-Length (`studio.request_size`, caps in `studio.limits`); this
# is Django's own cap on `request.body` (DRF reads JSON through it) and form fields held in memory, so it is the
# largest endpoint cap (files go to disk past 16 MB).
DATA_UPLOAD_MAX_MEMORY_SIZE = limits.IMPORT_BYTES_MAX
DATA_UPLOAD_MAX_NUMBER_FILES = 10_000
FILE_UPLOAD_MAX_MEMORY_SIZE = 16 * 1024 * 1024

REST_FRAMEWORK = {
    "DEFAULT_AUTHENTICATION_CLASSES": [
        "projects.authentication.ApiKeyAuthentication",
        "projects.authentication.CsrfSessionAuthentication",
    ],
    "DEFAULT_PERMISSION_CLASSES": ["rest_framework.permissions.IsAuthenticated"],
    "DEFAULT_RENDERER_CLASSES": ["rest_framework.renderers.JSONRenderer"],
    "DEFAULT_PARSER_CLASSES": [
        "studio.parsers.JSONParser",
        "studio.parsers.MergePatchJSONParser",
        "rest_framework.parsers.MultiPartParser",
        "rest_framework.parsers.FormParser",
    ],
    "EXCEPTION_HANDLER": "studio.api.exception_handler",
    "UNAUTHENTICATED_USER": "django.contrib.auth.models.AnonymousUser",
}

# django-q2: the ORM broker by default (no extra service), Redis when REDIS_URL is set.
# `timeout` (kill a task) stays below `retry` (hand it to another worker), so a long training job
# is never started twice; max_attempts=1 means a failed task is not re-run behind the user's back.
# Training length is set by each config (epochs), never by the clock. This is only a safety net: a run
# still going after this many seconds fails with a message saying how many of its epochs ran. It stays
# below the task timeout so the job fails cleanly instead of being killed.
# Web processes load deployed models in the background (after a deploy or swap, and by polling), so the
# first call after a deployment is as fast as a warm one. Off: each process loads a model on first use.
STUDIO_PRELOAD_MODELS = env_bool("STUDIO_PRELOAD_MODELS", True)

_TASK_TIMEOUT = int(os.environ.get("STUDIO_TASK_TIMEOUT", str(3 * 3600)))
STUDIO_TRAINING_TIME_LIMIT = int(os.environ.get("STUDIO_TRAINING_TIME_LIMIT", str(_TASK_TIMEOUT - 1800)))

Q_CLUSTER = {
    "name": "studio",
    "workers": int(os.environ.get("STUDIO_WORKERS", "1")),
    "timeout": _TASK_TIMEOUT,
    "retry": _TASK_TIMEOUT + 600,
    "max_attempts": 1,
    "ack_failures": True,
    "catch_up": False,
    "save_limit": 500,
    "poll": 0.5,
    # Tasks a worker host takes ahead of its free workers (django-q2's default is workers squared): one, so a busy
    # host holds few tasks while others idle; what it holds anyway goes to the queue again after a while
    # (`modeling.services.training.sweeps.REQUEUE_AFTER`), as do tasks a dead host held (Redis does not redeliver).
    "queue_limit": 1,
    # A worker process whose peak memory passed this (KiB; a training takes it to about 630 MB) is replaced by a fresh
    # one after its task, so an idle worker holds what Django needs, not what its last training did.
    "max_rss": 300 * 1024,
    "label": "Task queue",
}
if os.environ.get("REDIS_URL"):
    Q_CLUSTER["redis"] = os.environ["REDIS_URL"]
else:
    Q_CLUSTER["orm"] = "default"

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "formatters": {"plain": {"format": "%(asctime)s %(levelname)s %(name)s: %(message)s"}},
    "handlers": {"console": {"class": "logging.StreamHandler", "formatter": "plain"}},
    "root": {"handlers": ["console"], "level": os.environ.get("LOG_LEVEL", "INFO")},
    "loggers": {"django.db.backends": {"level": "WARNING"}},
}
