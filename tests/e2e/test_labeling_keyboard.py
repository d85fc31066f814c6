"""The labeling view from the keyboard: the token cursor, focus rings, focus kept in the labels list, the brush
and a readable type tag."""

from __future__ import annotations

import pytest
from playwright.sync_api import expect

from annotation.formats import DocumentData
from annotation.services.labels import label_create
from tests.e2e.labeling import labeling_project
from tests.e2e.test_labeling import drag, open_document, spans, utf16, wait_saved

LOAN = (
    "Loan agreement between Contoso Bank and John Smith, signed in Seattle on 3 May 2024.\n"
    "Witness: Maria García (Fabrikam Ltd., Lisbon)."
)
TYPES = [("Person", "p"), ("Organization", "o"), ("Location", "l")]


@pytest.fixture
def owner(make_user):
    return make_user("olivia")


@pytest.fixture
def project(owner):
    return labeling_project(owner, TYPES, [DocumentData("01-loan.txt", LOAN)])


def focused(page, selector: str) -> bool:
    return page.evaluate("(s) => document.activeElement.matches(s)", selector)


def tab_to(page, selector: str, limit: int = 60) -> None:
    for _ in range(limit):
        page.keyboard.press("Tab")
        if focused(page, selector):
            return
    raise AssertionError(f"Tab never reaches {selector}")


CURSOR_WORD = """() => {
  const highlight = CSS.highlights.get("studio-cursor");
  return highlight ? [...highlight].map((range) => range.toString()).join("|") : null;
}"""

RING = """() => {
  const style = getComputedStyle(document.activeElement);
  return { outline: style.outlineStyle, width: parseFloat(style.outlineWidth) };
}"""


def assert_ring(page) -> None:
    ring = page.evaluate(RING)
    name = page.evaluate("() => document.activeElement.outerHTML.slice(0, 80)")
    assert ring["outline"] != "none" and ring["width"] >= 2, f"no focus ring on {name}: {ring}"


def test_a_label_made_with_the_keyboard_only(live_server, page, login, owner, project, screenshot_dir):
    login(owner)
    document = open_document(page, live_server, project, "01-loan.txt")
    tab_to(page, "#doc-text")
    assert_ring(page)
    status = page.locator("#cursor-status")
    expect(status).to_have_text("\u201cLoan\u201d")  # the cursor starts on the first word, selected
    for _ in range(3):
        page.keyboard.press("ArrowRight")
    expect(status).to_have_text("\u201cContoso\u201d")
    page.keyboard.press("Shift+ArrowRight")
    expect(status).to_have_text("\u201cContoso Bank\u201d selected")
    page.screenshot(path=str(screenshot_dir / "labeling-keyboard.png"))
    page.keyboard.press("o")
    wait_saved(page)
    assert spans(document) == [(*utf16(LOAN, "Contoso Bank"), "Organization")]
    assert page.evaluate(CURSOR_WORD) == "Bank"  # still drawn where it was, once the selection is labeled

    # The cursor stays where it was: on to "John Smith", over-extend by one word and back.
    page.keyboard.press("ArrowRight")
    page.keyboard.press("ArrowRight")
    expect(status).to_have_text("\u201cJohn\u201d")
    page.keyboard.press("Shift+ArrowRight")
    page.keyboard.press("Shift+ArrowRight")  # the comma is not a word: "Smith, signed"
    expect(status).to_have_text("\u201cJohn Smith, signed\u201d selected")
    page.keyboard.press("Shift+ArrowLeft")
    expect(page.locator("#selection-hint")).to_contain_text("\u201cJohn Smith\u201d")
    page.keyboard.press("p")
    wait_saved(page)
    assert spans(document)[1] == (*utf16(LOAN, "John Smith"), "Person")

    # Enter opens the label under the cursor; its type's key retypes it, Esc closes it; focus never moves.
    for _ in range(3):
        page.keyboard.press("ArrowLeft")  # Smith -> John -> and -> Bank
    expect(status).to_have_text("\u201cBank\u201d, Organization label")
    page.keyboard.press("Enter")
    expect(page.locator("#label-popover")).to_be_visible()
    page.keyboard.press("l")
    wait_saved(page)
    assert spans(document)[0] == (*utf16(LOAN, "Contoso Bank"), "Location")
    page.keyboard.press("Escape")
    expect(page.locator("#label-popover")).to_be_hidden()
    assert focused(page, "#doc-text")

    # Escape clears a selection; Home and End reach the ends.
    page.keyboard.press("End")
    expect(status).to_have_text("\u201cLisbon\u201d")
    page.keyboard.press("Shift+Home")
    expect(status).to_contain_text("\u201cLoan agreement between")
    page.keyboard.press("Escape")
    expect(page.locator("#labeler")).not_to_have_class("has-selection")
    assert page.evaluate("() => window.getSelection().isCollapsed")


def test_every_control_shows_a_focus_ring(live_server, page, login, owner, project):
    login(owner)
    open_document(page, live_server, project, "01-loan.txt")
    label_create(
        document=project.documents.get(), user=owner, entity_type_id=project.entity_types.get(name="Person").pk,
        start=LOAN.index("Maria García"), end=LOAN.index("Maria García") + len("Maria García"),
    )  # fmt: skip
    page.reload()
    expect(page.locator("#side-list .side-item")).to_have_count(1)
    tab_to(page, ".palette .type-btn")
    seen = []
    while not focused(page, "#side-list .side-item"):
        assert_ring(page)
        seen.append(page.evaluate("() => document.activeElement.id || document.activeElement.className"))
        page.keyboard.press("Tab")
    assert_ring(page)
    assert seen[:3] == [f"type-btn t-{t.pk}" for t in project.entity_types.order_by("order", "id")]
    assert {"snap", "help-open", "doc-text"} <= set(seen)


def test_focus_stays_on_the_labels_list_after_enter(live_server, page, login, owner, project):
    document = project.documents.get()
    for word, name in [("Contoso Bank", "Organization"), ("John Smith", "Person"), ("Seattle", "Location")]:
        start, end = utf16(LOAN, word)
        label_create(document=document, user=owner, entity_type_id=project.entity_types.get(name=name).pk,
                     start=start, end=end)  # fmt: skip
    login(owner)
    open_document(page, live_server, project, "01-loan.txt")
    tab_to(page, "#side-list .side-item")
    first = page.evaluate("() => document.activeElement.dataset.k")
    page.keyboard.press("Enter")
    expect(page.locator("#label-popover")).to_be_visible()
    expect(page.locator("#label-popover .pop-text")).to_have_text("Contoso Bank")
    expect(page.locator(f'#side-list .side-item[data-k="{first}"]')).to_be_focused()
    assert_ring(page)
    page.keyboard.press("Tab")
    page.keyboard.press("Enter")
    expect(page.locator("#label-popover .pop-text")).to_have_text("John Smith")
    expect(page.locator("#side-list .side-item.active")).to_be_focused()
    page.keyboard.press("p")  # the open label's type key still retypes it, from the list
    page.keyboard.press("o")
    wait_saved(page)
    assert spans(document)[1] == (*utf16(LOAN, "John Smith"), "Organization")
    expect(page.locator("#side-list .side-item.active")).to_be_focused()


def test_the_brush_labels_every_selection_until_escape(live_server, page, login, owner, project, screenshot_dir):
    login(owner)
    document = open_document(page, live_server, project, "01-loan.txt")
    person = page.locator(".palette .type-btn", has_text="Person")
    person.click()  # nothing is selected: the type becomes the brush
    expect(person).to_have_attribute("aria-pressed", "true")
    expect(page.locator("#brush-status")).to_have_text("Brush: every selection becomes Person \u2014 Esc stops")
    drag(page, *utf16(LOAN, "John Smith"))
    wait_saved(page)
    assert spans(document) == [(*utf16(LOAN, "John Smith"), "Person")]
    drag(page, *utf16(LOAN, "Maria García"))
    wait_saved(page)
    assert [s[2] for s in spans(document)] == ["Person", "Person"]
    assert page.evaluate(CURSOR_WORD) is None  # the mouse moves the token cursor without drawing it
    page.screenshot(path=str(screenshot_dir / "labeling-brush.png"))

    page.keyboard.press("Escape")
    expect(person).to_have_attribute("aria-pressed", "false")
    expect(page.locator("#brush-status")).to_have_text("")
    drag(page, *utf16(LOAN, "Seattle"))
    expect(page.locator("#selection-hint")).to_contain_text("\u201cSeattle\u201d")  # selected, not labeled
    expect(page.locator("mark.ent")).to_have_count(2)
    assert len(spans(document)) == 2

    # From the keyboard: the brush's key with nothing selected, then Enter labels each cursor selection.
    page.keyboard.press("Escape")
    page.keyboard.press("l")
    expect(page.locator("#brush-status")).to_contain_text("Location")
    page.locator("#doc-text").focus()
    page.keyboard.press("End")  # Lisbon
    page.keyboard.press("Enter")
    wait_saved(page)
    assert spans(document)[-1] == (*utf16(LOAN, "Lisbon"), "Location")


def test_the_type_tag_on_a_label_is_readable(live_server, page, login, owner, project):
    start, end = utf16(LOAN, "Seattle")
    label_create(document=project.documents.get(), user=owner,
                 entity_type_id=project.entity_types.get(name="Location").pk, start=start, end=end)  # fmt: skip
    login(owner)
    open_document(page, live_server, project, "01-loan.txt")
    size = page.evaluate("() => parseFloat(getComputedStyle(document.querySelector('mark.ent'), '::after').fontSize)")
    assert size >= 11
