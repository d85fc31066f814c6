"""The consistency check in real Chromium on the sample project: the inconsistency it ships with, the preview's
counts, label all (from the keyboard), undo, and a context's link into the labeling view."""

import re

import pytest
from playwright.sync_api import expect

from annotation.models import Label, LabelBatch
from annotation.services.sample import sample_project_create
from tests.e2e.axe import blocking_violations, describe


def test_sample_inconsistency_preview_label_all_and_undo(live_server, page, login, make_user, screenshot_dir):
    user = make_user("newcomer")
    sample_project_create(user=user)
    labels = Label.objects.count()
    csp_errors: list[str] = []
    page.on("console", lambda m: csp_errors.append(m.text) if "Content Security Policy" in m.text else None)
    login(user)

    page.goto(f"{live_server.url}/projects/loan-agreements/")
    page.get_by_role("navigation", name="Project").get_by_role("link", name="Consistency").click()
    assert page.locator("#findings-count").inner_text() == "1 string labeled inconsistently"
    finding = page.locator(".finding").first
    assert finding.get_by_role("heading").inner_text() == "“Oakwood Community Bank”"
    assert finding.locator(".chip").get_attribute("title") == "Labeled LenderName 1 time"
    assert "2 unlabeled in 2 documents" in finding.inner_text()
    assert finding.locator(".contexts mark").all_inner_texts() == ["Oakwood Community Bank"] * 3
    assert finding.locator(".contexts .badge").all_inner_texts() == ["unlabeled", "unlabeled", "labeled LenderName"]
    page.screenshot(path=str(screenshot_dir / "consistency.png"), full_page=True)

    # Keyboard: the action is a link, the preview focuses its Apply button, Enter applies.
    finding.get_by_role("link", name="Label all 2 occurrences as LenderName").focus()
    page.keyboard.press("Enter")
    page.wait_for_url("**/consistency/label-all/**")
    assert page.locator("#count-create").inner_text() == "2"
    assert page.locator("#count-already").inner_text() == "1"
    assert page.locator("#count-skipped").inner_text() == "0"
    assert Label.objects.count() == labels  # the preview changed nothing
    page.screenshot(path=str(screenshot_dir / "consistency-preview.png"), full_page=True)
    apply = page.get_by_role("button", name="Label 2 occurrences as LenderName")
    assert apply.evaluate("el => el === document.activeElement")
    page.keyboard.press("Enter")
    page.wait_for_url("**/consistency/batches/**")
    assert "Labeled 2 occurrences of 'Oakwood Community Bank' as LenderName." in page.locator(".messages").inner_text()
    assert page.locator("#batch-labels").inner_text() == "2"
    assert Label.objects.count() == labels + 2
    assert LabelBatch.objects.get().surface == "Oakwood Community Bank"

    page.get_by_role("link", name="Back to the consistency check").click()
    assert page.get_by_role("heading", name="No inconsistencies").is_visible()
    assert page.get_by_role("link", name="“Oakwood Community Bank” as LenderName").is_visible()

    page.get_by_role("button", name="Undo").click()
    page.wait_for_load_state()
    assert "Undone. Removed 2 labels." in page.locator(".messages").inner_text()
    assert Label.objects.count() == labels
    assert "2 unlabeled in 2 documents" in page.locator(".finding").first.inner_text()
    assert page.get_by_role("button", name="Undo").count() == 0

    page.locator(".finding .contexts").get_by_role("link", name="practice-01.txt").click()
    page.wait_for_url(re.compile(r"/documents/\d+/label/\?q=Oakwood%20Community%20Bank$"))
    expect(page.locator("main")).to_contain_text("Marta Kowalczyk borrowed $5,400 from Oakwood Community Bank")
    assert not csp_errors, csp_errors


@pytest.fixture
def axe_page(browser):
    """A page whose context bypasses the Content-Security-Policy, which would refuse the injected axe script."""
    context = browser.new_context(viewport={"width": 1400, "height": 900}, bypass_csp=True)
    context.set_default_timeout(10_000)
    yield context.new_page()
    context.close()


def test_consistency_pages_pass_axe(live_server, axe_page, make_user):
    from tests.e2e.conftest import PASSWORD

    user = make_user("newcomer")
    sample_project_create(user=user)
    page = axe_page
    page.goto(f"{live_server.url}/login/")
    page.fill("input[name=username]", user.username)
    page.fill("input[name=password]", PASSWORD)
    page.click("button[type=submit]")
    page.wait_for_load_state()
    page.goto(f"{live_server.url}/projects/loan-agreements/consistency/")
    assert not blocking_violations(page), describe(blocking_violations(page))
    page.get_by_role("link", name="Label all 2 occurrences as LenderName").click()
    page.wait_for_url("**/consistency/label-all/**")
    assert not blocking_violations(page), describe(blocking_violations(page))
