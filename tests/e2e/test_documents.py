"""Uploading, listing and splitting documents in real Chromium; screenshots of the main pages."""

from annotation.models import Document
from annotation.services.sample import sample_project_create
from projects.services.projects import project_create


def test_upload_a_document_through_the_ui(live_server, page, login, make_user):
    owner = make_user("owner")
    project_create(user=owner, name="notes")
    login(owner)
    page.goto(f"{live_server.url}/projects/notes/documents/")
    page.get_by_role("link", name="Upload documents").first.click()
    page.set_input_files(
        "input[name=files]",
        files=[{"name": "hello.txt", "mimeType": "text/plain", "buffer": "Hello Zoë 😀.".encode()}],
    )
    page.get_by_role("button", name="Upload", exact=True).click()
    page.wait_for_url("**/projects/notes/documents/")
    assert "Uploaded 1 document" in page.get_by_role("status").first.inner_text()
    assert page.get_by_role("link", name="hello.txt").is_visible()
    assert Document.objects.get(project__name="notes").text == "Hello Zoë 😀."

    page.get_by_role("link", name="Upload documents").first.click()
    page.set_input_files(
        "input[name=files]", files=[{"name": "bad.jsonl", "mimeType": "text/plain", "buffer": b"not json\n"}]
    )
    page.get_by_role("button", name="Upload", exact=True).click()
    assert "Nothing was uploaded" in page.locator(".problem-card").inner_text()
    assert "Malformed JSON" in page.locator(".problems").inner_text()
    assert Document.objects.count() == 1


def test_sample_project_and_bulk_assignment(live_server, page, login, make_user, screenshot_dir):
    login(make_user("newcomer"))
    page.get_by_role("button", name="Load the sample project").click()
    page.wait_for_url("**/projects/loan-agreements/")
    page.screenshot(path=screenshot_dir / "overview.png", full_page=True)

    page.get_by_role("link", name="Documents", exact=True).click()
    assert page.locator("input[name=ids]").count() == 44
    page.screenshot(path=screenshot_dir / "documents.png")

    page.get_by_label("Status").select_option("unlabeled")
    page.get_by_role("button", name="Filter").click()
    assert page.locator("input[name=ids]").count() == 4
    page.get_by_label("Select all documents on this page").check()
    assert page.locator("#bulk-count").inner_text() == "4 selected"
    page.get_by_label("Dataset to assign").select_option("Train")
    page.get_by_role("button", name="Assign").click()
    assert "4 documents assigned to Train." in page.get_by_role("status").first.inner_text()
    assert Document.objects.filter(dataset="Train").count() == 36


def test_distribution_preview_and_apply(live_server, page, login, make_user, screenshot_dir):
    user = make_user("newcomer")
    sample_project_create(user=user)
    login(user)
    page.goto(f"{live_server.url}/projects/loan-agreements/distribution/")
    page.get_by_label("All documents (reassigns Train and Test)").check()
    page.get_by_role("button", name="Preview split").click()
    assert page.get_by_role("heading", name="Preview: 44 documents split").is_visible()
    page.screenshot(path=screenshot_dir / "distribution.png", full_page=True)
    page.get_by_role("button", name="Apply this split").click()
    assert "Split 44 documents: 35 to Train, 9 to Test." in page.get_by_role("status").first.inner_text()
    assert Document.objects.filter(dataset="Test").count() == 9
