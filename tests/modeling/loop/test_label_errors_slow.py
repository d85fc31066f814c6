"""The label-errors job for real: cross-validation with a tiny config over a small loan project into which two
labeling mistakes were put; both come out on top of the list, each with the right fix."""

from __future__ import annotations

import dataclasses

import pytest

from annotation.models import Label
from modeling import config as configs
from modeling.services.loop import jobs
from modeling.services.loop.jobs import loop_job_run, loop_job_start
from modeling.services.loop.label_issues import label_issue_apply
from projects.models import JobStatus
from tests.conftest import TINY
from tests.modeling.test_pages import make_team

# The job writes its heartbeat from a thread of its own, so the test cannot hold the database in a transaction.
pytestmark = [pytest.mark.slow, pytest.mark.django_db(transaction=True)]


def tiny_default(monkeypatch) -> None:
    """The default config trains the tiny model (seconds, no transformer)."""
    monkeypatch.setitem(
        configs.CONFIGS, configs.DEFAULT_VERSION, dataclasses.replace(TINY, version=configs.DEFAULT_VERSION)
    )


def loans_with_mistakes(make_user):
    """24 loan documents (18 in Train); in loan-001 the lender is labeled Borrower, in loan-002 the amount is not
    labeled."""
    team = make_team(make_user, documents=24)
    lender = team.project.entity_types.get(name="Borrower")
    Label.objects.filter(document__location="loan-001.txt", entity_type__name="Lender").update(entity_type=lender)
    Label.objects.filter(document__location="loan-002.txt", entity_type__name="Amount").delete()
    return team


def test_the_injected_mistakes_top_the_list_and_apply_cleanly(make_user, monkeypatch):
    tiny_default(monkeypatch)
    monkeypatch.setattr(jobs, "_enqueue", lambda job: None)
    team = loans_with_mistakes(make_user)
    job = loop_job_start(user=team.annotator, project=team.project, kind="label-errors", params={"folds": 3})
    loop_job_run(job_pk=job.pk)
    job.refresh_from_db()
    assert job.status == JobStatus.SUCCEEDED, job.error
    top = list(job.label_issues.select_related("document")[:2])
    assert sorted((i.document.location, i.kind) for i in top) == [
        ("loan-001.txt", "wrong-type"),
        ("loan-002.txt", "missing"),
    ]
    for issue in top:
        label_issue_apply(user=team.annotator, issue=issue)
    amount = Label.objects.get(document__location="loan-002.txt", entity_type__name="Amount")
    assert (amount.start, amount.end) == (20, 26)
    assert Label.objects.filter(document__location="loan-001.txt", entity_type__name="Lender").exists()
