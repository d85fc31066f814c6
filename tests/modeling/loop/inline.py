"""Running loop jobs without a django-q2 worker, for page and browser tests: each job starts on a thread of the
test process right after its start commits, as the worker would pick it up."""

from __future__ import annotations

import threading

from django.db import connections

from modeling.services.loop import jobs


def run_loop_jobs_inline(monkeypatch) -> list[threading.Thread]:
    """Makes `loop_job_start` run each job on a thread; returns the threads (join them to wait for the jobs)."""
    threads: list[threading.Thread] = []

    def run(job_pk: int) -> None:
        try:
            jobs.loop_job_run(job_pk=job_pk)
        finally:
            connections.close_all()

    def enqueue(job) -> None:
        thread = threading.Thread(target=run, args=(job.pk,), daemon=True, name=f"loop-job-{job.pk}")
        threads.append(thread)
        thread.start()

    monkeypatch.setattr(jobs, "_enqueue", enqueue)
    return threads
