"""`manage.py runstudio` (what `make run` starts): web server and worker together, stopped together."""

import os
import signal
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

import psutil

ROOT = Path(__file__).resolve().parent.parent.parent


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def test_runstudio_serves_healthz_and_ctrl_c_stops_web_and_worker(tmp_path):
    env = {**os.environ, "STUDIO_DATA_DIR": str(tmp_path), "DJANGO_SETTINGS_MODULE": "studio.settings.local"}
    env.pop("STUDIO_SQLITE_PATH", None)
    subprocess.run([sys.executable, "manage.py", "migrate", "-v", "0"], cwd=ROOT, env=env, check=True)
    port = free_port()
    process = subprocess.Popen(
        [sys.executable, "manage.py", "runstudio", "--port", str(port)],
        cwd=ROOT, env=env, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, start_new_session=True,
    )  # fmt: skip
    try:
        deadline = time.monotonic() + 60
        while True:
            try:
                with urllib.request.urlopen(f"http://127.0.0.1:{port}/healthz", timeout=2) as response:
                    assert response.status == 200 and b'"ok"' in response.read()
                    break
            except OSError:
                assert time.monotonic() < deadline, "the web server did not come up"
                time.sleep(0.5)
        children = psutil.Process(process.pid).children(recursive=True)
        commands = " ".join(" ".join(c.cmdline()) for c in children)
        assert "gunicorn" in commands and "qcluster" in commands
        process.send_signal(signal.SIGINT)
        output, _ = process.communicate(timeout=45)
        assert process.returncode == 0, output.decode()[-2000:]
        assert b"Studio stopped." in output
        time.sleep(0.5)
        assert not [c for c in children if c.is_running() and c.status() != psutil.STATUS_ZOMBIE]
    finally:
        if process.poll() is None:
            os.killpg(process.pid, signal.SIGKILL)
