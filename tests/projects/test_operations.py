"""Operations: one lookup with one visibility rule, expiry by a scheduled sweep, and API keys' last use."""

from __future__ import annotations

from datetime import timedelta
from pathlib import Path

import pytest
from django.conf import settings
from django.utils import timezone
from django_q.models import Schedule

from projects import selectors
from projects.models import ApiKey, Membership, OperationKind, Role
from projects.services.api_keys import api_key_create
from projects.services.operations import job_record, job_result
from projects.services.projects import membership_set, project_create
from projects.tasks import sweep
from studio.exceptions import NotFound
from tests.conftest import AzureClient


@pytest.fixture
def team(make_user):
    owner, viewer, stranger = make_user("owner"), make_user("vic"), make_user("stranger")
    project = project_create(user=owner, name="loans")
    membership_set(project=project, user=owner, username="vic", role=Role.VIEWER)
    return {"owner": owner, "viewer": viewer, "stranger": stranger, "project": project}


def test_an_operation_is_seen_by_whoever_may_view_its_project(team, make_user):
    job = job_record(kind=OperationKind.EXPORT, project_name="loans", user=team["owner"], result={"a": 1})
    for who in ("owner", "viewer"):
        found = selectors.operation_get(
            user=team[who], job_id=job.job_id, kinds=(OperationKind.EXPORT,), project_name="loans"
        )
        assert found == job
    with pytest.raises(NotFound, match=f"The job '{job.job_id}' could not be found"):
        selectors.operation_get(user=team["stranger"], job_id=job.job_id, kinds=(OperationKind.EXPORT,))
    # The same id under another kind or another project's path is no job at all.
    with pytest.raises(NotFound):
        selectors.operation_get(user=team["owner"], job_id=job.job_id, kinds=(OperationKind.IMPORT,))
    with pytest.raises(NotFound):
        selectors.operation_get(
            user=team["owner"], job_id=job.job_id, kinds=(OperationKind.EXPORT,), project_name="other"
        )
    assert (
        selectors.operation_get(
            user=make_user("root", superuser=True), job_id=job.job_id, kinds=(OperationKind.EXPORT,)
        )
        == job
    )


def test_a_deleted_projects_job_is_its_starters_alone(team):
    job = job_record(kind=OperationKind.DELETION, project_name="loans", user=team["owner"])
    team["project"].delete()
    assert selectors.operation_get(user=team["owner"], job_id=job.job_id, kinds=(OperationKind.DELETION,)) == job
    with pytest.raises(NotFound):
        selectors.operation_get(user=team["viewer"], job_id=job.job_id, kinds=(OperationKind.DELETION,))


def test_the_scheduled_sweep_removes_expired_operations_and_their_results(team):
    old = job_record(kind=OperationKind.EXPORT, project_name="loans", user=team["owner"], result={"old": True})
    fresh = job_record(kind=OperationKind.EXPORT, project_name="loans", user=team["owner"], result={"new": True})
    type(old).objects.filter(pk=old.pk).update(expires_at=timezone.now() - timedelta(minutes=1))
    result_file = Path(settings.DATA_DIR) / "exports" / old.result_file
    assert result_file.exists()
    sweep()
    assert not type(old).objects.filter(pk=old.pk).exists() and not result_file.exists()
    assert job_result(fresh) == b'{"new": true}'


def test_migrations_schedule_the_sweeps(db):
    schedules = {s.func: s for s in Schedule.objects.all()}
    assert schedules["projects.tasks.sweep"].schedule_type == Schedule.MINUTES
    assert schedules["modeling.tasks.sweep"].minutes == 1
    assert all(s.repeats == -1 for s in schedules.values())


def test_a_keys_last_use_is_written_at_most_once_a_minute(make_user):
    raw = api_key_create(user=make_user("svc"), name="svc")
    client = AzureClient(raw)
    assert ApiKey.objects.get().last_used_at is None
    client.get("/projects")
    first = ApiKey.objects.get().last_used_at
    assert first is not None
    client.get("/projects")
    assert ApiKey.objects.get().last_used_at == first  # a poll loop does not write on every GET
    ApiKey.objects.update(last_used_at=first - timedelta(minutes=2))
    client.get("/projects")
    assert ApiKey.objects.get().last_used_at > first


def test_an_export_job_and_its_result_answer_only_those_who_may_read_the_project(api, make_api, owner):
    project = project_create(user=owner, name="loans")
    job = job_record(kind=OperationKind.EXPORT, project_name="loans", user=owner, result={"text": "secret"})
    stranger, former = make_api("stranger"), make_api("former")
    membership_set(project=project, user=owner, username="former", role=Role.VIEWER)
    assert former.get(f"/projects/loans/export/jobs/{job.job_id}/result").status_code == 200
    Membership.objects.filter(project=project, user__username="former").delete()
    for client in (stranger, former):
        for suffix in ("", "/result"):
            assert client.get(f"/projects/loans/export/jobs/{job.job_id}{suffix}").status_code == 404


def test_an_expired_export_is_gone_before_the_sweep_runs(api, owner):
    project_create(user=owner, name="loans")
    job = job_record(kind=OperationKind.EXPORT, project_name="loans", user=owner, result={"text": "secret"})
    type(job).objects.filter(pk=job.pk).update(expires_at=timezone.now() - timedelta(seconds=1))
    for suffix in ("", "/result"):
        response = api.get(f"/projects/loans/export/jobs/{job.job_id}{suffix}")
        assert response.status_code == 404 and response.json()["error"]["innererror"]["code"] == "OperationNotFound"


def test_deleting_a_project_deletes_its_export_results(api, make_api, owner, django_capture_on_commit_callbacks):
    project_create(user=owner, name="loans")
    job = job_record(kind=OperationKind.EXPORT, project_name="loans", user=owner, result={"text": "secret"})
    result_file = Path(settings.DATA_DIR) / "exports" / job.result_file
    with django_capture_on_commit_callbacks(execute=True):
        assert api.delete("/projects/loans").status_code == 202
    assert not result_file.exists()
    assert api.get(f"/projects/loans/export/jobs/{job.job_id}/result").status_code == 404  # not even its starter
    newcomer = make_api("newcomer")
    assert newcomer.patch("/projects/loans", {"language": "en-us"}).status_code == 201  # the name, taken again
    for suffix in ("", "/result"):
        assert newcomer.get(f"/projects/loans/export/jobs/{job.job_id}{suffix}").status_code == 404
