"""The labeling view in real Chromium: mouse selections, shortcut keys, saving, undo/redo, offsets, conflicts."""

from __future__ import annotations

import json

import pytest
from playwright.sync_api import expect

from annotation.formats import DocumentData
from annotation.formats.jsonl import write_jsonl
from annotation.models import Document, Label
from annotation.services.imports import documents_import, project_data
from annotation.services.labels import label_create, label_delete
from projects.models import Role
from projects.services.projects import membership_set
from tests.e2e.labeling import labeling_project

LOAN = (
    "Loan agreement between Contoso Bank and John Smith, signed in Seattle on 3 May 2024.\n"
    "The borrower, John Smith, receives $5,000 at 4.5% interest.\n\n"
    "Witness: Maria García (Fabrikam Ltd., Lisbon)."
)
EMOJI = "😀 Ana Lopez borrowed 😀😀 $20 from 🏦 First Bank.\nSigned in Zürich 🇨🇭 by Ana Lopez."
LINES = "Acme\nCorporation signed the deal."
TYPES = [("Person", "p"), ("Organization", "o"), ("Money", "m"), ("Location", "l"), ("Date", "d")]


@pytest.fixture
def owner(make_user):
    return make_user("olivia")


@pytest.fixture
def project(owner):
    documents = [
        DocumentData("01-loan.txt", LOAN),
        DocumentData("02-emoji.txt", EMOJI),
        DocumentData("03-lines.txt", LINES),
    ]
    return labeling_project(owner, TYPES, documents)


def type_id(project, name: str) -> int:
    return project.entity_types.get(name=name).pk


def open_document(page, live_server, project, location: str):
    document = project.documents.get(location=location)
    page.goto(f"{live_server.url}/projects/{project.name}/documents/{document.pk}/label/")
    expect(page.locator("#labeler")).to_have_attribute("data-ready", "1")
    return document


def utf16(text: str, needle: str, occurrence: int = 0) -> tuple[int, int]:
    """The UTF-16 range of `needle` in `text` (the browser's unit), for pointing the mouse at it."""
    at = -1
    for _ in range(occurrence + 1):
        at = text.index(needle, at + 1)
    start = len(text[:at].encode("utf-16-le")) // 2
    return start, start + len(needle.encode("utf-16-le")) // 2


CHAR_BOX = """(offset) => {
  const container = document.getElementById("doc-text");
  const segments = [...container.querySelectorAll(".blk > [data-s]")];
  const segment = segments.find((s) => +s.dataset.s <= offset && offset < +s.dataset.e);
  const range = document.createRange();
  const local = offset - +segment.dataset.s;
  const text = segment.firstChild;
  const width = (text.data.codePointAt(local) > 0xffff) ? 2 : 1;
  range.setStart(text, local);
  range.setEnd(text, local + width);
  const rects = [...range.getClientRects()].filter((r) => r.width > 0);
  const box = rects[rects.length - 1] || range.getBoundingClientRect();
  return { x: box.left, y: box.top, w: box.width, h: box.height };
}"""


SCROLL_TO = """(offset) => {
  const segments = [...document.querySelectorAll("#doc-text .blk > [data-s]")];
  const segment = segments.find((s) => +s.dataset.s <= offset && offset < +s.dataset.e);
  const range = document.createRange();
  range.setStart(segment.firstChild, offset - +segment.dataset.s);
  const box = range.getBoundingClientRect();
  window.scrollBy(0, box.top - window.innerHeight / 2);
}"""


def drag(page, start: int, end: int) -> None:
    """Selects UTF-16 range [start, end) with a real mouse drag: from the first character's left edge to the
    last character's right edge."""
    page.evaluate(SCROLL_TO, start)
    first = page.evaluate(CHAR_BOX, start)
    last = page.evaluate(CHAR_BOX, end - 1)
    page.mouse.move(first["x"] + 1, first["y"] + first["h"] / 2)
    page.mouse.down()
    page.mouse.move(last["x"] + last["w"] - 1, last["y"] + last["h"] / 2, steps=8)
    page.mouse.up()


def wait_saved(page) -> None:
    expect(page.locator("#save-status")).to_have_attribute("data-state", "saved")
    expect(page.locator("#labeler")).to_have_attribute("data-pending", "0")
    expect(page.locator("mark.ent.pending")).to_have_count(0)


def spans(document: Document) -> list[tuple[int, int, str]]:
    return [(x.start, x.end, x.entity_type.name) for x in document.labels.select_related("entity_type")]


def test_mouse_selection_and_shortcut_make_a_label_that_survives_reload_undo_and_redo(
    live_server, page, login, owner, project
):
    login(owner)
    document = open_document(page, live_server, project, "01-loan.txt")
    start, end = utf16(LOAN, "John Smith")
    drag(page, start + 2, end - 2)  # "hn Smi": word snapping grows it to "John Smith"
    page.keyboard.press("p")
    wait_saved(page)
    assert spans(document) == [(start, end, "Person")]
    label = Label.objects.get()
    assert label.created_by == owner and label.updated_by == owner

    page.reload()
    expect(page.locator("#labeler")).to_have_attribute("data-ready", "1")
    expect(page.locator("mark.ent")).to_have_text(["John Smith"])
    expect(page.locator("mark.ent")).to_have_attribute("data-type", "Person")
    expect(page.locator("#side-list .side-item")).to_have_count(1)

    page.keyboard.press("Control+z")
    wait_saved(page)
    expect(page.locator("mark.ent")).to_have_count(0)
    assert spans(document) == []
    page.keyboard.press("Control+Shift+z")
    wait_saved(page)
    expect(page.locator("mark.ent")).to_have_text(["John Smith"])
    assert spans(document) == [(start, end, "Person")]
    page.keyboard.press("Control+z")
    wait_saved(page)
    page.keyboard.press("Control+y")
    wait_saved(page)
    assert spans(document) == [(start, end, "Person")]


def test_character_precision_when_snapping_is_off(live_server, page, login, owner, project):
    login(owner)
    document = open_document(page, live_server, project, "01-loan.txt")
    page.locator("#snap").uncheck()
    start, end = utf16(LOAN, "Contoso Bank")
    drag(page, start, start + 4)
    page.keyboard.press("o")
    wait_saved(page)
    assert spans(document) == [(start, start + 4, "Organization")]


def test_a_word_after_emoji_gets_exact_offsets_in_both_exports(
    live_server, page, login, owner, project, screenshot_dir
):
    login(owner)
    document = open_document(page, live_server, project, "02-emoji.txt")
    assert page.evaluate("() => document.getElementById('doc-text').textContent") == EMOJI  # shown exactly
    drag(page, *utf16(EMOJI, "Lopez"))
    page.keyboard.press("p")
    drag(page, *utf16(EMOJI, "First Bank"))
    page.keyboard.press("o")
    drag(page, *utf16(EMOJI, "Zürich"))
    page.keyboard.press("l")
    drag(page, *utf16(EMOJI, "$20"))
    page.keyboard.press("m")
    wait_saved(page)
    lopez = EMOJI.index("Lopez")  # code points: 6
    assert (lopez, EMOJI[lopez : lopez + 5]) == (6, "Lopez")
    assert spans(document)[0] == (6, 11, "Person")

    # Azure's export, through the authoring API with the browser's session: UTF-16 units.
    csrf = next(c["value"] for c in page.context.cookies() if c["name"] == "csrftoken")
    base = f"{live_server.url}/language/authoring/analyze-text/projects/loans"
    started = page.request.post(
        f"{base}/:export?api-version=2023-04-01&stringIndexType=Utf16CodeUnit", headers={"X-CSRFToken": csrf}
    )
    assert started.status == 202, started.text()
    job = page.request.get(started.headers["operation-location"]).json()
    exported = page.request.get(job["resultUrl"]).json()
    emoji_doc = next(d for d in exported["assets"]["documents"] if d["location"] == "02-emoji.txt")
    labels = sorted((x["offset"], x["length"], x["category"]) for x in emoji_doc["entities"][0]["labels"])
    expected = [(*_utf16_label(EMOJI, word), category) for word, category in [
        ("Lopez", "Person"), ("$20", "Money"), ("First Bank", "Organization"), ("Zürich", "Location"),
    ]]  # fmt: skip
    assert labels == sorted(expected)
    assert labels[0] == (7, 5, "Person")  # one emoji before "Lopez": 6 code points, 7 UTF-16 units

    # JSONL: code points.
    line = next(json.loads(x) for x in write_jsonl(project_data(project=project).documents).splitlines() if "😀" in x)
    assert [6, 11, "Person"] in line["label"]
    assert all(line["text"][s:e] in {"Lopez", "$20", "First Bank", "Zürich"} for s, e, _ in line["label"])
    page.mouse.click(5, 5)
    page.screenshot(path=str(screenshot_dir / "labeling-emoji.png"))


def _utf16_label(text: str, word: str) -> tuple[int, int]:
    start, end = utf16(text, word)
    return start, end - start


def test_a_selection_across_a_line_break_makes_one_label(live_server, page, login, owner, project):
    login(owner)
    document = open_document(page, live_server, project, "03-lines.txt")
    drag(page, 1, LINES.index("Corporation") + 6)  # from inside "Acme" to inside "Corporation"
    page.keyboard.press("o")
    wait_saved(page)
    assert spans(document) == [(0, 16, "Organization")]
    assert LINES[0:16] == "Acme\nCorporation"
    expect(page.locator("mark.ent")).to_have_count(1)


def test_an_overlap_with_someone_elses_new_label_is_explained_and_their_label_appears(
    live_server, page, login, make_user, owner, project, screenshot_dir
):
    colleague = make_user("carl")
    membership_set(project=project, user=owner, username="carl", role=Role.ANNOTATOR)
    login(owner)
    document = open_document(page, live_server, project, "01-loan.txt")
    start, end = utf16(LOAN, "Contoso Bank")
    theirs = label_create(
        document=document, user=colleague, entity_type_id=type_id(project, "Organization"), start=start, end=end
    )
    drag(page, start, start + 7)  # "Contoso", which the page still shows unlabeled
    page.keyboard.press("p")
    alert = page.get_by_role("alert")
    expect(alert).to_contain_text("The Person label 'Contoso' overlaps the Organization label 'Contoso Bank'")
    expect(page.locator(f'mark.ent[data-k="s{theirs.pk}"]')).to_have_text("Contoso Bank")
    page.screenshot(path=str(screenshot_dir / "labeling-conflict.png"))
    assert spans(document) == [(start, end, "Organization")]


def test_a_failed_save_is_kept_shown_and_retried(live_server, page, login, owner, project, screenshot_dir):
    login(owner)
    document = open_document(page, live_server, project, "01-loan.txt")
    failures = {"left": 1}

    def flaky(route):
        if route.request.method == "POST" and failures["left"] > 0:
            failures["left"] -= 1
            route.fulfill(
                status=503,
                content_type="application/json",
                body='{"error": {"code": "ServiceUnavailable", "message": "Down for a moment."}}',
            )
        else:
            route.continue_()

    page.route("**/labels", flaky)
    drag(page, *utf16(LOAN, "Seattle"))
    page.keyboard.press("l")
    expect(page.locator("#save-status")).to_have_attribute("data-state", "retrying")
    expect(page.locator("#save-text")).to_contain_text("Not saved — retrying in")
    expect(page.locator("mark.ent.pending")).to_have_text("Seattle")
    page.screenshot(path=str(screenshot_dir / "labeling-retrying.png"))
    page.locator("#save-retry").click()
    wait_saved(page)
    expect(page.locator("#save-text")).to_have_text("All changes saved")
    start, end = utf16(LOAN, "Seattle")
    assert spans(document) == [(start, end, "Location")]


def test_retype_remove_dataset_and_next_document(live_server, page, login, owner, project, screenshot_dir):
    document = project.documents.get(location="01-loan.txt")
    for word, name, occurrence in [
        ("Contoso Bank", "Organization", 0), ("John Smith", "Person", 0), ("Seattle", "Location", 0),
        ("3 May 2024", "Date", 0), ("John Smith", "Person", 1), ("$5,000", "Money", 0), ("Maria García", "Person", 0),
        ("Fabrikam Ltd.", "Organization", 0), ("Lisbon", "Location", 0),
    ]:  # fmt: skip
        start, end = utf16(LOAN, word, occurrence)  # no astral characters: UTF-16 = code points
        label_create(document=document, user=owner, entity_type_id=type_id(project, name), start=start, end=end)
    login(owner)
    open_document(page, live_server, project, "01-loan.txt")
    expect(page.locator("#side-list .side-item")).to_have_count(9)
    page.screenshot(path=str(screenshot_dir / "labeling-document.png"))

    page.locator("mark.ent", has_text="Lisbon").click()
    expect(page.locator("#label-popover")).to_be_visible()
    page.screenshot(path=str(screenshot_dir / "labeling-popover.png"))
    page.keyboard.press("o")  # retype the open label
    wait_saved(page)
    assert Label.objects.get(start=LOAN.index("Lisbon")).entity_type.name == "Organization"
    page.keyboard.press("Delete")
    wait_saved(page)
    assert Label.objects.filter(start=LOAN.index("Lisbon")).count() == 0
    page.keyboard.press("Control+z")  # the label comes back, as an Organization
    wait_saved(page)
    assert Label.objects.get(start=LOAN.index("Lisbon")).entity_type.name == "Organization"
    page.keyboard.press("Control+z")  # and the retype is undone too
    wait_saved(page)
    assert Label.objects.get(start=LOAN.index("Lisbon")).entity_type.name == "Location"

    page.select_option("#dataset", "Train")
    wait_saved(page)
    document.refresh_from_db()
    assert document.dataset == "Train"

    page.keyboard.press("]")
    expect(page).to_have_url(
        f"{live_server.url}/projects/loans/documents/{project.documents.get(location='02-emoji.txt').pk}/label/"
    )
    expect(page.locator("#labeler")).to_have_attribute("data-ready", "1")
    page.keyboard.press("Alt+ArrowLeft")
    expect(page).to_have_url(f"{live_server.url}/projects/loans/documents/{document.pk}/label/")


def test_offsets_module_converts_around_emoji(live_server, page, login, owner, project):
    login(owner)
    open_document(page, live_server, project, "02-emoji.txt")
    result = page.evaluate(
        """async () => {
          const { OffsetMap, alignToCodePoint } = await import("/static/annotation/offsets.js");
          const text = "😀 Ana 😀😀 x";
          const map = new OffsetMap(text);
          let inside = null;
          try { map.toCodePoints(1); } catch (error) { inside = error.name; }
          return {
            toCodePoints: [0, 2, 3, 6, 7, 9, 11, 12].map((u) => map.toCodePoints(u)),
            toUnits: [0, 1, 2, 5, 6, 7, 8, 9].map((c) => map.toUnits(c)),
            length: map.codePointLength, inside, align: [alignToCodePoint(text, 1, -1), alignToCodePoint(text, 1, 1)],
          };
        }"""
    )
    assert result == {
        "toCodePoints": [0, 1, 2, 5, 6, 7, 8, 9],
        "toUnits": [0, 2, 3, 6, 7, 9, 11, 12],
        "length": 10,
        "inside": "RangeError",
        "align": [0, 2],
    }  # word snapping: tests/e2e/test_labeling_snap.py


def test_a_label_across_the_blocks_of_a_long_document(live_server, page, login, owner, project):
    """Long texts are drawn in blocks that end at line breaks; a selection across two blocks still makes one label."""
    text = "".join(f"Line {n} mentions Contoso Bank and Seattle.\n" for n in range(400))
    documents_import(user=owner, project=project, documents=[DocumentData("04-long.txt", text)])
    login(owner)
    document = open_document(page, live_server, project, "04-long.txt")
    boundary = page.evaluate("() => +document.querySelectorAll('#doc-text .blk')[1].dataset.s")
    assert text[boundary - 1] == "\n"
    drag(page, boundary - 8, boundary + 4)  # "Seattle.\nLine": snapping keeps the words, not the period
    page.keyboard.press("l")
    wait_saved(page)
    start = text.rindex("Seattle", 0, boundary)
    assert spans(document) == [(start, boundary + 4, "Location")]
    assert text[start : boundary + 4] == "Seattle.\nLine"
    expect(page.locator("mark.ent")).to_have_text(["Seattle.\nLine"])
    page.keyboard.press("Control+z")
    wait_saved(page)
    expect(page.locator("mark.ent")).to_have_count(0)
    assert page.evaluate("() => document.getElementById('doc-text').textContent") == text


def test_other_peoples_edits_appear_on_refresh(live_server, page, login, make_user, owner, project):
    colleague = make_user("carl")
    membership_set(project=project, user=owner, username="carl", role=Role.ANNOTATOR)
    document = project.documents.get(location="01-loan.txt")
    start, end = utf16(LOAN, "Seattle")
    mine = label_create(
        document=document, user=owner, entity_type_id=type_id(project, "Location"), start=start, end=end
    )
    login(owner)
    open_document(page, live_server, project, "01-loan.txt")
    expect(page.locator("mark.ent")).to_have_text(["Seattle"])
    label_delete(document=document, user=colleague, label_id=mine.pk)
    start, end = utf16(LOAN, "Lisbon")
    label_create(document=document, user=colleague, entity_type_id=type_id(project, "Location"), start=start, end=end)
    page.evaluate("() => document.dispatchEvent(new Event('visibilitychange'))")  # as when the tab comes back
    expect(page.locator("mark.ent")).to_have_text(["Lisbon"])
    expect(page.get_by_role("status").filter(has_text="2 labels updated")).to_be_visible()
    page.locator("mark.ent").click()
    expect(page.locator("#label-popover")).to_contain_text("Last edited by carl")
