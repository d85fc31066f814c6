"""Runs the web server and the django-q2 worker under one supervisor (`make run`).

A child that dies is restarted (after a doubling delay, at most 5 times a minute, after which everything stops
with a message); its orphans go with it. Ctrl-C or SIGTERM stops both within a few seconds: a training still
running is killed, and marked failed once its heartbeat is stale (`sweeps.STALE_AFTER`, 2 minutes: when the studio
starts again, or by the sweep), so it never claims to run on. Only stale jobs: on PostgreSQL another host's worker
may be running a job right now.
"""

import os
import socket
import sys
from pathlib import Path

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError
from django.db import connections

from modeling.management.supervisor import Child, GaveUp, Supervisor
from modeling.services.loop.jobs import loop_jobs_fail_stale
from modeling.services.runtime.jobs import analyze_jobs_recover
from modeling.services.training.sweeps import training_jobs_fail_stale

# A Unix socket's path must fit in sun_path (108 bytes with its terminating NUL on Linux).
_MAX_SOCKET_PATH = 100


class Command(BaseCommand):
    help = "Runs the web server (gunicorn) and the task worker (qcluster) together, restarting either if it dies."

    def add_arguments(self, parser):
        parser.add_argument("--host", default=os.environ.get("HOST", "127.0.0.1"))
        parser.add_argument("--port", default=os.environ.get("PORT", "8000"))

    def handle(self, *args, host: str, port: str, **options):
        _check_can_listen(host, port)
        env = {
            **os.environ,
            "DJANGO_SETTINGS_MODULE": os.environ.get("DJANGO_SETTINGS_MODULE", "studio.settings.local"),
        }
        web = [
            sys.executable, "-m", "gunicorn", "studio.wsgi:application",
            "--bind", f"{host}:{port}",
            "--workers", os.environ.get("WEB_WORKERS", "2"),
            "--threads", os.environ.get("WEB_THREADS", "8"),
            "--timeout", "300",
            "--graceful-timeout", "2",  # within runstudio's own grace, so a stop is never cut short by SIGKILL
            "--access-logfile", "-",
            *_control_socket_options(Path(settings.DATA_DIR)),
        ]  # fmt: skip
        worker = [sys.executable, str(Path(settings.BASE_DIR) / "manage.py"), "qcluster"]
        # Jobs whose worker died (this machine's last run, or any host's) are failed; jobs that other hosts' workers
        # are running (their heartbeats are fresh) are not.
        self._fail_stale_jobs()
        supervisor = Supervisor(
            [
                Child("web server", web, env=env, cwd=settings.BASE_DIR),
                # After the worker's whole group is gone (crashed, or killed on stop), jobs whose heartbeats went
                # stale are failed before a new worker starts; the sweep fails the rest within STALE_AFTER.
                Child("worker", worker, env=env, cwd=settings.BASE_DIR, after_exit=self._fail_stale_jobs),
            ],
            log=self.stdout.write,
        )
        self.stdout.write(f"Studio on http://{host}:{port}/ (Ctrl-C stops it)")
        try:
            supervisor.run()
        except GaveUp as error:
            raise CommandError(str(error)) from None
        self.stdout.write("Studio stopped.")

    def _fail_stale_jobs(self) -> None:
        failed = training_jobs_fail_stale()
        loop_failed = loop_jobs_fail_stale()
        analyze_requeued, analyze_failed = analyze_jobs_recover()
        connections.close_all()  # the supervisor holds no database connection while it waits
        if failed:
            self.stdout.write(f"Marked {failed} training job(s) failed: the worker stopped while they ran.")
        if loop_failed:
            self.stdout.write(f"Marked {loop_failed} background job(s) failed: the worker stopped while they ran.")
        if analyze_requeued or analyze_failed:
            self.stdout.write(
                f"Runtime jobs whose web process stopped: {analyze_requeued} handed to the worker to run again, "
                f"{analyze_failed} marked failed."
            )


def _control_socket_options(data_dir: Path) -> list[str]:
    """gunicorn's control socket goes in the data directory, not the user's shared ~/.gunicorn/gunicorn.ctl."""
    import gunicorn.config

    if "control_socket" not in {setting.name for setting in gunicorn.config.KNOWN_SETTINGS}:
        return []  # a gunicorn before 25.1 makes no control socket
    path = data_dir / "gunicorn.ctl"
    if len(os.fsencode(path)) > _MAX_SOCKET_PATH:
        return ["--no-control-socket"]  # nothing of the studio uses it; a deep data directory goes without
    return ["--control-socket", str(path)]


def _check_can_listen(host: str, port: str) -> None:
    """Fails at once when the address is taken, rather than after gunicorn's retries and the restarts."""
    try:
        family, kind, proto, _, address = socket.getaddrinfo(host.strip("[]"), int(port), type=socket.SOCK_STREAM)[0]
    except (OSError, ValueError) as error:
        raise CommandError(f"Cannot listen on {host}:{port}: {error}.") from None
    with socket.socket(family, kind, proto) as probe:
        probe.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)  # as gunicorn does
        try:
            probe.bind(address)
        except OSError as error:
            raise CommandError(
                f"Cannot listen on {host}:{port}: {error.strerror}. Stop what uses it, or set PORT (or --port)."
            ) from None
