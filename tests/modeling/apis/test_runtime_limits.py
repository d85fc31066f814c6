"""The runtime's bounded queue (`studio/limits.py`): past it, Azure's 429 with Retry-After, never a longer wait."""

from __future__ import annotations

import json
import threading
import time
from datetime import timedelta

import pytest

from modeling.models import AnalyzeJob
from modeling.services.runtime import admission, background
from projects.services.api_keys import api_key_create
from studio import limits
from tests.conftest import AzureClient

TEXT = "Contoso Bank lends $5,000 to John Smith, to be repaid in monthly installments over two years. "
SMALL = [{"id": "1", "text": TEXT, "language": "en"}]
LARGE = [{"id": str(i), "text": TEXT * 10, "language": "en"} for i in range(3)]  # over the inline bound
PROD = {"projectName": "loans", "deploymentName": "prod"}


@pytest.fixture
def api(make_user, deploy_tiny):
    from annotation.formats.azure import read_project
    from annotation.services.imports import project_import
    from tests.modeling.factories import loan_project

    admin = make_user("root", superuser=True)
    project = project_import(user=admin, name="loans", data=read_project(loan_project(documents=12)))
    deploy_tiny(project, user=admin)
    return AzureClient(api_key_create(user=admin, name="limits"))


def _post(api: AzureClient, path: str, body: dict):
    return api.client.post(
        f"{path}?api-version=2023-04-01", json.dumps(body), content_type="application/json", headers=api._headers()
    )


def _sync(api: AzureClient):
    body = {"kind": "CustomEntityRecognition", "analysisInput": {"documents": SMALL}, "parameters": PROD}
    return _post(api, "/language/:analyze-text", body)


def _assert_too_many_requests(response) -> None:
    assert response.status_code == 429, response.content
    assert response["Retry-After"] == str(limits.RUNTIME_RETRY_AFTER_SECONDS)
    assert response["x-ms-error-code"] == "TooManyRequests"
    assert "the service is busy. Retry after 1 s" in response.json()["error"]["message"]


def _hold_turns(count: int) -> tuple[threading.Event, list[threading.Thread]]:
    """Threads that each hold an analysis turn until the event is set."""
    release, holding = threading.Event(), threading.Barrier(count + 1)

    def hold():
        with admission.analysis_turn():
            holding.wait()
            release.wait(10)

    threads = [threading.Thread(target=hold) for _ in range(count)]
    for thread in threads:
        thread.start()
    holding.wait()
    return release, threads


def test_a_call_that_cannot_get_a_turn_within_the_wait_bound_is_a_429(api, monkeypatch):
    monkeypatch.setattr(limits, "RUNTIME_ANALYSES_AT_ONCE", 1)
    monkeypatch.setattr(limits, "RUNTIME_ANALYSIS_WAIT_MAX", timedelta(seconds=0.3))
    release, threads = _hold_turns(1)
    started = time.monotonic()
    try:
        _assert_too_many_requests(_sync(api))
    finally:
        release.set()
        for thread in threads:
            thread.join()
    assert 0.3 <= time.monotonic() - started < 3
    assert _sync(api).status_code == 200  # a turn is free again


@pytest.mark.django_db(transaction=True)  # the job goes to the background thread, which has its own connection
def test_a_tiny_job_that_gets_no_turn_within_the_wait_bound_goes_to_the_background(api, monkeypatch):
    monkeypatch.setattr(limits, "RUNTIME_ANALYSES_AT_ONCE", 1)
    monkeypatch.setattr(limits, "RUNTIME_ANALYSIS_WAIT_MAX", timedelta(seconds=0.3))
    release, threads = _hold_turns(1)
    # The hint saw a free turn, and another request took it first: the job is run inside the request.
    monkeypatch.setattr(admission, "has_free_turn", lambda: True)
    job = {"analysisInput": {"documents": SMALL}, "tasks": [{"kind": "CustomEntityRecognition", "parameters": PROD}]}
    started = time.monotonic()
    try:
        response = _post(api, "/language/analyze-text/jobs", job)
        waited = time.monotonic() - started
        assert response.status_code == 202, response.content
        url = response["Operation-Location"]
        pending = api.client.get(url, headers=api._headers())
        assert pending.json()["status"] in ("notStarted", "running") and pending["retry-after-ms"] == "250"
    finally:
        release.set()
        for thread in threads:
            thread.join()
    assert 0.3 <= waited < 3  # the call's bound, not the wait for the turn
    background.drain()
    body = api.client.get(url, headers=api._headers()).json()
    assert body["status"] == "succeeded" and body["errors"] == []
    assert len(body["tasks"]["items"][0]["results"]["documents"]) == 1
    assert AnalyzeJob.objects.get().attempts == 1  # handing it over is not a run that died


def test_past_the_waiting_bound_a_call_is_refused_at_once_and_a_background_job_waits(monkeypatch):
    monkeypatch.setattr(limits, "RUNTIME_ANALYSES_AT_ONCE", 1)
    monkeypatch.setattr(limits, "RUNTIME_ANALYSES_WAITING_MAX", 0)
    release, threads = _hold_turns(1)
    ran = threading.Event()

    def background_job():
        with admission.analysis_turn(wait=True):
            ran.set()

    waiting = threading.Thread(target=background_job)
    try:
        started = time.monotonic()
        with pytest.raises(admission.TooManyRequests, match="0 requests are already waiting for their turn"):
            with admission.analysis_turn():
                pass
        assert time.monotonic() - started < 0.5
        waiting.start()
        assert not ran.wait(0.3)  # it waits for its turn, however long
    finally:
        release.set()
        for thread in threads:
            thread.join()
    waiting.join(5)
    assert ran.is_set()


def test_a_full_job_queue_refuses_the_next_job_and_records_nothing(api, monkeypatch):
    monkeypatch.setattr(limits, "RUNTIME_JOBS_QUEUED_MAX", 0)
    job = {"analysisInput": {"documents": LARGE}, "tasks": [{"kind": "CustomEntityRecognition", "parameters": PROD}]}
    _assert_too_many_requests(_post(api, "/language/analyze-text/jobs", job))
    assert not AnalyzeJob.objects.exists()
    # A tiny job runs inline: it takes no place in the queue.
    small = {**job, "analysisInput": {"documents": SMALL}}
    assert _post(api, "/language/analyze-text/jobs", small).status_code == 202
    assert background.queued_count() == 0


def test_a_job_that_cannot_be_handed_to_the_thread_gives_its_place_back(monkeypatch):
    def no_thread(job_pk: int) -> None:
        raise RuntimeError("can't start new thread")

    monkeypatch.setattr(background, "hold", no_thread)
    with pytest.raises(RuntimeError, match="can't start new thread"):
        background.submit(12345, lambda job_pk: None)
    assert background.queued_count() == 0  # the queue keeps all its places
