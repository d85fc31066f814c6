"""The labeling view in real Chromium with the documents list: Prev/Next (and "]") walk the list as it was
filtered and lead back to it; the label refresh asks "changed since?" and the server answers 304 until
someone else edits."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import expect

from annotation.formats import DocumentData
from annotation.services.labels import label_create
from projects.models import Role
from projects.services.projects import membership_set
from tests.e2e.labeling import labeling_project

TEXT = "Loan to Ana Lopez from Contoso Bank."


@pytest.fixture
def owner(make_user):
    return make_user("olivia")


@pytest.fixture
def project(owner):
    datasets = {"a": "Train", "b": "Test", "c": "Train", "d": "Test", "e": "Test"}
    documents = [DocumentData(f"{name}.txt", TEXT, dataset=dataset) for name, dataset in datasets.items()]
    return labeling_project(owner, [("Person", "p")], documents)


def test_prev_and_next_follow_the_filtered_documents_list(live_server, page, login, owner, project):
    login(owner)
    page.goto(f"{live_server.url}/projects/loans/documents/")
    page.get_by_label("Dataset", exact=True).select_option("Test")
    page.get_by_role("button", name="Filter").click()
    expect(page.locator("a.doc-name")).to_have_text(["b.txt", "d.txt", "e.txt"])
    page.get_by_role("link", name="b.txt").click()
    expect(page.locator("#labeler")).to_have_attribute("data-ready", "1")
    expect(page.locator("h1")).to_have_text("b.txt")
    page.locator("#doc-text").focus()
    page.keyboard.press("]")  # the next document in the filtered list is d.txt, not c.txt
    expect(page.locator("h1")).to_have_text("d.txt")
    expect(page.locator("#labeler")).to_have_attribute("data-ready", "1")
    page.get_by_role("link", name="Next ›").click()
    expect(page.locator("h1")).to_have_text("e.txt")
    expect(page.locator(".lab-pager .pager-btn.disabled")).to_have_text("Next ›")  # e.txt is the last Test one
    page.get_by_role("link", name="‹ Prev").click()
    expect(page.locator("h1")).to_have_text("d.txt")
    page.get_by_role("navigation", name="Breadcrumb", exact=True).get_by_role("link", name="Documents").click()
    expect(page).to_have_url(re.compile(r"/projects/loans/documents/\?dataset=Test$"))
    expect(page.locator("a.doc-name")).to_have_text(["b.txt", "d.txt", "e.txt"])


def test_the_refresh_asks_whether_labels_changed_and_gets_304_until_they_do(
    live_server, page, login, make_user, owner, project
):
    colleague = make_user("carl")
    membership_set(project=project, user=owner, username="carl", role=Role.ANNOTATOR)
    document = project.documents.get(location="a.txt")
    login(owner)
    page.goto(f"{live_server.url}/projects/loans/documents/{document.pk}/label/")
    expect(page.locator("#labeler")).to_have_attribute("data-ready", "1")

    def refresh() -> tuple[int, str | None]:
        """Brings the tab back (the page refreshes then, as every 15 s); the status and the version it asked with."""
        with page.expect_response(lambda r: r.url.endswith("/labels") and r.request.method == "GET") as answer:
            page.evaluate("() => document.dispatchEvent(new Event('visibilitychange'))")
        return answer.value.status, answer.value.request.headers.get("if-none-match")

    status, asked = refresh()
    assert status == 304 and asked and asked.startswith('"')
    start = TEXT.index("Ana Lopez")
    label_create(
        document=document, user=colleague, entity_type_id=project.entity_types.get().pk, start=start, end=start + 9
    )
    assert refresh() == (200, asked)  # the same version asked: the labels changed, so they came
    expect(page.locator("mark.ent")).to_have_text(["Ana Lopez"])
    status, asked_after = refresh()
    assert status == 304 and asked_after != asked  # the page now holds the new version
