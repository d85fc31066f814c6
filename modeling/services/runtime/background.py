"""The jobs this process holds: the background thread that runs them one at a time, and their heartbeat.

A job is held from the moment this process takes it (queued on its thread, or claimed by a django-q2 worker) until
it ends here. While any is held, a keeper thread writes `heartbeat_at` on all of them every `HEARTBEAT` in one
UPDATE, so a job whose process died (kill -9, out of memory, a host gone) goes silent, and the sweep
(`jobs.analyze_jobs_recover`) runs it again elsewhere or fails it. A process holds at most
`limits.RUNTIME_JOBS_QUEUED_MAX` jobs: a submission takes a place (`place`) before its job is recorded, and one more is
refused with a 429, so a queue's wait cannot grow without bound. The one exception is a tiny job that got no analysis
turn inside its request (`jobs.analyze_job_submit`): it was accepted already, so it is submitted without a place,
which passes the bound by at most the requests this process serves at once.

Everything here is per process (gunicorn forks workers): state made in another process id is dropped.
"""

from __future__ import annotations

import logging
import os
import threading
from collections.abc import Callable, Iterator
from concurrent.futures import ThreadPoolExecutor
from contextlib import contextmanager
from datetime import timedelta

from django.db import close_old_connections, connections
from django.utils import timezone

from modeling.models import AnalyzeJob
from modeling.services.runtime.admission import too_busy
from projects.models import JobStatus
from studio import limits

logger = logging.getLogger(__name__)

# How often the holding process writes its jobs' heartbeat; `jobs.sweeps.ORPHANED_AFTER` is several of these.
HEARTBEAT = timedelta(seconds=5)


class _Process:
    """This process's thread, held jobs and keeper (made again after a fork)."""

    def __init__(self) -> None:
        self.pid = os.getpid()
        self.lock = threading.Lock()
        self.held: set[int] = set()
        self.queued = 0  # submitted to the thread and not yet ended
        self.placing = 0  # submissions between `place` and their `submit`
        self.executor = ThreadPoolExecutor(max_workers=1, thread_name_prefix="runtime")
        self.keeper: threading.Thread | None = None


_state: _Process | None = None
_state_lock = threading.Lock()


def _process() -> _Process:
    global _state
    with _state_lock:
        if _state is None or _state.pid != os.getpid():
            _state = _Process()
        return _state


def queued_count() -> int:
    """Jobs submitted to this process's thread that have not ended."""
    return _process().queued


@contextmanager
def place() -> Iterator[None]:
    """A place in this process's queue for the job being submitted in the block (which `submit`s it): refused with
    429 when the queue is full. Taken before the job is recorded, so concurrent submissions cannot overfill it."""
    state = _process()
    with state.lock:
        taken = state.queued + state.placing
        if taken >= limits.RUNTIME_JOBS_QUEUED_MAX:
            raise too_busy(f"{taken} jobs are already waiting on this server")
        state.placing += 1
    try:
        yield
    finally:
        with state.lock:
            state.placing -= 1


def submit(job_pk: int, run: Callable[[int], None]) -> None:
    """Runs `run(job_pk)` on this process's thread, after the jobs queued before it; holds the job meanwhile."""
    state = _process()
    with state.lock:
        state.queued += 1
    try:
        hold(job_pk)
        state.executor.submit(_run, state, job_pk, run)
    except BaseException:
        # No thread will end this job here (a thread that cannot start, an executor shut down): give its place
        # back, or the queue shrinks for good; the job is left silent, so the sweep hands it to the worker.
        release(job_pk)
        with state.lock:
            state.queued -= 1
        raise


def _run(state: _Process, job_pk: int, run: Callable[[int], None]) -> None:
    try:
        run(job_pk)
    except Exception:
        logger.exception("Runtime job %s failed", job_pk)
    finally:
        release(job_pk)
        with state.lock:
            state.queued -= 1
        close_old_connections()


def hold(job_pk: int) -> None:
    """This process now answers for the job: its heartbeat is written until `release`."""
    state = _process()
    with state.lock:
        state.held.add(job_pk)
        if state.keeper is None or not state.keeper.is_alive():
            state.keeper = threading.Thread(target=_keep, args=(state,), name="runtime-heartbeat", daemon=True)
            state.keeper.start()


def release(job_pk: int) -> None:
    state = _process()
    with state.lock:
        state.held.discard(job_pk)


def _keep(state: _Process) -> None:
    """Writes the held jobs' heartbeat every HEARTBEAT; ends when none is held (`hold` starts it again)."""
    stop = threading.Event()
    while True:
        stop.wait(HEARTBEAT.total_seconds())  # a job's claim wrote its first beat; one that ends sooner writes none
        with state.lock:
            held = list(state.held)
            if not held:
                state.keeper = None
                return
        try:
            AnalyzeJob.objects.filter(pk__in=held, status__in=(JobStatus.NOT_STARTED, JobStatus.RUNNING)).update(
                heartbeat_at=timezone.now()
            )
        except Exception:  # a busy or unreachable database: try again at the next beat
            logger.warning("Could not write the heartbeat of runtime jobs %s", held, exc_info=True)
        finally:
            connections.close_all()  # this thread's own connection: idle until the next beat


def drain(*, timeout: float = 60) -> None:
    """Returns once this process's thread has ended the jobs queued so far: for tests, whose database goes away
    after them, and a process about to stop."""
    _process().executor.submit(lambda: None).result(timeout=timeout)
