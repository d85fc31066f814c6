"""The Content-Security-Policy in real Chromium: the main pages load with it enforced, report no violation, and
their scripts still work (the labeling view's entity colours, the train form's sliders, the dashboards' sorting,
the deployments page's test panel)."""

from __future__ import annotations

import pytest
from playwright.sync_api import expect

from annotation.models import Document
from modeling.services.deployments import deployment_deploy
from tests.modeling.test_pages import make_model, make_team

# Collects the page's `securitypolicyviolation` events from the first moment of every document.
LISTEN = """
window.__violations = [];
document.addEventListener("securitypolicyviolation", (event) => {
  const where = `${event.sourceFile}:${event.lineNumber}`;
  window.__violations.push(`${event.violatedDirective} blocked ${event.blockedURI || "inline"} (${where})`);
});
"""


@pytest.fixture
def studio(live_server, page, login, make_user, settings):
    settings.STUDIO_PRELOAD_MODELS = False  # the model is a record without files: nothing to load
    team = make_team(make_user)
    make_model(team.project)
    deployment_deploy(user=team.owner, project=team.project, name="prod", model_label="m1")
    console: list[str] = []
    page.on("console", lambda message: console.append(message.text) if message.type == "error" else None)
    page.add_init_script(LISTEN)
    login(team.owner)
    return team, console


def visit(page, live_server, path: str, console: list[str]) -> None:
    response = page.goto(f"{live_server.url}{path}")
    assert response.status == 200, path
    assert "script-src 'self'" in response.headers["content-security-policy"]
    page.wait_for_load_state("load")


def assert_no_violations(page, console: list[str], path: str) -> None:
    assert page.evaluate("window.__violations") == [], path
    assert not [line for line in console if "Content Security Policy" in line], path


def test_main_pages_load_under_the_policy_and_their_scripts_work(studio, live_server, page):
    team, console = studio
    document = Document.objects.filter(project=team.project).order_by("location").first()
    color = team.project.entity_types.get(name="Borrower").color

    visit(page, live_server, "/", console)
    expect(page.get_by_role("link", name="loans")).to_be_visible()
    assert_no_violations(page, console, "/")

    visit(page, live_server, "/projects/loans/documents/", console)
    expect(page.locator("table")).to_be_visible()
    assert_no_violations(page, console, "documents")

    visit(page, live_server, f"/projects/loans/documents/{document.pk}/label/", console)
    expect(page.locator("#labeler")).to_have_attribute("data-ready", "1")
    borrower = page.locator('mark.ent[data-type="Borrower"]').first
    expect(borrower).to_be_visible()
    # The entity colours come from a constructed stylesheet (no inline <style> element is allowed).
    assert borrower.evaluate("m => getComputedStyle(m).getPropertyValue('--c').trim()").lower() == color.lower()
    assert_no_violations(page, console, "labeling")

    visit(page, live_server, "/projects/loans/train/", console)
    page.locator("#id_train_percent").fill("70")
    expect(page.locator("#test-output")).to_have_text("30%")
    assert_no_violations(page, console, "train")

    visit(page, live_server, "/projects/loans/models/m1/", console)
    expect(page.get_by_role("heading", name="m1", exact=True)).to_be_visible()
    assert_no_violations(page, console, "model overview")

    visit(page, live_server, "/projects/loans/models/m1/entities/", console)
    page.get_by_role("button", name="F1").click()
    expect(page.locator("th", has=page.get_by_role("button", name="F1"))).to_have_attribute("aria-sort", "descending")
    assert_no_violations(page, console, "model entities")

    visit(page, live_server, "/projects/loans/deployments/", console)
    expect(page.locator('tr[data-deployment="prod"]')).to_be_visible()
    page.get_by_role("tab", name="curl").click()
    expect(page.get_by_role("tab", name="curl")).to_have_attribute("aria-selected", "true")
    assert_no_violations(page, console, "deployments")


def test_the_policy_blocks_an_inline_script(studio, live_server, page):
    """The check above would notice: an inline script injected into a page is refused and reported."""
    _, console = studio
    visit(page, live_server, "/", console)
    page.evaluate(
        """() => { const s = document.createElement("script"); s.textContent = "window.__ran = true";
        document.body.append(s); }"""
    )
    assert page.evaluate("window.__ran") is None
    page.wait_for_function("window.__violations.length > 0")
    assert "script-src" in page.evaluate("window.__violations")[0]
