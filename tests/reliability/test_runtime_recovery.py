"""A web process killed (-9) while it holds analyze-text jobs on its background thread: the sweep, on the real
django-q2 worker's schedule, runs them again within `RECOVERY_BOUND` of the kill, and they succeed."""

from __future__ import annotations

import os
import signal
import time

import pytest

from modeling.models import AnalyzeJob
from modeling.services.runtime.jobs import INLINE_MAX_CHARACTERS, RECOVERY_BOUND
from projects.models import JobStatus
from tests import processes
from tests.reliability.conftest import sweep_schedule, wait_for

pytestmark = pytest.mark.slow
JOBS = "/language/analyze-text/jobs"
TEXT = "Contoso Bank lends $5,000 to John Smith, to be repaid in monthly installments over two years. "
# Well over the inline bound: these go to the web process's background thread.
DOCUMENTS = [{"id": str(i), "text": TEXT * 4, "language": "en"} for i in range(8)]
assert len(TEXT) * 4 * len(DOCUMENTS) > INLINE_MAX_CHARACTERS


def test_jobs_a_killed_web_process_held_are_run_again_within_the_bound(deployed, start_web):
    web, process = start_web("web.log")
    body = {
        "analysisInput": {"documents": DOCUMENTS},
        "tasks": [{"kind": "CustomEntityRecognition", "taskName": "t",
                   "parameters": {"projectName": "loans", "deploymentName": "prod"}}],
    }  # fmt: skip
    urls = []
    for _ in range(3):
        status, headers, answer = web.call("POST", JOBS, body)
        assert status == 202, answer
        urls.append(headers["Operation-Location"])
    os.killpg(process.pid, signal.SIGKILL)  # before its thread could end them: the first loads the model
    process.wait()
    killed_at = time.monotonic()
    left = dict(AnalyzeJob.objects.values_list("job_id", "status"))
    assert len(left) == 3 and set(left.values()) <= {JobStatus.NOT_STARTED, JobStatus.RUNNING}, left

    sweep_schedule()
    worker = processes.start_worker(log="worker.log")
    try:

        def all_ended():
            statuses = set(AnalyzeJob.objects.values_list("status", flat=True))
            return not statuses & {JobStatus.NOT_STARTED, JobStatus.RUNNING} and statuses

        statuses = wait_for(all_ended, RECOVERY_BOUND.total_seconds(), "the jobs to be recovered", log="worker.log")
        recovered_in = time.monotonic() - killed_at
    finally:
        processes.stop(worker)
    print(f"\nrecovered {len(left)} jobs {recovered_in:.1f} s after the kill (bound {RECOVERY_BOUND.seconds} s)")
    assert statuses == {JobStatus.SUCCEEDED}, dict(AnalyzeJob.objects.values_list("job_id", "status"))

    # A new web host answers them as Azure's jobs, with every document's entities.
    web2, _ = start_web("web-2.log")
    for url in urls:
        status, _, state = web2.call("GET", url.replace(web.url, web2.url))
        assert status == 200 and state["status"] == "succeeded", state
        documents = state["tasks"]["items"][0]["results"]["documents"]
        assert [d["id"] for d in documents] == [d["id"] for d in DOCUMENTS]
        assert all(d["entities"] for d in documents)
    assert all(attempts <= 2 for attempts in AnalyzeJob.objects.values_list("attempts", flat=True))
