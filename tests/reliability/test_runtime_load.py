"""The runtime under load on loopback: 1, 4 and 16 concurrent clients answered without an error
(`bench/runtime_bench.py`, whose JSON line is printed), and past the bounded queue (`studio/limits.py`) Azure's 429
with Retry-After instead of waits that grow without bound."""

from __future__ import annotations

import json
import subprocess
import sys
import threading
import time

import pytest

from studio import limits
from tests import processes
from tests.reliability.conftest import wait_for

pytestmark = pytest.mark.slow
SYNC = "/language/:analyze-text"
JOBS = "/language/analyze-text/jobs"
TEXT = "Contoso Bank lends $5,000 to John Smith, to be repaid in monthly installments over two years. "
# 25 documents of 4,750 characters: a full call, several seconds of one core for the tiny model; and a fifth of it.
FULL = [{"id": str(i), "text": TEXT * 50, "language": "en"} for i in range(25)]
FIFTH = [{"id": str(i), "text": TEXT * 10, "language": "en"} for i in range(25)]
PROD = {"projectName": "loans", "deploymentName": "prod"}


def test_the_runtime_answers_1_4_and_16_concurrent_clients_without_errors():
    command = [sys.executable, "bench/runtime_bench.py", "--quick", "--seconds", "5", "--documents", "50"]
    done = subprocess.run(command, cwd=processes.ROOT, capture_output=True, text=True, timeout=900)
    assert done.returncode == 0, done.stderr[-3000:]
    figures = json.loads(done.stdout.strip().splitlines()[-1])
    print("\n" + json.dumps(figures))
    assert [level["clients"] for level in figures["load"]] == [1, 4, 16]
    for level in figures["load"]:
        assert level["requests"] > 0 and level["errors"] == 0 and level["too_many_requests"] == 0, level


def _concurrently(count: int, call) -> list:
    results: list = [None] * count

    def run(i: int) -> None:
        started = time.monotonic()
        results[i] = (*call(), time.monotonic() - started)

    threads = [threading.Thread(target=run, args=(i,)) for i in range(count)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=300)
    return results


def _is_too_many_requests(status: int, headers: dict, body) -> bool:
    return (
        status == 429
        and headers.get("Retry-After") == str(limits.RUNTIME_RETRY_AFTER_SECONDS)
        and body["error"]["code"] == "TooManyRequests"
        and "busy" in body["error"]["message"]
    )


def test_past_the_bounded_queue_the_runtime_answers_429_with_retry_after(deployed, start_web):
    # More request threads than the queue holds, so the bound, not the server's threads, is what refuses.
    clients = limits.RUNTIME_ANALYSES_AT_ONCE + limits.RUNTIME_ANALYSES_WAITING_MAX + 16
    web, _ = start_web("web.log", threads=clients)
    status, _, body = web.call("POST", SYNC, {"kind": "CustomEntityRecognition", "parameters": PROD,
                                              "analysisInput": {"documents": FULL[:1]}})  # fmt: skip
    assert status == 200, body  # the model is loaded

    sync = {"kind": "CustomEntityRecognition", "parameters": PROD, "analysisInput": {"documents": FIFTH}}
    answers = _concurrently(clients, lambda: web.call("POST", SYNC, sync, timeout=300))
    statuses = [a[0] for a in answers]
    refused = [a for a in answers if a[0] == 429]
    assert set(statuses) == {200, 429}, statuses
    assert all(_is_too_many_requests(*a[:3]) for a in refused), refused[0]
    assert sum(s == 200 for s in statuses) >= limits.RUNTIME_ANALYSES_AT_ONCE
    # No call waited past the bound for its turn (plus the analyses it waited behind to end, and its own).
    slowest_answered = max(a[3] for a in answers if a[0] == 200)
    slowest_refused = max(a[3] for a in refused)
    assert slowest_refused < limits.RUNTIME_ANALYSIS_WAIT_MAX.total_seconds() + 5, slowest_refused
    print(f"\nsync: {len(refused)}/{clients} refused (429), slowest refusal {slowest_refused:.1f} s, "
          f"slowest answer {slowest_answered:.1f} s")  # fmt: skip

    # Background jobs: a process holds at most RUNTIME_JOBS_QUEUED_MAX; one more is a 429, never a longer queue.
    job = {"analysisInput": {"documents": FULL},
           "tasks": [{"kind": "CustomEntityRecognition", "taskName": "t", "parameters": PROD}]}  # fmt: skip
    submitted = _concurrently(limits.RUNTIME_JOBS_QUEUED_MAX + 16, lambda: web.call("POST", JOBS, job))
    accepted = [a[1]["Operation-Location"] for a in submitted if a[0] == 202]
    refused = [a for a in submitted if a[0] != 202]
    assert refused and all(_is_too_many_requests(*a[:3]) for a in refused), refused[:1]
    assert len(accepted) <= limits.RUNTIME_JOBS_QUEUED_MAX + 1  # (+1: the first may have ended meanwhile)
    for url in accepted:  # what was accepted still ends: cancelled, or done
        status, _, _ = web.call("POST", url.replace("?", ":cancel?", 1))
        assert status in (202, 400)
    for url in accepted:
        wait_for(lambda url=url: web.call("GET", url)[2]["status"] not in ("notStarted", "running"), 120, "a job")
    # Once the thread has passed the cancelled jobs (and ended the one it ran), a job is accepted again.
    wait_for(lambda: web.call("POST", JOBS, job)[0] == 202, 120, "the queue to drain", interval=2)
