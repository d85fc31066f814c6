"""Reads never write: a job whose worker died stays as it is on every page and poll until the sweep fails it."""

from __future__ import annotations

from datetime import timedelta

from django.utils import timezone

from modeling.models import TrainingJob
from modeling.services.training.sweeps import training_jobs_fail_stale
from projects.models import JobStatus
from tests.modeling.test_pages import make_job, make_team, url


def test_pages_and_the_progress_poll_leave_a_stale_job_unchanged_until_the_sweep(make_user):
    team = make_team(make_user)
    long_ago = timezone.now() - timedelta(minutes=10)
    job = make_job(team.project, JobStatus.RUNNING, training_status=JobStatus.RUNNING, training_started_at=long_ago)
    TrainingJob.objects.filter(pk=job.pk).update(heartbeat_at=long_ago)
    before = TrainingJob.objects.values().get(pk=job.pk)
    client = team.client("owner")
    for path in ("train/", "train/jobs/", f"train/jobs/{job.job_id}/", f"train/jobs/{job.job_id}/progress.json"):
        assert client.get(url(team, path)).status_code == 200
    assert TrainingJob.objects.values().get(pk=job.pk) == before
    assert client.get(url(team, f"train/jobs/{job.job_id}/progress.json")).json()["status"] == "running"

    assert training_jobs_fail_stale() == 1
    state = client.get(url(team, f"train/jobs/{job.job_id}/progress.json")).json()
    assert state["status"] == "failed" and "stopped before it finished" in state["errors"][0]["message"]
