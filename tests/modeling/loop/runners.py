"""Stand-in runners for the loop-job infrastructure's tests (`RUNNERS` is pointed at them): each does what a
real runner may do, without a model."""

from __future__ import annotations

import threading

from studio.exceptions import InvalidInput

# Set by a test to hold `reporting` between its two reports (so the test can look at the job mid-run).
gate = threading.Event()


def succeeds(job, progress) -> dict:
    progress.report(40, "Halfway")
    return {"seen": job.params.get("n", 0) * 2}


def waits_for_cancel(job, progress) -> dict:
    progress.report(10, "Waiting")
    for _ in range(200):
        progress.check_cancel()
        gate.wait(0.05)
    return {"never": True}


def stops_politely(job, progress) -> dict:
    """Returns what it has when cancel is asked for, instead of raising."""
    while not progress.should_cancel():
        gate.wait(0.05)
    return {"partial": 3}


def refuses(job, progress) -> dict:
    raise InvalidInput("The model has no entity types in common with the project.")


def crashes(job, progress) -> dict:
    raise RuntimeError("disk on fire")


def check_params(*, project, params, trained_model):
    if params.get("n", 0) < 0:
        raise InvalidInput("n must not be negative.", target="params.n")
    return {**params, "checked": True}


def writes_then_crashes(job, progress) -> dict:
    """Leaves a half-written model in its working folder and crashes (a real runner removes what it wrote)."""
    from modeling.services.loop.jobs import loop_job_directory

    folder = loop_job_directory(job) / "fold-1"
    folder.mkdir(parents=True)
    (folder / "model.pt").write_bytes(b"half a model")
    raise RuntimeError("disk on fire")
