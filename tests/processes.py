"""Studio processes the tests start (django-q2 workers, web servers, `runstudio`), set up as another host would be:
the test database, the task queue, the secret key and the data directory are the test's own. Works on the embedded
default (an SQLite file) and on PostgreSQL and Redis (`make test-scale`)."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
from pathlib import Path
from urllib.parse import quote

from django.conf import settings
from django.db import connection

ROOT = Path(__file__).resolve().parent.parent


def database_env() -> dict[str, str]:
    """The environment that points a process at the test database (Django made it; the settings name another)."""
    db = connection.settings_dict
    if connection.vendor == "sqlite":
        return {"STUDIO_SQLITE_PATH": str(db["NAME"])}
    assert connection.vendor == "postgresql", connection.vendor
    credentials = quote(db["USER"] or "", safe="") + (f":{quote(db['PASSWORD'], safe='')}" if db["PASSWORD"] else "")
    where = f"{db['HOST'] or 'localhost'}:{db['PORT'] or 5432}"
    return {"DATABASE_URL": f"postgres://{credentials}@{where}/{quote(db['NAME'], safe='')}"}


def studio_env(**extra: str) -> dict[str, str]:
    """This process's environment (data directory, secret key, REDIS_URL) with the test database, plus `extra`."""
    env = {**os.environ, "DJANGO_SETTINGS_MODULE": "studio.settings.test", "PYTHONUNBUFFERED": "1"}
    env.pop("STUDIO_SQLITE_PATH", None)
    env.pop("DATABASE_URL", None)
    return {**env, **database_env(), **extra}


def start(argv: list[str], *, log: str, **extra: str) -> subprocess.Popen:
    """Starts `argv` (after `python`) in its own process group, its output appended to `log` in the data dir."""
    output = (Path(settings.DATA_DIR) / log).open("ab")
    try:
        return subprocess.Popen(
            [sys.executable, *argv], cwd=ROOT, env=studio_env(**extra), start_new_session=True, stdout=output,
            stderr=subprocess.STDOUT,
        )  # fmt: skip
    finally:
        output.close()


def stop(process: subprocess.Popen, *, grace: float = 5) -> None:
    """SIGTERM to the process's group, SIGKILL after `grace` seconds."""
    try:
        os.killpg(process.pid, signal.SIGTERM)
    except ProcessLookupError:
        pass
    try:
        process.wait(timeout=grace)
    except subprocess.TimeoutExpired:
        os.killpg(process.pid, signal.SIGKILL)
        process.wait()


def start_web(port: int, *, log: str) -> subprocess.Popen:
    """A web host: gunicorn, one process with a few threads, on a loopback port."""
    argv = ["-m", "gunicorn", "studio.wsgi:application", "--bind", f"127.0.0.1:{port}", "--workers", "1",
            "--threads", "4", "--timeout", "300", "--no-control-socket"]  # fmt: skip
    return start(argv, log=log)


def start_worker(*, log: str) -> subprocess.Popen:
    """A worker host: django-q2's cluster."""
    return start(["manage.py", "qcluster"], log=log)


def free_port() -> int:
    import socket

    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def log_tail(log: str, size: int = 4000) -> str:
    path = Path(settings.DATA_DIR) / log
    return path.read_text(errors="replace")[-size:] if path.exists() else ""


def concurrently(*calls):
    """Runs each call in its own thread (its own database connection), as requests to several web processes run;
    returns what each returned, or the exception it raised."""
    import threading

    from django.db import connections

    results: list = [None] * len(calls)

    def run(index: int) -> None:
        try:
            results[index] = calls[index]()
        except BaseException as error:  # noqa: BLE001 - the test looks at it
            results[index] = error
        finally:
            connections.close_all()

    threads = [threading.Thread(target=run, args=(i,)) for i in range(len(calls))]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=120)
    return results


def healthz_ok(port: int) -> bool:
    """Whether a studio on this loopback port answers `/healthz` with 200 and "ok" (False while it cannot be
    reached)."""
    import urllib.request

    try:
        with urllib.request.urlopen(f"http://127.0.0.1:{port}/healthz", timeout=2) as response:
            return response.status == 200 and b'"ok"' in response.read()
    except OSError:
        return False


def start_studio(home: Path) -> tuple[subprocess.Popen, int, dict[str, str]]:
    """Starts `manage.py runstudio` (web server and worker) on a free loopback port, on the test database and data
    directory (`studio_env`), with `home` as its HOME; its output goes to a pipe. Returns (process, port, env).
    Stop it with `kill_what_is_left`."""
    env = studio_env(DJANGO_SETTINGS_MODULE="studio.settings.local", HOME=str(home), WEB_WORKERS="1", WEB_THREADS="4")
    env.pop("XDG_RUNTIME_DIR", None)
    port = free_port()
    process = subprocess.Popen(
        [sys.executable, "manage.py", "runstudio", "--port", str(port)],
        cwd=ROOT, env=env, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, start_new_session=True,
    )  # fmt: skip
    return process, port, env


def kill_what_is_left(process: subprocess.Popen) -> None:
    """Kills a process started in its own session (`start_studio`) and every process of it, those started since a
    listing too (a worker's children still starting hold the output pipe open), then reads what is left of its
    output."""
    import psutil

    descendants = []
    if process.poll() is None:
        descendants = psutil.Process(process.pid).children(recursive=True)
    try:
        os.killpg(process.pid, signal.SIGKILL)  # started with start_new_session: its group is its pid
    except ProcessLookupError:
        pass
    for descendant in descendants:  # any that left the group
        try:
            descendant.kill()
        except psutil.NoSuchProcess:
            pass
    try:
        process.communicate(timeout=30)
    except subprocess.TimeoutExpired:
        process.stdout.close()  # a straggler outside the group keeps the pipe: stop reading it
        process.wait(timeout=10)
