"""Label errors and the learning curve, in real Chromium with real (tiny) training: the label-errors page says what
a check costs before it starts, runs it as a background job with progress, lists the likely errors most likely first,
applies one fix and dismisses another; a model's learning-curve tab draws the curve and says whether more labeling
still pays off. Jobs run on a thread of the test process (`tests/modeling/loop/inline.py`)."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest
from django.conf import settings
from django.utils import timezone
from playwright.sync_api import expect

from annotation.formats.azure import write_project
from annotation.models import Label
from annotation.services.imports import project_data
from modeling.models import LabelIssue, LoopJob, LoopKind, TrainedModel
from modeling.services.data import to_labeled
from modeling.services.evaluation import evaluate_model
from projects.models import JobStatus
from tests.conftest import TINY
from tests.e2e.axe import blocking_violations, describe
from tests.e2e.conftest import PASSWORD
from tests.modeling.loop.inline import run_loop_jobs_inline
from tests.modeling.loop.test_label_errors_slow import loans_with_mistakes, tiny_default
from tests.modeling.test_pages import make_model, make_team


@pytest.mark.slow
def test_find_label_errors_then_apply_one_and_dismiss_one(
    live_server, page, login, make_user, monkeypatch, screenshot_dir
):
    tiny_default(monkeypatch)
    threads = run_loop_jobs_inline(monkeypatch)
    team = loans_with_mistakes(make_user)
    login(team.annotator)
    page.goto(f"{live_server.url}/projects/loans/label-errors/")
    plan = page.locator("[data-le-plan]")
    expect(plan).to_contain_text("Trains 5 models, each on about 80 % of the 18 labeled Train documents")
    page.select_option("[data-le-folds]", "3")
    expect(plan).to_contain_text("Trains 3 models, each on about 67 % of the 18 labeled Train documents")
    expect(plan).to_contain_text("about 3 trainings")
    page.click("[data-le-start]")

    panel = page.locator('[data-loop-job][data-kind="label-errors"]')
    expect(panel).to_be_visible()
    expect(panel.locator('[data-loop-part="message"]')).to_have_text(re.compile(r"fold \d of 3"), timeout=60_000)
    expect(panel.locator('[data-loop-part="status"]')).to_have_text("Done", timeout=300_000)
    for thread in threads:
        thread.join(10)
    page.click("[data-le-refresh]")

    issues = page.locator("[data-issue-id]")
    expect(issues.first).to_be_visible()
    first_two = [issues.nth(i).get_attribute("data-kind") for i in range(2)]
    assert sorted(first_two) == ["missing", "wrong-type"]
    wrong_type = page.locator('[data-issue-id][data-kind="wrong-type"]', has_text="loan-001.txt")
    expect(wrong_type.locator(".le-sentence")).to_have_text(
        re.compile(r"^Labeled Borrower “Acme Bank”, but the model says Lender \(\d+\.\d% sure\)\.$")
    )
    missing = page.locator('[data-issue-id][data-kind="missing"]', has_text="loan-002.txt")
    expect(missing.locator(".le-sentence")).to_have_text(
        re.compile(r"^Not labeled, but the model finds Amount “\$3,000”")
    )
    page.screenshot(path=str(screenshot_dir / "label-errors.png"), full_page=True)

    wrong_type.get_by_role("button", name="Apply the model's version").click()
    expect(wrong_type).to_have_attribute("data-status", "applied")
    expect(wrong_type.locator("[data-le-status]")).to_have_text("Applied")
    missing.get_by_role("button", name="Dismiss").click()
    expect(missing).to_have_attribute("data-status", "dismissed")
    assert Label.objects.filter(document__location="loan-001.txt", entity_type__name="Lender").exists()
    assert not Label.objects.filter(document__location="loan-002.txt", entity_type__name="Amount").exists()
    assert LabelIssue.objects.get(document__location="loan-002.txt", kind="missing").status == "dismissed"

    page.reload()
    expect(page.locator('[data-issue-id][data-kind="wrong-type"]', has_text="loan-001.txt")).to_have_count(0)
    expect(page.locator('[data-issue-id][data-kind="missing"]', has_text="loan-002.txt")).to_have_count(0)
    page.get_by_role("link", name="Dismissed").click()
    expect(page.locator("[data-issue-id]")).to_have_count(1)


def tiny_model(project) -> TrainedModel:
    """A real tiny model trained on the project's Train documents and evaluated on its Test ones, with its snapshot,
    as a finished training job leaves it."""
    from modeling.ml.training import train

    data = project_data(project=project)
    train_docs = [d for d in data.documents if d.dataset == "Train"]
    test_docs = [d for d in data.documents if d.dataset == "Test"]
    folder = Path(settings.MODELS_DIR) / str(project.pk) / "m1"
    result = train(TINY, [to_labeled(d) for d in train_docs], None, folder)
    (folder / "snapshot.json").write_text(json.dumps(write_project(data, include_text=True)))
    evaluation, documents = evaluate_model(
        model_path=result.model_path, config=TINY, test=test_docs, categories=data.entity_types
    )
    return TrainedModel.objects.create(
        project=project, label="m1", model_id="m1-tiny", path=f"{project.pk}/m1",
        training_config_version=TINY.version, config=result.config, evaluation_options={"kind": "manual"},
        trained_at=timezone.now(), training_seconds=round(result.seconds, 1), train_documents=len(train_docs),
        test_documents=len(test_docs), evaluation=evaluation, evaluation_documents=documents,
    )  # fmt: skip


@pytest.mark.slow
def test_learning_curve_of_a_tiny_model(live_server, page, login, make_user, monkeypatch, screenshot_dir):
    threads = run_loop_jobs_inline(monkeypatch)
    team = make_team(make_user, documents=16)  # 12 Train, 4 Test
    model = tiny_model(team.project)
    login(team.owner)
    page.goto(f"{live_server.url}/projects/loans/models/m1/")
    page.get_by_role("link", name="Learning curve").click()
    expect(page.locator("[data-curve-plan]")).to_contain_text(
        "on 25%, 50% and 75% of its 12 training documents (3, 6, 9)"
    )
    page.click("[data-curve-start]")
    panel = page.locator('[data-loop-job][data-kind="learning-curve"]')
    expect(panel).to_be_visible()
    chart = page.locator("[data-curve-chart]")
    expect(chart).to_be_visible(timeout=300_000)  # the page reloads when the job is done
    for thread in threads:
        thread.join(10)
    job = LoopJob.objects.get(kind="learning-curve")
    assert job.status == JobStatus.SUCCEEDED and job.trained_model == model
    points = chart.locator(".m-curve-point")
    expect(points).to_have_count(4)
    assert [points.nth(i).get_attribute("data-documents") for i in range(4)] == ["3", "6", "9", "12"]
    assert points.nth(3).get_attribute("data-f1") == f"{model.evaluation['microF1']:.2f}"
    # The tiny model is perfect on these simple documents at every share; a curve with room to rise is the
    # presenter's test (tests/modeling/loop/test_learning_curve.py).
    expect(page.locator("[data-curve-verdict]")).to_have_text(
        re.compile(
            r"^(The model already scores|More labeling) .+ \(9( to 12)?\).+ "
            r"With only 4 test documents, each score on the curve is rough\.$"
        )
    )
    page.screenshot(path=str(screenshot_dir / "learning-curve.png"), full_page=True)


@pytest.fixture
def axe_page(browser):
    """A page whose context lets the axe script in (the studio's CSP allows scripts from 'self' only)."""
    context = browser.new_context(viewport={"width": 1400, "height": 900}, bypass_csp=True)
    context.set_default_timeout(10_000)
    yield context.new_page()
    context.close()


def test_both_pages_with_results_have_no_blocking_axe_violations(live_server, axe_page, make_user):
    """Results made through the ORM (nothing trains): a checked project with four kinds of issues, and a curve."""
    team = make_team(make_user, documents=8)
    model = make_model(team.project)
    now = timezone.now()
    done = {"status": JobStatus.SUCCEEDED, "percent": 100, "message": "Done", "ended_at": now, "expires_at": now}
    check = LoopJob.objects.create(
        job_id="check", project=team.project, kind=LoopKind.LABEL_ERRORS, **done,
        result={"documents": 6, "folds": 3, "issues": 4},
    )  # fmt: skip
    documents = list(team.project.documents.filter(dataset="Train").order_by("location"))
    made = [
        ("missing", [], [[0, 9, "Borrower"]]),
        ("spurious", [[0, 9, "Borrower"]], []),
        ("wrong-type", [[0, 9, "Borrower"]], [[0, 9, "Lender"]]),
        ("boundary", [[0, 9, "Borrower"]], [[0, 3, "Borrower"]]),
    ]
    for rank, (kind, labels, suggestion) in enumerate(made, start=1):
        LabelIssue.objects.create(
            job=check, document=documents[rank], rank=rank, kind=kind, score=1 - rank / 10, labels=labels,
            suggestion=suggestion, label_probability=0.1 if labels else None,
            suggestion_probability=0.8 if suggestion else None,
        )  # fmt: skip
    points = [
        {"fraction": f, "documents": n, "f1": v, "trained": f < 1}
        for f, n, v in ((0.25, 2, 0.4), (0.5, 4, 0.55), (0.75, 7, 0.6), (1.0, 9, 0.66))
    ]
    LoopJob.objects.create(
        job_id="curve", project=team.project, kind=LoopKind.LEARNING_CURVE, trained_model=model, **done,
        result={"points": points, "trainDocuments": 9, "testDocuments": 2, "modelId": model.model_id},
    )  # fmt: skip
    axe_page.goto(f"{live_server.url}/login/")
    axe_page.fill("input[name=username]", team.owner.username)
    axe_page.fill("input[name=password]", PASSWORD)
    axe_page.click("button[type=submit]")
    axe_page.wait_for_load_state()
    failures = {}
    for path, ready in (("label-errors/", "[data-issue-id]"), ("models/m1/learning-curve/", "[data-curve-chart]")):
        axe_page.goto(f"{live_server.url}/projects/loans/{path}")
        expect(axe_page.locator(ready).first).to_be_visible()
        violations = blocking_violations(axe_page)
        if violations:
            failures[path] = describe(violations)
    assert not failures, "\n\n".join(f"{path}:\n{report}" for path, report in failures.items())
