"""The models and deployments pages on a 1,280 × 800 screen, with realistic model and deployment names: every
row's buttons (Delete… above all) lie inside the table, the page and the viewport, nothing scrolls sideways, and
the swap dropdowns are wide enough to show their options whole."""

from __future__ import annotations

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from modeling.models import Deployment
from tests.modeling.test_pages import evaluation_documents, make_model, make_team

WIDTH, HEIGHT = 1280, 800
LABELS = ["loan-agreements-2026-12-baseline", "loan-agreements-2026-12-wider-lstm", "loan-agreements-retrain-weak"]
DEPLOYMENTS = ["production", "staging-eu-west", "canary"]
# The widest option text against the select's inner width: its padding (20 px) and the arrow (about 20 px).
_OPTION_ROOM = """(select) => {
  const style = getComputedStyle(select);
  const context = document.createElement("canvas").getContext("2d");
  context.font = `${style.fontWeight} ${style.fontSize} ${style.fontFamily}`;
  const widest = Math.max(...[...select.options].map((option) => context.measureText(option.text).width));
  return [widest, select.clientWidth - 40];
}"""


@pytest.fixture
def team(make_user):
    team = make_team(make_user)
    documents = evaluation_documents(team.project)
    models = [
        make_model(team.project, LABELS[0]),
        make_model(team.project, LABELS[1]),
        make_model(team.project, LABELS[2], [{**d, "predicted": []} for d in documents]),  # "finds almost nothing"
    ]
    for name, model in zip(DEPLOYMENTS, models, strict=True):
        Deployment.objects.create(
            project=team.project, name=name, trained_model=model, deployed_at=timezone.now(), created_by=team.owner
        )
    return team


def _box(locator) -> dict:
    box = locator.bounding_box()
    assert box is not None, locator
    return box


def _assert_inside(inner: dict, outer: dict, what: str) -> None:
    assert inner["x"] >= outer["x"] - 0.5 and inner["x"] + inner["width"] <= outer["x"] + outer["width"] + 0.5, (
        what,
        inner,
        outer,
    )


def _assert_no_sideways_scrolling(page) -> None:
    assert page.evaluate("document.documentElement.scrollWidth") <= WIDTH
    for scroller in page.locator(".m-table-scroll").all():
        scroll_width, client_width = scroller.evaluate("(e) => [e.scrollWidth, e.clientWidth]")
        assert scroll_width <= client_width, "the table scrolls sideways"


def _assert_delete_buttons_fit(table, names: list[str]) -> None:
    viewport = {"x": 0, "width": WIDTH}
    card = _box(table.locator("xpath=ancestor::section[1]"))
    for name in names:
        button = table.get_by_role("link", name=f"Delete {name}", exact=True)
        expect(button).to_be_visible()
        _assert_inside(_box(button), card, f"Delete {name} inside the table's card")
        _assert_inside(_box(button), viewport, f"Delete {name} inside the viewport")


def test_models_table_fits_with_its_delete_buttons(live_server, page, login, team, screenshot_dir):
    page.set_viewport_size({"width": WIDTH, "height": HEIGHT})
    login(team.owner)
    page.goto(f"{live_server.url}/projects/loans/models/")
    table = page.locator("table.m-models")
    expect(table.get_by_role("link", name="Delete")).to_have_count(3)
    expect(table.locator(".m-weak-note")).to_have_count(1)
    page.screenshot(path=screenshot_dir / "models-list-1280.png", full_page=True)
    _assert_no_sideways_scrolling(page)
    _assert_delete_buttons_fit(table, LABELS)
    for label in LABELS:
        _assert_inside(
            _box(table.get_by_role("link", name=f"Load snapshot of {label}")), {"x": 0, "width": WIDTH}, label
        )


def test_deployments_table_and_swap_dropdowns_fit(live_server, page, login, team, screenshot_dir):
    page.set_viewport_size({"width": WIDTH, "height": HEIGHT})
    login(team.owner)
    page.goto(f"{live_server.url}/projects/loans/deployments/")
    table = page.locator("table.m-deployments")
    expect(table.locator("tbody tr")).to_have_count(3)
    page.screenshot(path=screenshot_dir / "deployments-1280.png", full_page=True)
    _assert_no_sideways_scrolling(page)
    _assert_delete_buttons_fit(table, DEPLOYMENTS)

    card = _box(page.locator("#swap"))
    for select in (page.locator("#swap-first"), page.get_by_label("with", exact=True)):
        expect(select).to_be_visible()
        _assert_inside(_box(select), card, "swap dropdown inside its card")
        widest, room = select.evaluate(_OPTION_ROOM)
        assert widest <= room, f"the swap dropdown cuts its options: {widest:.0f} px of text in {room:.0f} px"
