"""How many analyses one process runs at once, and how long a call may wait for its turn.

Prediction is CPU-bound: past `limits.RUNTIME_ANALYSES_AT_ONCE` running, more threads only slow each other down.
A call waits for a turn behind at most `limits.RUNTIME_ANALYSES_WAITING_MAX` others and for at most
`limits.RUNTIME_ANALYSIS_WAIT_MAX`; past either it is refused with Azure's 429 and a `Retry-After`, so under overload
callers back off instead of waiting longer and longer. A background job (already accepted, `background`) waits for
its turn as long as it takes. A tiny job run inside its submitting request waits as a call does; one that gets no
turn in time is not refused but handed to the background (`jobs.analyze_job_submit`).
"""

from __future__ import annotations

import os
import threading
from collections.abc import Iterator
from contextlib import contextmanager

from studio import limits
from studio.exceptions import ServiceBusy


class TooManyRequests(ServiceBusy):
    """Azure's 429 (`TooManyRequests`): the caller should retry after `Retry-After` seconds."""

    code = "TooManyRequests"
    status = 429

    def __init__(self, message: str) -> None:
        super().__init__(message, retry_after=limits.RUNTIME_RETRY_AFTER_SECONDS)


class _Gate:
    def __init__(self) -> None:
        self.pid = os.getpid()
        self.condition = threading.Condition()
        self.running = 0
        self.waiting = 0


_gate: _Gate | None = None
_gate_lock = threading.Lock()


def _current() -> _Gate:
    global _gate
    with _gate_lock:
        if _gate is None or _gate.pid != os.getpid():
            _gate = _Gate()
        return _gate


def too_busy(what: str) -> TooManyRequests:
    return TooManyRequests(
        f"{what}: the service is busy. Retry after {limits.RUNTIME_RETRY_AFTER_SECONDS} s, or send fewer requests "
        "at a time."
    )


def has_free_turn() -> bool:
    """Whether an analysis could start now without waiting (a hint: another thread may take the turn first)."""
    gate = _current()
    with gate.condition:
        return gate.running < limits.RUNTIME_ANALYSES_AT_ONCE


@contextmanager
def analysis_turn(*, wait: bool = False) -> Iterator[None]:
    """Holds one of this process's analysis turns for the `with` block. A call (`wait=False`) that cannot get one
    within the limits is refused with 429; a background job (`wait=True`) waits for one."""
    gate = _current()
    timeout = None if wait else limits.RUNTIME_ANALYSIS_WAIT_MAX.total_seconds()
    with gate.condition:
        if gate.running >= limits.RUNTIME_ANALYSES_AT_ONCE:
            if not wait and gate.waiting >= limits.RUNTIME_ANALYSES_WAITING_MAX:
                raise too_busy(f"{gate.waiting} requests are already waiting for their turn")
            gate.waiting += 1
            try:
                got_turn = gate.condition.wait_for(lambda: gate.running < limits.RUNTIME_ANALYSES_AT_ONCE, timeout)
            finally:
                gate.waiting -= 1
            if not got_turn:
                raise too_busy(f"The request could not start within {timeout:g} s")
        gate.running += 1
    try:
        yield
    finally:
        with gate.condition:
            gate.running -= 1
            gate.condition.notify()
