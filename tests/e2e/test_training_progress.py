"""A training job's page in real Chromium: it follows the job without reloading (the test moves the job along
through the ORM, as the worker would) and its cancel button cancels after asking."""

from __future__ import annotations

import json
import re
from datetime import timedelta

from django.utils import timezone
from playwright.sync_api import expect

from modeling import config as configs
from modeling.models import TrainingJob
from projects.models import JobStatus
from tests.modeling.test_pages import make_job, make_model, make_team


def test_progress_page_updates_without_reload(live_server, page, login, make_user, screenshot_dir):
    team = make_team(make_user)
    now = timezone.now()
    job = make_job(
        team.project,
        JobStatus.RUNNING,
        training_status=JobStatus.RUNNING,
        training_percent=8,
        training_started_at=now - timedelta(seconds=40),
        progress={"epoch": 1, "total_epochs": 50, "curve": [{"epoch": 1, "loss": 3.1, "dev_score": None}]},
    )
    login(team.owner)
    page.goto(f"{live_server.url}/projects/loans/train/jobs/{job.job_id}/")
    bar = page.locator('[data-bar="training"]')
    expect(bar).to_have_attribute("aria-valuenow", "8")
    page.evaluate("window.__sameDocument = true")

    curve = [
        {"epoch": e, "loss": loss, "dev_score": None}
        for e, loss in enumerate([3.1, 1.9, 1.2, 0.8, 0.61, 0.5, 0.43, 0.4], start=1)
    ]
    TrainingJob.objects.filter(pk=job.pk).update(
        training_percent=56,
        progress={"epoch": 8, "total_epochs": 50, "curve": curve},
        estimated_end_at=timezone.now() + timedelta(minutes=4),
        heartbeat_at=timezone.now(),
        warnings=[
            {
                "code": "LabelSplitsToken",
                "message": "Label Amount [19, 25) '$5,000' starts or ends inside a token; the token was split there.",
                "target": "loan-004.txt:19-25",
            }
        ],
    )
    expect(bar).to_have_attribute("aria-valuenow", "56")
    expect(page.locator('[data-field="epoch"]')).to_have_text("Epoch 8 of 50")
    expect(page.locator("[data-loss-curve]")).to_have_attribute("data-points", "8")
    expect(page.locator('[data-field="eta"]')).to_have_text("about 4 min")
    expect(page.locator('[data-field="eta-note"]')).to_have_text(re.compile(r"^ends around \d\d?:\d\d"))
    expect(page.locator("[data-warnings] li")).to_have_count(1)
    assert page.evaluate("window.__sameDocument") is True  # updated in place, not reloaded
    page.wait_for_timeout(700)
    page.screenshot(path=screenshot_dir / "training-progress.png", full_page=True)

    make_model(team.project)
    done = timezone.now()
    TrainingJob.objects.filter(pk=job.pk).update(
        status=JobStatus.SUCCEEDED,
        training_status=JobStatus.SUCCEEDED,
        training_percent=100,
        training_ended_at=done,
        evaluation_status=JobStatus.SUCCEEDED,
        evaluation_percent=100,
        evaluation_started_at=done,
        evaluation_ended_at=done,
        progress={"epoch": 8, "total_epochs": 50, "curve": curve, "epochs_run": 8, "stop_reason": "learning_rate"},
    )
    expect(page.locator("[data-status-badge]")).to_have_text("Succeeded")
    expect(page.locator('[data-bar="evaluation"]')).to_have_attribute("aria-valuenow", "100")
    expect(page.locator('[data-field="epoch"]')).to_have_text("8 of 50 epochs")
    expect(page.locator('[data-field="epoch-note"]')).to_have_text("(the learning rate annealed to its minimum)")
    expect(page.locator('[data-field="eta-note"]')).to_be_hidden()
    expect(page.locator("[data-cancel-button]")).to_be_hidden()
    page.wait_for_timeout(700)  # let the bars finish their transition before the screenshot
    page.screenshot(path=screenshot_dir / "training-succeeded.png", full_page=True)
    page.get_by_role("link", name="View model performance").click()
    page.wait_for_url("**/projects/loans/models/m1/")
    assert page.evaluate("window.__sameDocument") is None


def test_cancel_button_asks_then_cancels(live_server, page, login, make_user):
    team = make_team(make_user)
    job = make_job(team.project, JobStatus.RUNNING, training_status=JobStatus.RUNNING, training_percent=20)
    login(team.owner)
    page.goto(f"{live_server.url}/projects/loans/train/jobs/{job.job_id}/")

    page.get_by_role("link", name="Cancel training…").click()
    dialog = page.get_by_role("dialog")
    expect(dialog).to_be_visible()
    dialog.get_by_role("button", name="Keep training").click()
    expect(dialog).to_be_hidden()
    job.refresh_from_db()
    assert job.status == JobStatus.RUNNING

    page.get_by_role("link", name="Cancel training…").click()
    page.get_by_role("dialog").get_by_role("button", name="Cancel training").click()
    expect(page.get_by_role("status").first).to_contain_text("Cancelling the training of model 'm1'")
    job.refresh_from_db()
    assert job.status == JobStatus.CANCELLING and job.cancel_requested
    expect(page.locator("[data-status-badge]")).to_have_text("Cancelling")
    expect(page.locator("[data-cancel-button]")).to_be_hidden()

    # The worker notices and stops: the page follows.
    TrainingJob.objects.filter(pk=job.pk).update(status=JobStatus.CANCELLED, training_status=JobStatus.CANCELLED)
    expect(page.locator("[data-status-badge]")).to_have_text("Cancelled")


def test_viewers_get_no_cancel_button(live_server, page, login, make_user):
    team = make_team(make_user)
    job = make_job(team.project, JobStatus.RUNNING)
    login(team.viewer)
    page.goto(f"{live_server.url}/projects/loans/train/jobs/{job.job_id}/")
    expect(page.get_by_role("heading", name="Progress")).to_be_visible()
    expect(page.get_by_role("link", name="Cancel training…")).to_have_count(0)


def test_train_form_links_the_sliders_and_starts_a_job(live_server, page, login, make_user, screenshot_dir):
    team = make_team(make_user)
    make_model(team.project, "loans-v1")
    login(team.owner)
    page.goto(f"{live_server.url}/projects/loans/models/")
    expect(page.get_by_role("link", name="loans-v1", exact=True)).to_be_visible()
    page.screenshot(path=screenshot_dir / "models-list.png", full_page=True)

    page.get_by_role("link", name="Train a model").click()
    expect(page.get_by_label("Model to overwrite")).to_be_hidden()
    page.get_by_text("Overwrite an existing model").click()
    expect(page.get_by_label("Model to overwrite")).to_be_visible()
    expect(page.get_by_text("Overwriting is irreversible.")).to_be_visible()
    page.get_by_text("Train a new model").click()
    page.get_by_label("Model name").fill("loans-v2")
    page.locator("#id_train_percent").fill("70")
    expect(page.locator("#id_test_percent")).to_have_value("30")
    expect(page.locator("#test-output")).to_have_text("30%")
    page.screenshot(path=screenshot_dir / "train.png", full_page=True)

    page.get_by_role("button", name="Start training").click()
    page.wait_for_url("**/projects/loans/train/jobs/*/")
    expect(page.locator("[data-status-badge]")).to_have_text("Queued")
    job = TrainingJob.objects.get()
    assert job.model_label == "loans-v2"
    assert job.evaluation_options == {"kind": "percentage", "trainingSplitPercentage": 70, "testingSplitPercentage": 30}

    page.get_by_role("link", name="Training jobs", exact=True).click()
    expect(page.locator("table.m-jobs tbody tr")).to_have_count(1)
    expect(page.locator("table.m-jobs")).to_contain_text("Queued")
    page.screenshot(path=screenshot_dir / "training-jobs.png", full_page=True)


def test_train_page_estimate_follows_the_config_and_the_split(live_server, page, login, make_user, screenshot_dir):
    team = make_team(make_user)
    login(team.owner)
    page.goto(f"{live_server.url}/projects/loans/train/")
    estimates = json.loads(page.locator("#train-estimates").text_content())
    estimate = page.locator("[data-estimate]")
    expect(estimate).to_have_attribute("aria-live", "polite")
    default = estimates[configs.DEFAULT_VERSION]
    expect(estimate).to_have_text(default["percentage"]["80"])
    # The team's few documents are a small project: the default says it trains the small-project head.
    assert re.search(r"\d+ epochs\)\. A small project: it trains a wider model", default["percentage"]["80"])

    # The keyboard moves the slider: 80 -> 78 (the other slider and the estimate follow).
    page.locator("#id_train_percent").focus()
    page.keyboard.press("ArrowLeft")
    page.keyboard.press("ArrowLeft")
    expect(page.locator("#id_test_percent")).to_have_value("22")
    expect(estimate).to_have_text(default["percentage"]["78"])
    page.locator("#id_train_percent").fill("30")
    expect(estimate).to_have_text(default["percentage"]["30"])
    assert default["percentage"]["30"] != default["percentage"]["80"]

    fast = estimates["2026-11-29-accurate"]
    page.get_by_label("2026-11-29-accurate").check()
    expect(estimate).to_have_text(fast["percentage"]["30"])
    assert "25 epochs)." in fast["percentage"]["30"]
    page.get_by_text("Use a manual split").click()
    expect(estimate).to_have_text(fast["manual"])
    page.wait_for_timeout(300)
    page.screenshot(path=screenshot_dir / "train-estimate.png", full_page=True)

    # Keyboard only: arrow keys move between the config radios.
    page.get_by_label("2026-11-29-accurate").focus()
    page.keyboard.press("ArrowDown")
    checked = page.locator("input[name=config_version]:checked").get_attribute("value")
    assert checked != "2026-11-29-accurate"
    expect(estimate).to_have_text(estimates[checked]["manual"])


def test_the_started_banner_goes_once_the_job_has_ended(live_server, page, login, make_user):
    team = make_team(make_user)
    login(team.owner)
    page.goto(f"{live_server.url}/projects/loans/train/")
    page.get_by_label("Model name").fill("loans-v2")
    page.get_by_role("button", name="Start training").click()
    page.wait_for_url("**/projects/loans/train/jobs/*/")
    banner = (
        page.locator(".messages").get_by_role("status").filter(has_text="Training of model 'loans-v2' has started.")
    )
    expect(banner).to_be_visible()

    job = TrainingJob.objects.get()
    now = timezone.now()
    TrainingJob.objects.filter(pk=job.pk).update(
        status=JobStatus.RUNNING,
        training_status=JobStatus.RUNNING,
        training_percent=40,
        training_started_at=now,
        heartbeat_at=now,
    )
    expect(page.locator('[data-bar="training"]')).to_have_attribute("aria-valuenow", "40")
    expect(banner).to_be_visible()  # true while the job runs

    make_model(team.project, "loans-v2")
    TrainingJob.objects.filter(pk=job.pk).update(
        status=JobStatus.SUCCEEDED,
        training_status=JobStatus.SUCCEEDED,
        training_percent=100,
        training_ended_at=now,
        evaluation_status=JobStatus.SUCCEEDED,
        evaluation_percent=100,
        evaluation_started_at=now,
        evaluation_ended_at=now,
    )
    expect(page.locator("[data-status-badge]")).to_have_text("Succeeded")
    expect(banner).to_have_count(0)
    expect(page.locator(".messages")).to_have_count(0)
