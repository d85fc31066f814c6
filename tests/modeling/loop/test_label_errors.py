"""The label-errors job and its decisions: params, the estimate, issues stored most likely first (with a stand-in
cross-validation, so nothing trains here), dismissals remembered across checks, applying the model's version through
the label services, the UI JSON API and the page. `test_label_errors_slow.py` runs the real cross-validation."""

from __future__ import annotations

import pytest

from annotation.models import Label
from modeling.ml import cross_validation
from modeling.ml.label_errors import ReviewedDocument
from modeling.models import LabelIssue, LabelIssueStatus, LoopJob
from modeling.services.loop import jobs
from modeling.services.loop.jobs import loop_job_run, loop_job_start
from modeling.services.loop.label_errors import check_params, label_errors_plan
from modeling.services.loop.label_issues import label_issue_apply, label_issue_dismiss
from projects.models import Activity, JobStatus
from studio.exceptions import Conflict, InvalidInput, PermissionDenied
from tests.modeling.test_pages import make_team


@pytest.fixture
def team(make_user):
    # 12 documents: loan-000, -004, -008 in Test, the other 9 in Train, each "<Borrower> borrowed <Amount> from Acme
    # Bank." labeled.
    team = make_team(make_user, documents=12)
    # A missing label the stand-in model finds: loan-002's Amount is not labeled.
    Label.objects.filter(document__location="loan-002.txt", entity_type__name="Amount").delete()
    return team


def _spans(document) -> list[tuple[int, int, str]]:
    return sorted((x.start, x.end, x.entity_type.name) for x in document.labels.select_related("entity_type"))


def stand_in_review(config, documents, workdir, *, folds, seed=0, on_progress=None, should_cancel=None, **_):
    """What a cross-validation might return: the model agrees with every label (99 %) except in four documents."""
    reviewed = []
    for doc in documents:
        labels = list(doc.spans)
        probabilities = [0.99] * len(labels)
        predicted = [(*span, 0.99) for span in labels]
        borrower, amount, lender = (None, None, None) if len(labels) < 3 else labels
        if doc.doc_id == "loan-001.txt":  # Acme Bank labeled Lender; the model says Borrower
            probabilities[2], predicted[2] = 0.08, (*lender[:2], "Borrower", 0.9)
        elif doc.doc_id == "loan-002.txt":  # the unlabeled amount
            start = doc.text.index("$")
            predicted.insert(1, (start, doc.text.index(" from"), "Amount", 0.95))
        elif doc.doc_id == "loan-003.txt":  # the model finds no borrower
            probabilities[0], predicted = 0.1, predicted[1:]
        elif doc.doc_id == "loan-005.txt":  # the model takes only the first name
            probabilities[0] = 0.2
            predicted[0] = (borrower[0], doc.text.index(" "), "Borrower", 0.7)
        if on_progress:
            on_progress(50, "Training fold 1 of 2")
        reviewed.append(ReviewedDocument(doc.doc_id, labels, probabilities, predicted))
    return reviewed


@pytest.fixture
def checked(team, monkeypatch):
    """Runs label-errors jobs with the stand-in review; returns a function that runs one and returns it."""
    monkeypatch.setattr(cross_validation, "out_of_fold_review", stand_in_review)
    monkeypatch.setattr(jobs, "_enqueue", lambda job: None)

    def check(user=None, **params) -> LoopJob:
        job = loop_job_start(user=user or team.annotator, project=team.project, kind="label-errors", params=params)
        loop_job_run(job_pk=job.pk)
        job.refresh_from_db()
        assert job.status == JobStatus.SUCCEEDED, job.error
        return job

    return check


def test_issues_are_stored_most_likely_first_with_the_models_version(team, checked):
    job = checked(folds=3)
    issues = list(job.label_issues.select_related("document"))
    assert [(i.rank, i.document.location, i.kind) for i in issues] == [
        (1, "loan-002.txt", "missing"),
        (2, "loan-001.txt", "wrong-type"),
        (3, "loan-003.txt", "spurious"),
        (4, "loan-005.txt", "boundary"),
    ]
    assert [i.score for i in issues] == pytest.approx([0.95, 0.9 / 0.98, 0.9, 0.7 / 0.9], abs=1e-6)
    wrong_type = issues[1]
    assert wrong_type.labels == [[31, 40, "Lender"]]
    assert wrong_type.suggestion == [[31, 40, "Borrower"]]
    assert job.params == {"folds": 3, "trainingConfigVersion": job.params["trainingConfigVersion"], "seed": 0}
    assert job.result["documents"] == 9 and job.result["issues"] == 4
    assert job.result["byKind"] == {"missing": 1, "wrong-type": 1, "spurious": 1, "boundary": 1}


def test_params_are_checked_before_anything_is_queued(team):
    with pytest.raises(InvalidInput, match="folds must be a whole number from 2 to 10, got 11"):
        check_params(project=team.project, params={"folds": 11}, trained_model=None)
    with pytest.raises(InvalidInput, match="Unknown trainingConfigVersion 'nope'"):
        check_params(project=team.project, params={"trainingConfigVersion": "nope"}, trained_model=None)
    team.project.documents.exclude(location__in=["loan-001.txt", "loan-002.txt"]).delete()
    with pytest.raises(InvalidInput, match="3 folds need at least 3 labeled Train documents; there are 2"):
        check_params(project=team.project, params={"folds": 3}, trained_model=None)
    assert check_params(project=team.project, params={}, trained_model=None)["folds"] == 2
    Label.objects.filter(document__project=team.project).delete()
    with pytest.raises(InvalidInput, match="needs at least 2 labeled documents in Train; project 'loans' has 0"):
        check_params(project=team.project, params={}, trained_model=None)


def test_the_plan_estimates_about_k_trainings(team):
    plan = label_errors_plan(project=team.project)
    assert (plan.documents, plan.default_folds) == (9, 5)
    assert sorted(plan.fold_seconds) == list(range(2, 10))
    one = plan.one_training.total_seconds
    for folds, seconds in plan.fold_seconds.items():
        # Each fold trains on fewer documents than one training; but a project this small trains for a minimum of
        # optimizer steps, so fewer documents run more epochs: a fold costs about one training, at most a third more
        # (400 steps in 2 mini-batches of 4 documents an epoch, against 3 for all 9).
        assert 0.5 * folds * one < seconds <= 1.4 * folds * one


def test_a_dismissed_issue_stays_dismissed_in_the_next_check(team, checked):
    first = checked()
    spurious = first.label_issues.get(kind="spurious")
    label_issue_dismiss(user=team.annotator, issue=spurious)
    second = checked()
    assert second.result["keptDismissed"] == 1
    assert second.label_issues.get(kind="spurious").status == LabelIssueStatus.DISMISSED
    assert second.label_issues.get(kind="missing").status == LabelIssueStatus.OPEN


@pytest.mark.parametrize(
    ("kind", "location", "expected"),
    [
        ("missing", "loan-002.txt", [(0, 10, "Borrower"), (20, 26, "Amount"), (32, 41, "Lender")]),
        ("wrong-type", "loan-001.txt", [(0, 9, "Borrower"), (19, 25, "Amount"), (31, 40, "Borrower")]),
        ("spurious", "loan-003.txt", [(23, 29, "Amount"), (35, 44, "Lender")]),
        ("boundary", "loan-005.txt", [(0, 5, "Borrower"), (25, 31, "Amount"), (37, 46, "Lender")]),
    ],
)
def test_applying_puts_the_models_version_in_place_of_the_labels(team, checked, kind, location, expected):
    issue = checked().label_issues.get(kind=kind)
    applied = label_issue_apply(user=team.annotator, issue=issue)
    assert applied.status == LabelIssueStatus.APPLIED and applied.decided_by == team.annotator
    assert _spans(team.project.documents.get(location=location)) == expected
    assert Activity.objects.filter(project=team.project, summary__contains=location).exists()


def test_applying_refuses_when_the_labels_changed_or_it_was_decided(team, checked):
    job = checked()
    wrong_type = job.label_issues.get(kind="wrong-type")
    Label.objects.filter(document=wrong_type.document, entity_type__name="Lender").update(end=39)
    with pytest.raises(Conflict, match="The labels at this place of 'loan-001.txt' changed since the check"):
        label_issue_apply(user=team.annotator, issue=wrong_type)
    missing = job.label_issues.get(kind="missing")
    label_issue_dismiss(user=team.annotator, issue=missing)
    with pytest.raises(Conflict, match="already dismissed"):
        label_issue_apply(user=team.annotator, issue=missing)
    assert _spans(missing.document) == [(0, 10, "Borrower"), (32, 41, "Lender")]


def test_only_labelers_decide(team, checked):
    issue = checked().label_issues.first()
    with pytest.raises(PermissionDenied, match=r"Your role \(viewer\) does not allow you to label documents"):
        label_issue_dismiss(user=team.viewer, issue=issue)
    with pytest.raises(PermissionDenied):
        label_issue_apply(user=team.viewer, issue=issue)
    issue.refresh_from_db()
    assert issue.status == LabelIssueStatus.OPEN


def test_the_ui_api_applies_and_dismisses_with_clear_errors(team, checked):
    job = checked()
    missing, wrong_type = job.label_issues.get(kind="missing"), job.label_issues.get(kind="wrong-type")
    url = "/api/projects/loans/label-issues/{}/{}"
    annie = team.client("annotator")
    response = annie.post(url.format(missing.pk, "apply"))
    assert response.status_code == 200, response.content
    assert response.json()["status"] == "applied"
    response = annie.post(url.format(wrong_type.pk, "dismiss"))
    assert (response.status_code, response.json()["status"]) == (200, "dismissed")
    response = annie.post(url.format(wrong_type.pk, "apply"))
    assert response.status_code == 409
    assert "already dismissed" in response.json()["error"]["message"]
    response = team.client("viewer").post(url.format(job.label_issues.get(kind="spurious").pk, "dismiss"))
    assert response.status_code == 403
    assert team.client("annotator").post(url.format(987654, "apply")).status_code == 404
    assert team.client("outsider").post(url.format(missing.pk, "apply")).status_code == 404


def test_the_page_shows_the_estimate_before_and_the_ranked_issues_after(team, checked):
    page = team.client("annotator").get("/projects/loans/label-errors/")
    assert page.status_code == 200
    html = page.content.decode()
    assert "Trains 5 models, each on about 80 % of the 9 labeled Train documents" in html
    assert "about 5 trainings" in html
    assert "data-le-start" in html and "data-issue-id" not in html

    job = checked()
    html = team.client("viewer").get("/projects/loans/label-errors/").content.decode()
    assert html.count("data-issue-id") == 4
    assert "Not labeled, but the model finds Amount “$3,000” (95.0% sure)." in html
    assert "Labeled Lender “Acme Bank”, but the model says Borrower (90.0% sure)." in html
    assert "data-le-start" not in html and "data-le-decide" not in html  # a viewer only reads
    label_issue_dismiss(user=team.annotator, issue=job.label_issues.get(kind="missing"))
    html = team.client("annotator").get("/projects/loans/label-errors/").content.decode()
    assert html.count("data-issue-id") == 3
    html = team.client("annotator").get("/projects/loans/label-errors/?show=dismissed").content.decode()
    assert html.count("data-issue-id") == 1
    assert LabelIssue.objects.filter(status="open").count() == 3


def test_a_cancelled_check_stores_nothing_and_leaves_no_files(team, monkeypatch):
    from modeling.ml.callbacks import TrainingCancelled

    seen = {}

    def cancelled(config, documents, workdir, **kwargs):
        seen["workdir"] = workdir
        workdir.mkdir(parents=True)
        raise TrainingCancelled()

    monkeypatch.setattr(cross_validation, "out_of_fold_review", cancelled)
    monkeypatch.setattr(jobs, "_enqueue", lambda job: None)
    job = loop_job_start(user=team.annotator, project=team.project, kind="label-errors", params={})
    loop_job_run(job_pk=job.pk)
    job.refresh_from_db()
    assert job.status == JobStatus.CANCELLED
    assert not job.label_issues.exists()
    assert not seen["workdir"].exists()
