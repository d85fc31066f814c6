"""The deployments page in real Chromium: an owner deploys a real tiny model through the form, sees the redeploy
hint, runs the test panel and reads the highlighted entities and the JSON answer; a model that finds almost
nothing is flagged on the deploy form and in the list; while a deployed model loads, the page and the test panel
say so."""

from __future__ import annotations

import re
import threading

from playwright.sync_api import expect

from modeling import serving
from modeling.ml import inference
from modeling.ml.evaluation import evaluate
from tests.modeling.test_pages import CATEGORIES, make_team

# `deploy_tiny` (tests/conftest.py) installs a real tiny model, trained once per session.

TEXT = (
    "This loan agreement is made between Acme Bank and Wei Zhang for $5,000.\n\n"
    "Ana López 😀 agrees to repay $1,200 to Contoso Finance in monthly installments."
)


def test_owner_deploys_a_model_and_tests_it(live_server, page, login, make_user, deploy_tiny, screenshot_dir):
    team = make_team(make_user)
    deploy_tiny(team.project, label="loans-v1", deployment=None)  # a trained model, not deployed yet
    login(team.owner)
    page.goto(f"{live_server.url}/projects/loans/deployments/")
    expect(page.get_by_role("heading", name="No deployments yet — deploy a trained model")).to_be_visible()
    page.screenshot(path=screenshot_dir / "deployments-empty.png", full_page=True)

    page.get_by_label("Deployment name").fill("production")
    page.get_by_label("Model", exact=True).select_option("loans-v1")
    page.get_by_role("button", name="Deploy", exact=True).click()
    expect(page.get_by_role("status").filter(has_text="Model 'loans-v1' is deployed as 'production'.")).to_be_visible()
    row = page.locator('tr[data-deployment="production"]')
    expect(row.get_by_role("link", name="loans-v1")).to_have_attribute("href", "/projects/loans/models/loans-v1/")

    # Typing an existing name warns that deploying replaces (here: refreshes) its model.
    page.get_by_label("Deployment name").fill("production")
    expect(page.locator("[data-replace-hint]")).to_have_text(re.compile("“production” already serves loans-v1"))
    expect(page.get_by_role("button", name="Redeploy…")).to_be_visible()
    page.get_by_label("Deployment name").fill("")

    text_box = page.get_by_label("Text", exact=True)
    text_box.fill(TEXT)
    expect(page.locator("[data-char-count]")).to_have_text(f"{len(TEXT):,}")  # code points: 😀 counts once
    page.get_by_role("button", name="Run the test").click()
    page.wait_for_url("**/deployments/test/#test-deployment")

    result = page.locator("[data-result-text]")
    expect(result).to_be_visible()
    marks = result.locator("mark.m-ent")
    expect(marks.filter(has_text="Acme Bank").first).to_contain_text("Lender")
    expect(marks.filter(has_text="Wei Zhang").first).to_contain_text("Borrower")
    expect(marks.first.locator(".m-ent-conf")).to_have_text(re.compile(r"^\d+\.\d%$"))
    assert marks.count() >= 4
    expect(page.locator("[data-entity-count]")).to_have_text(str(marks.count()))
    expect(text_box).to_have_value(TEXT)  # the text that ran, ready to edit

    page.get_by_role("tab", name="JSON").click()
    json_panel = page.locator("[data-result-json]")
    expect(json_panel).to_be_visible()
    expect(json_panel).to_contain_text('"kind": "CustomEntityRecognitionResults"')
    expect(json_panel).to_contain_text('"deploymentName": "production"')
    expect(result).to_be_hidden()
    page.locator("#test-deployment").screenshot(path=screenshot_dir / "deployments-json.png")
    page.get_by_role("tab", name="Result").click()
    expect(result).to_be_visible()

    expect(page.locator("#call-from-code")).to_contain_text('deployment_name="production"')
    page.screenshot(path=screenshot_dir / "deployments.png", full_page=True)

    # Redeploying the name with another model says which model it replaces and waits for the confirmation.
    deploy_tiny(team.project, label="loans-v2", deployment=None)
    page.goto(f"{live_server.url}/projects/loans/deployments/")
    page.get_by_label("Deployment name").fill("production")
    page.get_by_label("Model", exact=True).select_option("loans-v2")
    expect(page.locator("[data-replace-hint]")).to_have_text(re.compile("serves loans-v1 now; deploying loans-v2"))
    page.get_by_role("button", name="Redeploy…").click()
    expect(page.get_by_role("heading", name="Redeploy “production”?")).to_be_visible()
    page.screenshot(path=screenshot_dir / "deployments-redeploy.png")
    page.get_by_role("button", name="Replace loans-v1 with loans-v2").click()
    expect(row.get_by_role("link", name="loans-v2")).to_be_visible()


def test_a_model_that_finds_almost_nothing_is_flagged_before_and_after_deploying(
    live_server, page, login, make_user, deploy_tiny, screenshot_dir
):
    team = make_team(make_user)
    deploy_tiny(team.project, label="loans-v1", deployment=None)
    first_try = deploy_tiny(team.project, label="first-try", variant="b", deployment=None)
    # Issue 10's first model: it found 1 of 38 labeled entities.
    first_try.evaluation = evaluate(
        [[(0, 4, "Lender")]] * 38, [[(0, 4, "Lender")]] + [[(5, 9, "Amount")]] * 6 + [[]] * 31, CATEGORIES
    )
    first_try.save(update_fields=["evaluation"])
    login(team.owner)
    page.goto(f"{live_server.url}/projects/loans/deployments/")

    model = page.get_by_label("Model", exact=True)
    warning = page.locator('[data-model-warning="first-try"]')
    model.select_option("first-try")
    expect(warning).to_be_visible()
    expect(warning).to_contain_text("first-try finds almost nothing (F1 4.4%, recall 2.6%)")
    model.select_option("loans-v1")
    expect(warning).to_be_hidden()
    model.select_option("first-try")
    page.get_by_label("Deployment name").fill("production")
    page.get_by_role("button", name="Deploy", exact=True).click()

    row = page.locator('tr[data-deployment="production"]')
    expect(row.locator(".m-f1-weak")).to_have_text("4.4%")
    page.screenshot(path=screenshot_dir / "deployments-weak-model.png", full_page=True)
    row.get_by_role("link", name="finds almost nothing").click()
    page.wait_for_url("**/models/first-try/#guidance")
    first = page.locator(".m-guidance-item").first
    expect(first.get_by_role("heading")).to_have_text("The model finds almost nothing")
    expect(first).to_contain_text("What to do: Label more documents")


def test_the_test_panel_says_while_the_model_is_still_loading(
    live_server, page, login, make_user, deploy_tiny, monkeypatch
):
    team = make_team(make_user)
    trained = deploy_tiny(team.project, label="loans-v1", deployment=None)
    serving.forget(trained.model_id)
    # Loading holds until the test lets it go: the server (this process) loads the model as a big one would.
    gate, load_tagger = threading.Event(), inference.load_tagger
    monkeypatch.setattr(inference, "load_tagger", lambda path: gate.wait(30) and load_tagger(path))
    login(team.owner)
    page.goto(f"{live_server.url}/projects/loans/deployments/")
    page.get_by_label("Deployment name").fill("production")
    page.get_by_role("button", name="Deploy", exact=True).click()

    # The deploy started the load after its commit: the page says so instead of answering slowly later.
    row = page.locator('tr[data-deployment="production"]')
    expect(row.locator("[data-load-state]")).to_have_text("Loading…")
    notice = page.locator("[data-load-notice]")
    expect(notice).to_have_text(re.compile(r"^Loading model loans-v1 into the server… \(first use after deploying\)"))
    page.get_by_label("Text", exact=True).fill(TEXT)
    # The button's text on submit, read back after the page has moved on (the form's own handler runs first).
    page.evaluate(
        """() => {
          const form = document.querySelector("[data-test-form]");
          form.addEventListener("submit", () =>
            sessionStorage.setItem("run-button", form.querySelector("[data-run-button]").textContent));
        }"""
    )
    threading.Timer(1, gate.set).start()  # the model finishes loading while the test waits for it
    page.get_by_role("button", name="Run the test").click()
    expect(page.locator("[data-result-text] mark.m-ent").first).to_be_visible()
    assert page.evaluate("sessionStorage.getItem('run-button')") == "Loading the model…"
    expect(row.locator("[data-load-state]")).to_have_text("Ready")
    expect(notice).to_be_hidden()
