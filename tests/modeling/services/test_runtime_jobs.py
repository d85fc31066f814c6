"""Analyze-text jobs as services: what a job stores, reads that never write, and the two scheduled sweeps."""

from __future__ import annotations

import uuid
from datetime import timedelta

import pytest
from django.utils import timezone

from modeling.models import AnalyzeJob, Deployment
from modeling.selectors import analyze_job_get
from modeling.services.runtime import (
    DocumentError,
    JobError,
    RuntimeDocument,
    RuntimeTask,
    UnsupportedTask,
    analyze_job_cancel,
    analyze_job_run,
    analyze_job_submit,
    analyze_jobs_expire,
    analyze_jobs_recover,
    deployment_predict,
    documents_analyze,
    job_documents,
    job_errors,
    job_status_from,
    job_tasks,
)
from modeling.services.runtime.jobs import ORPHANED_AFTER, RUN_ATTEMPTS_MAX, STALE_ERROR, unsupported_task_error
from modeling.services.runtime.jobs import run as jobs_run
from modeling.services.runtime.jobs import sweeps as jobs_sweeps
from projects.models import JobStatus
from studio.exceptions import ApplicationError, NotFound

TEXT = "Ana López 👩‍👩‍👧 agrees to repay $1,200 to Contoso Finance 😀 in monthly installments."


def task(deployment_name: str = "prod", name: str = "0") -> RuntimeTask:
    return RuntimeTask(name, "loans", deployment_name, "Utf16CodeUnit")


def job_url(job: AnalyzeJob) -> str:
    return f"/language/analyze-text/jobs/{job.job_id}?api-version=2023-04-01"


def make_job(
    user, *, status=JobStatus.RUNNING, updated_ago=timedelta(0), expires_in=timedelta(days=1), attempts=1
) -> AnalyzeJob:
    """A job whose process last wrote (its heartbeat, and the job) `updated_ago`."""
    job = AnalyzeJob.objects.create(
        job_id=str(uuid.uuid4()), user=user, status=status, expires_at=timezone.now() + expires_in, attempts=attempts
    )
    then = timezone.now() - updated_ago
    AnalyzeJob.objects.filter(pk=job.pk).update(updated_at=then, heartbeat_at=then)
    job.refresh_from_db()
    return job


def test_a_small_job_runs_inline_and_stores_domain_data(runtime_deployment, owner):
    documents = [RuntimeDocument("1", TEXT, "en"), RuntimeDocument("2", "")]
    job = analyze_job_submit(user=owner, documents=documents, tasks=[task()], display_name="x" * 250)
    assert job.status == JobStatus.SUCCEEDED and len(job.display_name) == 200
    assert job_documents(job) == documents
    (item,) = job_tasks(job)
    assert item.task == task() and item.status == JobStatus.SUCCEEDED and item.updated_at is not None
    (predicted,) = item.analysis.documents
    assert predicted.id == "1"
    assert predicted.entities == deployment_predict(deployment=runtime_deployment, texts=[TEXT])[0]  # code points
    assert item.analysis.errors == [DocumentError("2", "Document text is empty.")]
    assert job_errors(job) == []


def test_a_task_that_fails_is_a_job_error_and_the_job_partially_completes(runtime_deployment, owner, deploy_tiny):
    deploy_tiny(runtime_deployment.project, variant="b", label="m2", deployment="staging", user=owner)
    job = make_job(owner, status=JobStatus.NOT_STARTED)
    job.documents = [{"id": "1", "text": TEXT, "language": None}]
    job.tasks = [
        {"name": n, "projectName": "loans", "deploymentName": d, "stringIndexType": "UnicodeCodePoint",
         "status": JobStatus.NOT_STARTED, "updatedAt": None}
        for n, d in (("a", "staging"), ("b", "prod"))
    ]  # fmt: skip
    job.save()
    Deployment.objects.filter(name="staging").delete()
    analyze_job_run(job_pk=job.pk)
    job.refresh_from_db()
    assert job.status == "partiallyCompleted"
    assert [(t.task.name, t.status) for t in job_tasks(job)] == [("a", "failed"), ("b", "succeeded")]
    assert job_errors(job) == [
        JobError("The deployment 'staging' could not be found in project 'loans'.", "NotFound", "DeploymentNotFound", 0)
    ]


def test_an_unknown_deployment_is_refused_before_a_job_is_recorded(runtime_deployment, owner):
    with pytest.raises(NotFound, match="The deployment 'nope' could not be found"):
        analyze_job_submit(user=owner, documents=[RuntimeDocument("1", TEXT)], tasks=[task(), task("nope")])
    assert not AnalyzeJob.objects.exists()


def test_reading_a_stale_job_does_not_change_it(owner):
    job = make_job(owner, updated_ago=ORPHANED_AFTER + timedelta(minutes=1))
    before = AnalyzeJob.objects.values().get(pk=job.pk)
    assert analyze_job_get(user=owner, job_id=job.job_id).status == JobStatus.RUNNING
    assert AnalyzeJob.objects.values().get(pk=job.pk) == before


def test_reading_a_stale_job_over_http_does_not_change_it(api, owner):
    job = make_job(owner, updated_ago=ORPHANED_AFTER + timedelta(minutes=1))
    before = AnalyzeJob.objects.values().get(pk=job.pk)
    body = api.get_absolute(job_url(job)).json()
    assert body["status"] == "running" and body["errors"] == []
    assert AnalyzeJob.objects.values().get(pk=job.pk) == before


def test_others_jobs_and_expired_jobs_are_not_found(owner, make_user):
    mine, expired = make_job(owner), make_job(owner, expires_in=-timedelta(seconds=1))
    with pytest.raises(NotFound, match=f"The job '{mine.job_id}' could not be found or has expired."):
        analyze_job_get(user=make_user("eve"), job_id=mine.job_id)
    assert analyze_job_get(user=make_user("root", superuser=True), job_id=mine.job_id) == mine
    with pytest.raises(NotFound):
        analyze_job_get(user=owner, job_id=expired.job_id)
    assert AnalyzeJob.objects.filter(pk=expired.pk).exists()  # reading does not delete either


def test_the_recovery_sweep_fails_only_silent_jobs_a_process_already_died_running(api, owner, queue):
    stale = make_job(owner, updated_ago=ORPHANED_AFTER + timedelta(seconds=5), attempts=RUN_ATTEMPTS_MAX)
    fresh = make_job(owner, updated_ago=ORPHANED_AFTER - timedelta(seconds=10), attempts=RUN_ATTEMPTS_MAX)
    done = make_job(owner, status=JobStatus.SUCCEEDED, updated_ago=ORPHANED_AFTER * 2)
    assert analyze_jobs_recover() == (0, 1)
    statuses = dict(AnalyzeJob.objects.values_list("pk", "status"))
    assert statuses == {stale.pk: "failed", fresh.pk: "running", done.pk: "succeeded"}
    stale.refresh_from_db()
    assert job_errors(stale) == [STALE_ERROR] and stale.updated_at > timezone.now() - timedelta(minutes=1)
    assert api.get_absolute(job_url(stale)).json()["errors"] == [
        {"code": "InternalServerError", "message": "The server running this job stopped; submit it again."}
    ]
    assert analyze_jobs_recover() == (0, 0)
    assert queue.queue_size() == 0


def test_the_recovery_sweep_hands_silent_jobs_to_the_worker_queue_once_per_silence(
    owner, queue, django_capture_on_commit_callbacks
):
    waiting = make_job(owner, status=JobStatus.NOT_STARTED, updated_ago=ORPHANED_AFTER * 2, attempts=0)
    running = make_job(owner, updated_ago=ORPHANED_AFTER * 2, attempts=1)
    fresh = make_job(owner, status=JobStatus.NOT_STARTED, attempts=0)
    with django_capture_on_commit_callbacks(execute=True):
        assert analyze_jobs_recover() == (2, 0)
    statuses = dict(AnalyzeJob.objects.values_list("pk", "status"))
    assert statuses == {waiting.pk: "notStarted", running.pk: "notStarted", fresh.pk: "notStarted"}
    assert queue.queue_size() == 2
    assert analyze_jobs_recover() == (0, 0)  # handed over: silent again only after ORPHANED_AFTER


def test_the_expiry_sweep_deletes_only_expired_jobs(runtime_deployment, owner):
    expired = make_job(owner, status=JobStatus.SUCCEEDED, expires_in=-timedelta(seconds=1))
    kept = make_job(owner, status=JobStatus.SUCCEEDED)
    analyze_job_submit(user=owner, documents=[RuntimeDocument("1", TEXT)], tasks=[task()])
    assert AnalyzeJob.objects.filter(pk=expired.pk).exists()  # submitting sweeps nothing
    assert analyze_jobs_expire() == 1
    assert not AnalyzeJob.objects.filter(pk=expired.pk).exists() and AnalyzeJob.objects.filter(pk=kept.pk).exists()
    assert AnalyzeJob.objects.count() == 2
    assert analyze_jobs_expire() == 0


# --- Tasks the studio does not run, the job status rule, and cancelling.

LONG_TEXT = TEXT * 30  # over the inline limit: the job waits for the background thread (never started in these tests)


def test_the_job_status_rule_is_azures():
    assert job_status_from(["succeeded", "succeeded"]) == "succeeded"
    assert job_status_from(["succeeded", "failed"]) == "partiallyCompleted"
    assert job_status_from(["failed", "failed"]) == "failed"


def test_tasks_of_kinds_the_studio_does_not_run_fail_and_the_custom_ones_run(runtime_deployment, owner):
    other = [UnsupportedTask("kp", "KeyPhraseExtraction"), UnsupportedTask("cls", "CustomSingleLabelClassification")]
    job = analyze_job_submit(user=owner, documents=[RuntimeDocument("1", TEXT)], tasks=[other[0], task(), other[1]])
    assert job.status == "partiallyCompleted"
    assert [(t.task, t.status) for t in job_tasks(job)] == [
        (other[0], "failed"), (task(), "succeeded"), (other[1], "failed")
    ]  # fmt: skip
    assert job_tasks(job)[1].analysis.documents[0].entities
    assert job_errors(job) == [unsupported_task_error(other[0], 0), unsupported_task_error(other[1], 2)]
    (error, _) = job_errors(job)
    assert error.code == "InvalidRequest" and error.task == 0
    assert "its kind, KeyPhraseExtraction, is not one this service runs" in error.message
    assert "custom named entity recognition (CustomEntityRecognition) tasks only" in error.message


def test_a_job_whose_tasks_all_fail_fails(runtime_deployment, owner):
    job = analyze_job_submit(
        user=owner, documents=[RuntimeDocument("1", TEXT)], tasks=[UnsupportedTask("0", "SentimentAnalysis")]
    )
    assert job.status == "failed" and [t.status for t in job_tasks(job)] == ["failed"]


def test_a_background_job_records_its_unsupported_tasks_failed_before_it_runs(runtime_deployment, owner):
    job = analyze_job_submit(
        user=owner,
        documents=[RuntimeDocument("1", LONG_TEXT)],
        tasks=[UnsupportedTask("s", "SentimentAnalysis"), task()],
    )
    assert job.status == "notStarted" and [t.status for t in job_tasks(job)] == ["failed", "notStarted"]
    analyze_job_run(job_pk=job.pk)
    job.refresh_from_db()
    assert job.status == "partiallyCompleted" and [t.status for t in job_tasks(job)] == ["failed", "succeeded"]


@pytest.mark.parametrize("status", ["succeeded", "failed", "partiallyCompleted", "cancelled"])
def test_cancelling_a_job_that_has_ended_is_an_error(owner, status):
    job = make_job(owner, status=status)
    with pytest.raises(ApplicationError, match=f"it has already ended \\({status}\\)") as caught:
        analyze_job_cancel(job=job)
    assert caught.value.status == 400 and caught.value.code == "InvalidRequest"
    assert f"Failed to cancel job with job id {job.job_id}" in caught.value.message
    job.refresh_from_db()
    assert job.status == status


def test_cancelling_a_job_not_started_cancels_every_task(runtime_deployment, owner):
    job = analyze_job_submit(
        user=owner,
        documents=[RuntimeDocument("1", LONG_TEXT)],
        tasks=[UnsupportedTask("s", "SentimentAnalysis"), task()],
    )
    assert analyze_job_cancel(job=job).status == "cancelled"
    job.refresh_from_db()
    assert job.status == "cancelled"
    (unsupported, custom) = job_tasks(job)
    assert unsupported.status == "failed" and custom.status == "cancelled" and custom.updated_at is not None
    analyze_job_run(job_pk=job.pk)  # the background thread, late: nothing to claim
    job.refresh_from_db()
    assert job.status == "cancelled" and custom.analysis is None


def test_a_cancel_while_running_keeps_the_tasks_done_and_stops_before_the_next(runtime_deployment, owner, monkeypatch):
    job = analyze_job_submit(
        user=owner, documents=[RuntimeDocument("1", LONG_TEXT)], tasks=[task(name="a"), task(name="b"), task(name="c")]
    )
    analyzed = []

    def analyze_then_cancel(**kwargs):
        analyzed.append(kwargs["deployment"].name)
        result = documents_analyze(**kwargs)
        if len(analyzed) == 2:
            analyze_job_cancel(job=job)  # arrives while task b runs
        return result

    monkeypatch.setattr(jobs_run, "documents_analyze", analyze_then_cancel)
    analyze_job_run(job_pk=job.pk)
    job.refresh_from_db()
    assert analyzed == ["prod", "prod"]  # c never ran
    assert job.status == "cancelled"
    assert [(t.task.name, t.status) for t in job_tasks(job)] == [
        ("a", "succeeded"),
        ("b", "cancelled"),
        ("c", "cancelled"),
    ]
    assert job_tasks(job)[0].analysis is not None and job_tasks(job)[1].analysis is None
    assert job_errors(job) == []


def test_the_recovery_sweep_fails_the_tasks_not_done(owner):
    job = make_job(owner, updated_ago=ORPHANED_AFTER * 2, attempts=RUN_ATTEMPTS_MAX)
    job.tasks = [
        {"name": n, "projectName": "loans", "deploymentName": "prod", "stringIndexType": "UnicodeCodePoint",
         "status": s, "updatedAt": None}
        for n, s in (("a", "succeeded"), ("b", "notStarted"))
    ]  # fmt: skip
    AnalyzeJob.objects.filter(pk=job.pk).update(tasks=job.tasks)
    assert analyze_jobs_recover() == (0, 1)
    job.refresh_from_db()
    assert job.status == "failed" and [t.status for t in job_tasks(job)] == ["succeeded", "failed"]


def test_a_silent_process_still_running_a_recovered_job_stops_and_records_nothing(owner, monkeypatch, transactional_db):
    """A process whose heartbeat lapsed without dying (its database busy past ORPHANED_AFTER) is still running the
    job the sweep handed to the worker: once the worker's run claimed it, the first run records nothing and stops,
    so every task is run on and recorded by one run only, the latest claim's."""
    import threading

    from django.db import connections

    from modeling.services.runtime import Analysis, DocumentEntities, Entity

    job = make_job(owner, status=JobStatus.NOT_STARTED, attempts=0)
    job.documents = [{"id": "1", "text": TEXT, "language": None}]
    job.tasks = [
        {"name": n, "projectName": "loans", "deploymentName": n, "stringIndexType": "UnicodeCodePoint",
         "status": "notStarted", "updatedAt": None}
        for n in ("a", "b")
    ]  # fmt: skip
    job.save()
    ran, handed_over = [], []
    worker_claimed, first_run_ended = threading.Event(), threading.Event()

    def run_in_worker():
        try:
            analyze_job_run(job_pk=job.pk)
        finally:
            connections.close_all()

    worker = threading.Thread(target=run_in_worker, name="worker")

    def analyze(*, deployment, documents, wait):
        who = threading.current_thread().name
        ran.append((who, deployment))
        if (who, deployment) == ("MainThread", "a"):
            # The first run's heartbeat lapsed: the sweep hands the job to the worker, whose run claims it.
            AnalyzeJob.objects.filter(pk=job.pk).update(heartbeat_at=timezone.now() - ORPHANED_AFTER * 2)
            assert analyze_jobs_recover() == (1, 0)
            worker.start()
            assert worker_claimed.wait(10)
        elif (who, deployment) == ("worker", "a"):
            worker_claimed.set()
            first_run_ended.wait(10)  # the first run goes on meanwhile, as far as it may
        return Analysis(documents=[DocumentEntities("1", [Entity(0, 3, who, 0.5)])], errors=[])

    monkeypatch.setattr(jobs_run, "runtime_deployment_get", lambda **kwargs: kwargs["deployment_name"])
    monkeypatch.setattr(jobs_run, "documents_analyze", analyze)
    monkeypatch.setattr(jobs_sweeps, "_enqueue", handed_over.append)
    analyze_job_run(job_pk=job.pk)
    first_run_ended.set()
    worker.join(10)

    assert handed_over == [job.pk]
    assert ran == [("MainThread", "a"), ("worker", "a"), ("worker", "b")]  # the first run stopped at once
    job.refresh_from_db()
    assert job.status == JobStatus.SUCCEEDED and job.attempts == 2 and job_errors(job) == []
    assert [t.analysis.documents[0].entities[0].category for t in job_tasks(job)] == ["worker", "worker"]
