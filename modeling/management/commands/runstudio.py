"""Starts the web server and the django-q2 worker together; Ctrl-C (or SIGTERM) stops both."""

import os
import signal
import subprocess
import sys
import time

from django.core.management.base import BaseCommand


class Command(BaseCommand):
    help = "Runs the web server (gunicorn) and the task worker (qcluster) together."

    def add_arguments(self, parser):
        parser.add_argument("--host", default=os.environ.get("HOST", "127.0.0.1"))
        parser.add_argument("--port", default=os.environ.get("PORT", "8000"))

    def handle(self, *args, host: str, port: str, **options):
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
            "--access-logfile", "-",
        ]  # fmt: skip
        from modeling.services.training.sweeps import training_jobs_fail_running

        # This machine's worker is about to start, so no job can still be running: say so on the jobs.
        failed = training_jobs_fail_running()
        if failed:
            self.stdout.write(f"Marked {failed} training job(s) failed: the worker stopped while they ran.")
        worker = [sys.executable, "manage.py", "qcluster"]
        processes = [subprocess.Popen(web, env=env), subprocess.Popen(worker, env=env)]
        self.stdout.write(
            f"Studio on http://{host}:{port}/ (web pid {processes[0].pid}, worker pid {processes[1].pid})"
        )

        stopping = False

        def stop(signum=None, frame=None):
            nonlocal stopping
            if stopping:
                return
            stopping = True
            for process in processes:
                if process.poll() is None:
                    process.send_signal(signal.SIGTERM)

        signal.signal(signal.SIGINT, stop)
        signal.signal(signal.SIGTERM, stop)
        try:
            while all(p.poll() is None for p in processes):
                time.sleep(0.5)
        finally:
            stop()
            deadline = time.time() + 30
            for process in processes:
                try:
                    process.wait(timeout=max(0.1, deadline - time.time()))
                except subprocess.TimeoutExpired:
                    process.kill()
        self.stdout.write("Studio stopped.")
