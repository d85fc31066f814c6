"""Model in the loop, in real Chromium: suggestions from a real (tiny) model in the labeling view (dashed, the
confidence on hover, accepted by key, rejected, accepted above a threshold), pre-labeling documents from the
documents list as a background job with its progress, and labeling by uncertainty (the list's order, which the
labeling view's Next follows). Jobs run on a thread of the test process (`tests/modeling/loop/inline.py`)."""

from __future__ import annotations

import json
import re
import threading

import pytest
from playwright.sync_api import TimeoutError as PlaywrightTimeout
from playwright.sync_api import expect

from annotation.formats.azure import read_project
from annotation.models import Document, Label
from annotation.services.imports import project_import
from modeling.models import LoopJob, Suggestion, UncertaintyScore
from modeling.services.loop import prelabel
from projects.models import Activity, JobStatus
from tests.modeling.factories import loan_project
from tests.modeling.loop.inline import run_loop_jobs_inline

TEXT = (
    "😀 This loan agreement is made between Acme Bank and John Smith for $5,000.\n"
    "John Smith agrees to repay $12,500 to Contoso Finance 😀 in monthly installments.\n"
    "Northwind Credit lends $1,200 to Wei Zhang. The borrower shall pay interest."
)
UNLABELED = [
    "Fabrikam Lending lends $250,000 to Priya Natarajan. The borrower shall pay interest.",
    "Agreement: First Capital Trust (the lender) and Lars Eriksson (the borrower). Principal: $5,000.",
    "Ana López agrees to repay €40,000 to Acme Bank 😀 in monthly installments.",
]


@pytest.fixture
def loans(owner, deploy_tiny):
    """Project `loans`: 12 labeled loan agreements, a tiny real model `m1` deployed as `prod`, and unlabeled
    documents (`new-0.txt` is TEXT; `u-*.txt` the UNLABELED ones)."""
    project = project_import(user=owner, name="loans", data=read_project(loan_project(documents=12)))
    deploy_tiny(project, user=owner)
    Document.objects.create(project=project, location="new-0.txt", text=TEXT)
    for i, text in enumerate(UNLABELED):
        Document.objects.create(project=project, location=f"u-{i}.txt", text=text)
    return project


HIGHLIGHTS = """() => {
  const all = CSS.highlights.get("studio-suggestion");
  return all ? [...all].map((range) => range.toString()) : [];
}"""

FIRST_BOX = """() => {
  const [range] = [...CSS.highlights.get("studio-suggestion-current")];
  const box = range.getClientRects()[0];
  return {x: box.left + box.width / 2, y: box.top + box.height / 2, text: range.toString()};
}"""


def open_labeling(page, live_server, document):
    page.goto(f"{live_server.url}/projects/loans/documents/{document.pk}/label/")
    expect(page.locator("#labeler")).to_have_attribute("data-ready", "1")
    expect(page.locator("#suggestion-bar")).to_have_attribute("data-ready", "1")


def assert_highlighted(page, expected):
    """The suggestion highlights are redrawn a frame after the text or the labels change: wait for them."""
    try:
        wanted = json.dumps(json.dumps(expected))
        page.wait_for_function(f"() => JSON.stringify(({HIGHLIGHTS})()) === {wanted}", timeout=5000)
    except PlaywrightTimeout:
        assert page.evaluate(HIGHLIGHTS) == expected


def test_suggestions_in_the_labeling_view(live_server, page, login, owner, loans, screenshot_dir):
    document = loans.documents.get(location="new-0.txt")
    login(owner)
    open_labeling(page, live_server, document)
    expect(page.locator("#sug-count")).to_have_text("No suggestions")
    page.keyboard.press("?")  # the help lists the suggestion keys
    help_dialog = page.locator("#editor-help")
    expect(help_dialog).to_be_visible()
    for does in ("next / previous suggestion", "accept the suggestion", "reject the suggestion"):
        expect(help_dialog.locator("tr", has_text=does)).to_have_count(1)
    page.keyboard.press("Escape")
    expect(help_dialog).to_be_hidden()

    page.select_option("#sug-source", "deployment:prod")
    expect(page.locator("#sug-status")).to_have_text(
        re.compile(r"^\d+ from deployment prod \(model m1\)$"), timeout=60_000
    )
    offered = list(Suggestion.objects.filter(document=document, status="open").order_by("start"))
    assert len(offered) >= 4, [(s.category, document.text[s.start : s.end]) for s in offered]
    count = len(offered)
    expect(page.locator("#suggestion-bar")).to_have_attribute("data-count", str(count))
    # Drawn over the text (UTF-16 in the page, code points on the server: the emoji shift nothing).
    assert_highlighted(page, [document.text[s.start : s.end] for s in offered])
    dashed = page.evaluate(
        """() => [...document.styleSheets].flatMap((sheet) => [...sheet.cssRules])
            .filter((rule) => rule.selectorText === "::highlight(studio-suggestion)")
            .map((rule) => rule.style.textDecorationStyle || rule.style.textDecoration)"""
    )
    assert dashed and "dashed" in dashed[0]
    assert page.locator("mark.ent").count() == 0  # suggestions are not labels

    # The confidence on hover.
    box = page.evaluate(FIRST_BOX)
    first = offered[0]
    assert box["text"] == document.text[first.start : first.end]
    page.mouse.move(box["x"], box["y"])
    tip = page.locator("#sug-tip")
    expect(tip).to_be_visible()
    expect(tip).to_contain_text(f"{first.category} · {round(first.confidence * 100)}% confidence")
    expect(tip).to_contain_text("suggested by deployment prod (model m1)")
    page.screenshot(path=str(screenshot_dir / "suggestions-hover.png"))

    # Accept the current one by key: it becomes a label, drawn as one.
    page.locator("#doc-text").focus()
    page.keyboard.press("=")
    expect(page.locator("mark.ent")).to_have_count(1)
    expect(page.locator("mark.ent")).to_have_text(document.text[first.start : first.end])
    expect(page.locator("#suggestion-bar")).to_have_attribute("data-count", str(count - 1))
    label = Label.objects.get(document=document)
    assert (label.start, label.end, label.entity_type.name) == (first.start, first.end, first.category)
    assert Activity.objects.filter(summary__contains="(accepted from deployment prod (model m1))").count() == 1

    # Reject the next one (by key), then another by its button.
    page.keyboard.press("-")
    expect(page.locator("#suggestion-bar")).to_have_attribute("data-count", str(count - 2))
    page.keyboard.press(";")  # the next suggestion becomes the current one
    page.click("#sug-reject")
    expect(page.locator("#suggestion-bar")).to_have_attribute("data-count", str(count - 3))
    assert Suggestion.objects.filter(document=document, status="rejected").count() == 2
    expect(page.locator("mark.ent")).to_have_count(1)

    # Accept all at or above a threshold: the rest stay suggestions.
    left = list(Suggestion.objects.filter(document=document, status="open"))
    threshold = sorted(s.confidence for s in left)[len(left) // 2]
    high = [s for s in left if s.confidence >= threshold]
    page.fill("#sug-threshold", str(threshold))
    page.click("#sug-accept-above")
    expect(page.locator("mark.ent")).to_have_count(1 + len(high))
    expect(page.locator("#suggestion-bar")).to_have_attribute("data-count", str(len(left) - len(high)))
    assert Label.objects.filter(document=document).count() == 1 + len(high)
    expect(page.locator(".toast", has_text="other people")).to_have_count(0)  # they are this user's own
    assert_highlighted(
        page,
        sorted(
            (document.text[s.start : s.end] for s in left if s.confidence < threshold),
            key=lambda t: document.text.index(t),
        ),
    )
    page.screenshot(path=str(screenshot_dir / "suggestions-after-accepting.png"))

    # Reject all.
    if len(left) > len(high):
        page.click("#sug-reject-all")
        expect(page.locator("#suggestion-bar")).to_have_attribute("data-count", "0")
    assert not Suggestion.objects.filter(document=document, status="open").exists()


def test_prelabel_from_the_documents_list_with_progress(
    live_server, page, login, owner, loans, monkeypatch, screenshot_dir
):
    threads = run_loop_jobs_inline(monkeypatch)
    # One document per batch, and the second batch waits for the test: the page shows the job mid-way.
    monkeypatch.setattr(prelabel, "BATCH_DOCUMENTS", 1)
    gate = threading.Event()
    batches = []
    real = prelabel.documents_suggest

    def held(*, documents, source):
        batches.append(documents)
        if len(batches) == 2:
            gate.wait(30)
        return real(documents=documents, source=source)

    monkeypatch.setattr(prelabel, "documents_suggest", held)
    login(owner)
    page.goto(f"{live_server.url}/projects/loans/documents/?status=unlabeled")
    expect(page.locator(".documents-table tbody tr")).to_have_count(4)
    page.select_option("#loop-source", "model:m1")
    for location in ("new-0.txt", "u-0.txt", "u-2.txt"):
        page.get_by_label(f"Select {location}").check()
    page.click('[data-prelabel="selected"]')

    panel = page.locator('[data-loop-job][data-kind="prelabel"]')
    expect(panel).to_be_visible()
    expect(panel.locator('[data-loop-part="message"]')).to_have_text(
        re.compile(r"^1 of 3 documents pre-labeled, \d+ suggestions$"), timeout=60_000
    )
    expect(panel.locator('[data-loop-part="bar"]')).to_have_attribute("aria-valuenow", "33")
    expect(panel.locator('[data-loop-part="status"]')).to_have_text("Running")
    page.screenshot(path=str(screenshot_dir / "prelabel-progress.png"))
    gate.set()
    expect(panel.locator('[data-loop-part="status"]')).to_have_text("Done", timeout=30_000)
    expect(panel.locator('[data-loop-part="bar"]')).to_have_attribute("aria-valuenow", "100")
    for thread in threads:
        thread.join(10)
    job = LoopJob.objects.get(kind="prelabel")
    assert job.status == JobStatus.SUCCEEDED and job.result["documents"] == 3
    expect(panel.locator('[data-loop-part="message"]')).to_have_text(
        f"3 documents pre-labeled: {job.result['suggestions']} suggestions"
    )

    page.click("[data-loop-refresh]")
    counts = {
        location: Suggestion.objects.filter(document__location=location, status="open").count()
        for location in ("new-0.txt", "u-0.txt", "u-1.txt", "u-2.txt")
    }
    assert counts["u-1.txt"] == 0 and counts["new-0.txt"] > 0
    for location, n in counts.items():
        row = page.locator(".documents-table tbody tr", has_text=location)
        expect(row.locator("[data-open-suggestions]")).to_have_attribute("data-open-suggestions", str(n))
    page.select_option("#id_suggestions", "open")
    page.click("text=Filter")
    expect(page.locator(".documents-table tbody tr")).to_have_count(sum(1 for n in counts.values() if n))

    # The labeling view opens a pre-labeled document with its suggestions.
    page.locator(".documents-table tbody tr", has_text="new-0.txt").locator("a.doc-name").click()
    expect(page.locator("#suggestion-bar")).to_have_attribute("data-count", str(counts["new-0.txt"]))
    expect(page.locator("#doc-text")).to_have_attribute("data-suggestions-drawn", str(counts["new-0.txt"]))


def test_label_next_by_uncertainty(live_server, page, login, owner, loans, monkeypatch):
    threads = run_loop_jobs_inline(monkeypatch)
    login(owner)
    page.goto(f"{live_server.url}/projects/loans/documents/")
    page.select_option("#loop-source", "deployment:prod")
    expect(page.locator("#loop-measure")).to_have_value("margin")  # the default, measured the better one
    page.select_option("#loop-measure", "entropy")
    page.click("[data-uncertainty]")
    panel = page.locator('[data-loop-job][data-kind="uncertainty"]')
    expect(panel.locator('[data-loop-part="status"]')).to_have_text("Done", timeout=60_000)
    for thread in threads:
        thread.join(10)
    scores = dict(UncertaintyScore.objects.values_list("document__location", "score"))
    assert set(scores) == {"new-0.txt", "u-0.txt", "u-1.txt", "u-2.txt"}  # the unlabeled ones
    assert set(UncertaintyScore.objects.values_list("measure", flat=True)) == {"entropy"}  # as chosen
    ranked = sorted(scores, key=lambda location: (-scores[location], location))

    page.click("a.loop-panel-link")
    expect(page).to_have_url(re.compile(r"sort=uncertainty"))
    locations = page.locator(".documents-table tbody tr a.doc-name")
    expect(locations.first).to_have_text(ranked[0])
    assert locations.all_inner_texts()[:4] == ranked

    locations.first.click()
    expect(page.locator("#labeler")).to_have_attribute("data-ready", "1")
    for expected in ranked[1:]:
        page.click("#next-doc")
        expect(page.locator("#labeler")).to_have_attribute("data-ready", "1")
        document = Document.objects.get(location=expected)
        expect(page).to_have_url(re.compile(rf"/documents/{document.pk}/label/\?sort=uncertainty$"))
