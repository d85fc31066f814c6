import os
import sys

from django.apps import AppConfig
from django.core.signals import request_started


def serves_web_requests() -> bool:
    """Whether this process belongs to gunicorn: its arbiter sets `SERVER_SOFTWARE` before it forks the workers.

    Only gunicorn workers run the model preloader: not management commands (the django-q2 worker, migrate), not
    the test suite's import of Django, not a single-process server such as `runserver` (there, the process that
    deploys is the one that serves, and it loads the model after the commit anyway)."""
    return os.environ.get("SERVER_SOFTWARE", "").startswith("gunicorn/")


def _set_up_before_fork() -> bool:
    """gunicorn's `--preload` sets the app up in the arbiter, before the fork: a thread started now would stay
    behind in the arbiter (and load models there, for nothing)."""
    return "--preload" in sys.argv or "--preload" in os.environ.get("GUNICORN_CMD_ARGS", "")


def _ensure_preloading(**kwargs) -> None:
    from modeling.services.deployments import deployments_preload_start

    deployments_preload_start()  # once per process: a lock and a comparison after the first time


class ModelingConfig(AppConfig):
    name = "modeling"
    verbose_name = "Modeling"

    def ready(self) -> None:
        from modeling import page_extensions

        page_extensions.register()  # suggestions, uncertainty and the loop jobs on annotation's pages
        if not serves_web_requests():
            return
        # Each worker loads the deployed models before its first request; with --preload, on its first request.
        request_started.connect(_ensure_preloading, dispatch_uid="modeling-preloading")
        if not _set_up_before_fork():
            _ensure_preloading()
