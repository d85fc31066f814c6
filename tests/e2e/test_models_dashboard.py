"""A model's dashboard in real Chromium: the confusion matrix's raw/normalized toggle, sorting, the test set's
"mismatches only" switch and the link into the labeling view; screenshots of each tab."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import expect

from tests.modeling.test_pages import make_model, make_team


@pytest.fixture
def dashboard(live_server, page, login, make_user):
    team = make_team(make_user)
    make_model(team.project)
    login(team.owner)
    return f"{live_server.url}/projects/loans/models/m1"


def test_overview_and_entity_types(dashboard, page, screenshot_dir):
    page.goto(f"{dashboard}/")
    expect(page.get_by_role("heading", name="m1", exact=True)).to_be_visible()
    expect(page.locator('[data-metric="f1"]')).to_have_text(re.compile(r"^\d+\.\d%$"))
    expect(page.get_by_role("heading", name="3 entity types have too few training labels")).to_be_visible()
    page.screenshot(path=screenshot_dir / "model-overview.png", full_page=True)

    page.get_by_role("link", name="Entity types").click()
    page.wait_for_load_state()  # the sorting script (a deferred module) runs before "load"
    first_type = page.locator("table[data-sortable] tbody tr th")
    expect(first_type.first).to_have_text(re.compile("Amount"))
    page.get_by_role("button", name="F1").click()  # best first
    expect(page.locator("th", has=page.get_by_role("button", name="F1"))).to_have_attribute("aria-sort", "descending")
    expect(first_type.first).to_have_text(re.compile("Lender"))
    page.screenshot(path=screenshot_dir / "model-entities.png", full_page=True)


def test_confusion_matrix_toggles_between_normalized_and_raw(dashboard, page, screenshot_dir):
    page.goto(f"{dashboard}/confusion-matrix/")
    matrix = page.locator("#confusion-matrix")
    # Borrower row: 2 predicted right, 1 predicted as Lender.
    borrower_row = matrix.locator("tbody tr", has=page.locator("th", has_text="Borrower"))
    cells = borrower_row.locator("td.m-cell")
    expect(cells.nth(1)).to_have_text("66.7%")  # columns: Amount, Borrower, Lender, None
    expect(cells.nth(2)).to_have_text("33.3%")
    page.screenshot(path=screenshot_dir / "model-confusion-normalized.png", full_page=True)

    page.get_by_text("Raw counts").click()
    expect(cells.nth(1)).to_have_text("2")
    expect(cells.nth(2)).to_have_text("1")
    expect(matrix).to_have_attribute("data-mode", "raw")
    page.screenshot(path=screenshot_dir / "model-confusion.png", full_page=True)

    page.get_by_text("Normalized (% of row)").click()
    expect(cells.nth(1)).to_have_text("66.7%")


def test_mismatches_only_hides_matching_documents(dashboard, page, screenshot_dir):
    page.goto(f"{dashboard}/test-set/")
    documents = page.locator("li.m-doc")
    expect(documents).to_have_count(3)
    page.screenshot(path=screenshot_dir / "model-test-set.png", full_page=True)

    page.get_by_label("Show mismatches only").check()
    page.wait_for_url("**/test-set/?mismatches=1")
    expect(documents).to_have_count(2)
    expect(page.locator('li[data-location="loan-000.txt"]')).to_have_count(0)
    expect(page.get_by_label("Show mismatches only")).to_be_checked()

    page.locator('li[data-location="loan-004.txt"]').get_by_role("link", name="Open in labeling view").click()
    page.wait_for_url(re.compile(r"/projects/loans/documents/\d+/label/$"))
