"""Keeps the studio's processes running: each child in its own session, restarted when it dies, stopped as a group.

A child's own children (gunicorn's workers; django-q2's sentinel, pusher, monitor and workers) share its process
group, so ending the group leaves no orphans behind, and a restarted worker never runs beside the remains of the
cluster it replaces. Children live in their own sessions, so a Ctrl-C in the terminal reaches only the supervisor,
which then stops them in order: SIGTERM to each child, SIGKILL to whatever of its group is left after a short
grace (a django-q2 cluster otherwise waits for a running task, a training, before it stops).

Pure standard library and Linux process groups; nothing here knows Django.
"""

from __future__ import annotations

import ctypes
import os
import signal
import subprocess
import sys
import threading
import time
from collections import deque
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path

_PR_SET_PDEATHSIG = 1  # from <linux/prctl.h>


@dataclass(frozen=True)
class RestartPolicy:
    """When a dead child comes back: after a doubling delay, and at most `max_restarts` times a `window`."""

    first_delay: float = 0.5  # seconds between a child's death and its first restart
    max_delay: float = 10.0  # the delay doubles with each restart within the window, up to this
    max_restarts: int = 5  # restarts allowed within the window; dying once more stops everything
    window: float = 60.0  # seconds

    def delay(self, recent_restarts: int) -> float:
        return min(self.max_delay, self.first_delay * 2**recent_restarts)


class GaveUp(Exception):
    """A child died more often than its restart policy allows; everything has been stopped."""


@dataclass
class Child:
    """One supervised command. `after_exit` runs each time its whole process group is gone (death or stop)."""

    name: str
    argv: Sequence[str]
    env: Mapping[str, str] | None = None
    cwd: str | Path | None = None
    after_exit: Callable[[], object] | None = None
    process: subprocess.Popen | None = field(default=None, init=False, repr=False)
    restarts: deque[float] = field(default_factory=deque, init=False, repr=False)
    restart_at: float | None = field(default=None, init=False, repr=False)

    @property
    def pgid(self) -> int:
        # Started with start_new_session, a child leads its own session and process group.
        return self.process.pid


class Supervisor:
    """Starts children, restarts the ones that die, and stops them all on SIGINT, SIGTERM or SIGHUP."""

    def __init__(
        self,
        children: Sequence[Child],
        *,
        log: Callable[[str], object],
        policy: RestartPolicy = RestartPolicy(),
        stop_grace: float = 3.0,
        tick: float = 0.2,
    ) -> None:
        self.children = list(children)
        self.log = log
        self.policy = policy
        self.stop_grace = stop_grace  # seconds between SIGTERM and SIGKILL
        self.tick = tick
        self._stop_requests = 0

    def request_stop(self, signum: int | None = None, frame: object = None) -> None:
        """Asks `run` to stop everything; asked again while stopping, it kills at once. Safe in a signal handler."""
        self._stop_requests += 1

    def run(self) -> None:
        """Supervises until a stop is requested, then stops every child and returns.

        Raises:
            GaveUp: a child died more often than the restart policy allows (everything is stopped by then).
        """
        previous = self._install_signal_handlers()
        try:
            for child in self.children:
                self._start(child)
            failure = self._supervise()
        finally:
            self.stop()
            for signum, handler in previous.items():
                signal.signal(signum, handler)
        if failure:
            raise GaveUp(failure)

    def stop(self) -> None:
        """SIGTERM to each running child, then SIGKILL to what is left of its group after the grace."""
        running = [child for child in self.children if child.process is not None]
        for child in running:
            if not _has_exited(child.process):
                _send(child.process.pid, signal.SIGTERM, group=False)
        self._end(running)

    def _install_signal_handlers(self) -> dict[int, object]:
        if threading.current_thread() is not threading.main_thread():
            return {}  # only the main thread may set handlers; the caller then calls request_stop itself
        previous = {}
        for signum in (signal.SIGINT, signal.SIGTERM, signal.SIGHUP):
            previous[signum] = signal.signal(signum, self.request_stop)
        return previous

    def _supervise(self) -> str | None:
        while not self._stop_requests:
            for child in self.children:
                if child.process is None:
                    if child.restart_at is not None and time.monotonic() >= child.restart_at:
                        self._start(child)
                elif _has_exited(child.process):
                    failure = self._after_death(child)
                    if failure:
                        return failure
            time.sleep(self.tick)
        return None

    def _start(self, child: Child) -> None:
        child.process = subprocess.Popen(
            child.argv,
            env=child.env,
            cwd=child.cwd,
            start_new_session=True,
            preexec_fn=_die_with_parent(os.getpid()),
        )
        child.restart_at = None
        self.log(f"Started the {child.name} (pid {child.process.pid}).")

    def _after_death(self, child: Child) -> str | None:
        """Ends what is left of the dead child's group (its orphans), then schedules a restart or gives up."""
        pid = child.process.pid
        _send(child.pgid, signal.SIGTERM, group=True)
        self._end([child])
        how = _describe_exit(child.process.returncode)
        child.process = None
        now = time.monotonic()
        while child.restarts and now - child.restarts[0] > self.policy.window:
            child.restarts.popleft()
        if len(child.restarts) >= self.policy.max_restarts:
            return (
                f"The {child.name} stopped {len(child.restarts) + 1} times within {self.policy.window:g} s "
                f"(the last time it {how}); stopping the studio. Its output above says why."
            )
        delay = self.policy.delay(len(child.restarts))
        child.restarts.append(now)
        child.restart_at = now + delay
        self.log(f"The {child.name} (pid {pid}) {how}; restarting it in {delay:g} s.")
        return None

    def _end(self, children: list[Child]) -> None:
        """Waits for the children's groups to go, SIGKILLs them after the grace, reaps, runs `after_exit`."""
        asked = self._stop_requests
        deadline = time.monotonic() + self.stop_grace
        while _live_groups({c.pgid for c in children}) and time.monotonic() < deadline:
            if self._stop_requests > asked:
                break  # asked again (a second Ctrl-C): no more grace
            time.sleep(0.05)
        for child in children:
            _send(child.pgid, signal.SIGKILL, group=True)
        deadline = time.monotonic() + 2
        while _live_groups({c.pgid for c in children}) and time.monotonic() < deadline:
            time.sleep(0.02)
        for child in children:
            try:
                child.process.wait(timeout=2)
            except subprocess.TimeoutExpired:
                self.log(f"The {child.name} (pid {child.process.pid}) did not exit after SIGKILL.")
            if child.after_exit is not None:
                try:
                    child.after_exit()
                except Exception as error:  # noqa: BLE001 - the clean-up of one child must not stop the others'
                    self.log(f"Cleaning up after the {child.name} failed: {error!r}")


def _has_exited(process: subprocess.Popen) -> bool:
    """Whether the child has exited, without reaping it: until it is reaped no new process can take its
    process group id, so the group can still be signalled safely."""
    if process.returncode is not None:
        return True
    try:
        return os.waitid(os.P_PID, process.pid, os.WEXITED | os.WNOHANG | os.WNOWAIT) is not None
    except (AttributeError, ChildProcessError):
        return process.poll() is not None


def _send(pid: int, signum: int, *, group: bool) -> None:
    try:
        if group:
            os.killpg(pid, signum)
        else:
            os.kill(pid, signum)
    except (ProcessLookupError, PermissionError):
        pass  # already gone


def _live_groups(pgids: set[int]) -> set[int]:
    """The process groups among `pgids` that still have a running process (zombies do not count)."""
    if not pgids:
        return set()
    try:
        entries = os.listdir("/proc")
    except FileNotFoundError:  # no procfs: ask the kernel, zombies included
        live = set()
        for pgid in pgids:
            try:
                os.killpg(pgid, 0)
                live.add(pgid)
            except ProcessLookupError:
                pass
            except PermissionError:
                live.add(pgid)
        return live
    live = set()
    for entry in entries:
        if not entry.isdigit():
            continue
        try:
            stat = Path("/proc", entry, "stat").read_bytes()
        except OSError:
            continue  # exited meanwhile
        # After the parenthesised command name: state, ppid, pgrp, ...
        fields = stat[stat.rfind(b")") + 2 :].split()
        if fields[0] not in (b"Z", b"X") and int(fields[2]) in pgids:
            live.add(int(fields[2]))
    return live


def _describe_exit(returncode: int | None) -> str:
    if returncode is None:
        return "did not exit"
    if returncode < 0:
        try:
            return f"was killed by {signal.Signals(-returncode).name}"
        except ValueError:
            return f"was killed by signal {-returncode}"
    return f"exited with code {returncode}"


def _die_with_parent(parent: int) -> Callable[[], None] | None:
    """A `preexec_fn` so that a child gets SIGTERM when the supervisor dies, even by SIGKILL (Linux only):
    its own clean-up then ends its group, and no server outlives `runstudio`."""
    if not sys.platform.startswith("linux"):
        return None
    try:
        prctl = ctypes.CDLL(None, use_errno=True).prctl  # looked up before the fork, not in the child
    except (OSError, AttributeError):
        return None
    sigterm = int(signal.SIGTERM)

    def preexec() -> None:
        prctl(_PR_SET_PDEATHSIG, sigterm)
        if os.getppid() != parent:  # the supervisor died before the line above ran
            os._exit(1)

    return preexec
