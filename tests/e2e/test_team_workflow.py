"""The team workflow in real Chromium (issue 16): owners assign documents to annotators, who find them first in
their list; a reviewer sends a document back and marks it reviewed from the keyboard (Tab to the buttons, or the
review keys the `?` help lists), and a label change then says why the document needs review again; a reviewer
adjudicates two annotators' independent labels; a stale label edit is refused and the page offers a reload
(issue 13)."""

from __future__ import annotations

import pytest
from playwright.sync_api import expect

from annotation.formats import DocumentData
from annotation.models import Assignment, Label, ReviewStatus
from annotation.services.assignments import documents_assign
from annotation.services.labels import label_create, label_update
from projects.models import Role
from projects.services.projects import membership_set
from tests.e2e.axe import blocking_violations, describe
from tests.e2e.conftest import PASSWORD
from tests.e2e.labeling import labeling_project

TEXTS = {
    "01.txt": "Loan to John Smith for $5,000.",
    "02.txt": "Ana Lopez borrowed $20 from Bank Corp.",
    "03.txt": "Nothing here.",
}


@pytest.fixture
def page(browser):
    """The CSP would block the injected axe script: the context bypasses it, which changes nothing axe looks at
    (tests/e2e/test_content_security_policy.py checks the policy itself)."""
    context = browser.new_context(viewport={"width": 1400, "height": 900}, bypass_csp=True)
    context.set_default_timeout(10_000)
    yield context.new_page()
    context.close()


def setup(make_user):
    owner = make_user("olivia")
    project = labeling_project(
        owner,
        [("Person", "p"), ("Amount", "a")],
        [DocumentData(location, text) for location, text in TEXTS.items()],
        name="team",
    )
    users = {"olivia": owner}
    for name, role in (("ann", Role.ANNOTATOR), ("bob", Role.ANNOTATOR), ("rita", Role.REVIEWER)):
        users[name] = make_user(name)
        membership_set(project=project, user=owner, username=name, role=role)
    types = {t.name: t.pk for t in project.entity_types.all()}
    return project, users, types


def sign_in(page, live_server, user):
    page.goto(f"{live_server.url}/login/")
    page.fill("input[name=username]", user.username)
    page.fill("input[name=password]", PASSWORD)
    page.click("button[type=submit]")
    page.wait_for_load_state()


def assert_accessible(page) -> None:
    violations = blocking_violations(page)
    assert not violations, describe(violations)


def tab_to(page, element_id: str, *, limit: int = 80, backwards: bool = False) -> None:
    """Presses Tab (or Shift+Tab) until the element has the focus: the keyboard path a person takes."""
    for _ in range(limit):
        if page.evaluate("document.activeElement && document.activeElement.id") == element_id:
            return
        page.keyboard.press("Shift+Tab" if backwards else "Tab")
    raise AssertionError(f"#{element_id} was not reached with the keyboard")


def test_an_owner_assigns_documents_and_the_annotator_finds_them_first(live_server, page, browser, make_user):
    project, users, types = setup(make_user)
    sign_in(page, live_server, users["olivia"])
    page.goto(f"{live_server.url}/projects/team/documents/")
    page.get_by_label("Select 02.txt").check()
    page.get_by_label("Select 03.txt").check()
    page.select_option("#assignees", ["ann"])
    page.get_by_role("button", name="Give to members").click()
    expect(page.get_by_text("2 assignments added for ann.")).to_be_visible()
    assert sorted(Assignment.objects.values_list("document__location", flat=True)) == ["02.txt", "03.txt"]
    expect(page.locator("tr", has_text="02.txt").locator(".cell-assigned")).to_have_text("ann")

    context = browser.new_context(viewport={"width": 1400, "height": 900}, bypass_csp=True)
    annotator = context.new_page()
    sign_in(annotator, live_server, users["ann"])
    annotator.goto(f"{live_server.url}/projects/team/documents/")
    panel = annotator.locator("section.assigned-to-me")
    expect(panel.get_by_role("heading")).to_have_text("Assigned to you (2)")
    expect(panel.locator("li a")).to_have_text(["02.txt", "03.txt"])
    assert_accessible(annotator)
    panel.get_by_role("link", name="All your documents").click()
    expect(annotator.locator(".documents-table .doc-name")).to_have_text(["02.txt", "03.txt"])
    expect(annotator.locator("#id_assigned")).to_have_value("me")
    annotator.locator(".documents-table .doc-name").first.click()
    expect(annotator.locator("#labeler")).to_have_attribute("data-ready", "1")
    expect(annotator.locator("#next-doc")).to_be_visible()  # Prev/Next walk "assigned to me": 02 -> 03
    annotator.locator("#next-doc").click()
    expect(annotator.locator("h1")).to_have_text("03.txt")
    label_create(document=Assignment.objects.first().document, user=users["ann"], entity_type_id=types["Person"],
                 start=0, end=9)  # fmt: skip
    annotator.goto(f"{live_server.url}/projects/team/")
    row = annotator.locator(".progress-table tbody tr")
    expect(row.locator("th")).to_have_text(["ann"])
    expect(row.locator("td")).to_have_text(["2", "1", "0"])  # assigned, labeled, reviewed
    assert_accessible(annotator)
    context.close()


def test_a_reviewer_sends_back_and_marks_reviewed_from_the_keyboard(live_server, page, make_user):
    project, users, types = setup(make_user)
    document = project.documents.get(location="01.txt")
    label_create(document=document, user=users["ann"], entity_type_id=types["Person"], start=8, end=18)
    sign_in(page, live_server, users["rita"])
    page.goto(f"{live_server.url}/projects/team/documents/{document.pk}/label/")
    expect(page.locator("#labeler")).to_have_attribute("data-ready", "1")
    expect(page.locator("#review-status")).to_have_text("Not reviewed")
    assert_accessible(page)
    page.locator("#doc-text").focus()
    tab_to(page, "review-comment")
    page.keyboard.type("Label the amount too.")
    page.keyboard.press("Tab")
    assert page.evaluate("document.activeElement.id") == "review-send-back"
    page.keyboard.press("Enter")
    expect(page.locator("#review-status")).to_have_text("Needs changes")
    document.refresh_from_db()
    assert (document.review_status, document.review_comment) == (ReviewStatus.NEEDS_CHANGES, "Label the amount too.")
    tab_to(page, "review-accept", backwards=True)
    page.keyboard.press("Space")
    expect(page.locator("#review-status")).to_have_text("Reviewed")
    expect(page.locator("#review-by")).to_have_text("by rita")
    document.refresh_from_db()
    assert document.review_status == ReviewStatus.REVIEWED and document.reviewed_by == users["rita"]

    # The documents list shows the status and filters by it.
    page.goto(f"{live_server.url}/projects/team/documents/?review=reviewed")
    expect(page.locator(".documents-table .doc-name")).to_have_text(["01.txt"])
    expect(page.locator(".documents-table .badge.review-reviewed")).to_have_text("Reviewed")


def test_every_review_action_has_a_key_listed_in_the_help(live_server, page, make_user):
    project, users, types = setup(make_user)
    document = project.documents.get(location="01.txt")
    label_create(document=document, user=users["ann"], entity_type_id=types["Person"], start=8, end=18)
    sign_in(page, live_server, users["rita"])
    page.goto(f"{live_server.url}/projects/team/documents/{document.pk}/label/")
    expect(page.locator("#labeler")).to_have_attribute("data-ready", "1")
    page.keyboard.press("?")
    help_dialog = page.locator("#editor-help")
    expect(help_dialog).to_be_visible()
    for does, keys in (
        ("mark the document reviewed", "Alt+R"),
        ("send it back", "Alt+S"),
        ("label history", "Alt+H"),
    ):
        expect(help_dialog.locator("tr", has_text=does)).to_contain_text(keys)
    page.keyboard.press("Escape")
    expect(help_dialog).to_be_hidden()

    # Alt+S with no comment yet goes to the comment box; Ctrl+Enter there sends the document back.
    page.locator("#doc-text").focus()
    page.keyboard.press("Alt+S")
    assert page.evaluate("document.activeElement.id") == "review-comment"
    page.keyboard.type("Label the amount too.")
    page.keyboard.press("Control+Enter")
    expect(page.locator("#review-status")).to_have_text("Needs changes")
    document.refresh_from_db()
    assert (document.review_status, document.review_comment) == (ReviewStatus.NEEDS_CHANGES, "Label the amount too.")
    page.locator("#doc-text").focus()
    page.keyboard.press("Alt+R")
    expect(page.locator("#review-status")).to_have_text("Reviewed")
    expect(page.locator("#review-reopened")).to_be_hidden()

    # A label change undoes "reviewed", and the status line says why.
    page.locator("mark.ent").click()
    page.keyboard.press("Delete")
    expect(page.locator("#review-status")).to_have_text("Not reviewed")
    expect(page.locator("#review-reopened")).to_have_text(
        "Back to labeled: the labels changed after rita marked it reviewed, so it needs reviewing again."
    )
    document.refresh_from_db()
    assert document.review_status == "" and not Label.objects.filter(document=document).exists()
    assert_accessible(page)
    page.keyboard.press("Alt+H")
    expect(page.locator("h1")).to_have_text("Label history")


def test_a_reviewer_adjudicates_two_annotators_side_by_side(live_server, page, make_user):
    project, users, types = setup(make_user)
    document = project.documents.get(location="02.txt")
    documents_assign(
        project=project,
        user=users["olivia"],
        documents=project.documents.filter(pk=document.pk),
        usernames=["ann", "bob"],
    )
    label_create(document=document, user=users["ann"], entity_type_id=types["Person"], start=0, end=9)
    label_create(document=document, user=users["bob"], entity_type_id=types["Person"], start=0, end=9)
    label_create(document=document, user=users["ann"], entity_type_id=types["Amount"], start=19, end=22)
    label_create(document=document, user=users["bob"], entity_type_id=types["Person"], start=28, end=37)
    assert not Label.objects.filter(document=document).exists()  # nothing counts before adjudication

    sign_in(page, live_server, users["rita"])
    page.goto(f"{live_server.url}/projects/team/documents/{document.pk}/label/")
    expect(page.locator("#labeler")).to_have_attribute("data-ready", "1")
    expect(page.locator("#independent-note")).to_contain_text("Labeled independently by ann, bob")
    page.keyboard.press("?")
    expect(page.locator("#editor-help tr", has_text="adjudicate the annotators' labels")).to_contain_text("Alt+A")
    expect(page.locator("#editor-help tr", has_text="mark the document reviewed")).to_have_count(0)
    page.keyboard.press("Escape")
    page.keyboard.press("Alt+A")  # the keyboard's way to the adjudication page
    rows = page.locator(".adjudication-table tbody tr")
    expect(rows).to_have_count(3)
    expect(rows.nth(0)).to_contain_text("All agree")
    expect(rows.nth(1)).to_contain_text("Disagreement")
    assert_accessible(page)
    # Keep ann's Amount; drop bob's "Bank Corp" (choose no label).
    rows.nth(2).locator("select").select_option("")
    page.get_by_role("button", name="Save final labels").click()
    expect(page.locator("#adjudicate-status")).to_contain_text("the document now has 2 labels and is reviewed")
    assert sorted(Label.objects.filter(document=document).values_list("start", "end", "entity_type_id")) == [
        (0, 9, types["Person"]),
        (19, 22, types["Amount"]),
    ]
    page.goto(f"{live_server.url}/projects/team/documents/{document.pk}/label/")
    expect(page.locator("mark.ent")).to_have_text(["Ana Lopez", "$20"])
    expect(page.locator("#review-status")).to_have_text("Reviewed")
    page.get_by_role("link", name="History").click()
    expect(page.locator("#history tbody tr[data-action=adjudicate]")).to_have_count(2)
    assert_accessible(page)
    page.goto(f"{live_server.url}/projects/team/agreement/")
    expect(page.locator("#agreement-f1")).to_have_text("0.500")  # 1 span agreed of ann's 2 and bob's 2
    assert_accessible(page)


def test_a_stale_edit_is_refused_and_the_page_offers_a_reload(live_server, page, make_user):
    project, users, types = setup(make_user)
    document = project.documents.get(location="01.txt")
    label = label_create(document=document, user=users["ann"], entity_type_id=types["Person"], start=8, end=18)
    sign_in(page, live_server, users["ann"])
    page.goto(f"{live_server.url}/projects/team/documents/{document.pk}/label/")
    expect(page.locator("#labeler")).to_have_attribute("data-ready", "1")
    # Meanwhile bob changes the label (its version moves on).
    label_update(document=document, user=users["bob"], label_id=label.pk, entity_type_id=types["Amount"])
    page.locator("mark.ent").click()
    page.locator("#label-popover .pop-remove").click()
    alert = page.locator(".toast.conflict")
    expect(alert).to_contain_text("changed by bob since you loaded it")
    expect(alert.get_by_role("button", name="Reload")).to_be_visible()
    assert Label.objects.filter(pk=label.pk).exists()
    expect(page.locator("mark.ent")).to_have_count(1)  # put back on the page
    alert.get_by_role("button", name="Reload").click()
    expect(page.locator("#labeler")).to_have_attribute("data-ready", "1")
    expect(page.locator("mark.ent")).to_have_count(1)
