"""The labeling view's language select (multilingual projects): a change is saved, kept on reload, and a
refusal puts the old language back and says why."""

from __future__ import annotations

from playwright.sync_api import expect

from annotation.formats import DocumentData
from annotation.services.imports import documents_import
from projects.models import Project
from projects.services.projects import project_create
from tests.e2e.test_labeling import open_document, wait_saved


def test_the_language_select_saves_and_is_kept_on_reload(live_server, page, login, owner, screenshot_dir):
    project = project_create(user=owner, name="news", language="en-us", multilingual=True)
    documents_import(user=owner, project=project, documents=[DocumentData("a.txt", "Guten Tag, Berlin.")])
    login(owner)
    document = open_document(page, live_server, project, "a.txt")
    expect(page.locator("#language")).to_have_value("en-us")  # none stated: the project's

    page.select_option("#language", "de")
    wait_saved(page)
    expect(page.locator("#doc-text")).to_have_attribute("lang", "de")
    document.refresh_from_db()
    assert document.language == "de"
    page.screenshot(path=str(screenshot_dir / "labeling-language.png"))

    page.reload()
    expect(page.locator("#labeler")).to_have_attribute("data-ready", "1")
    expect(page.locator("#language")).to_have_value("de")
    expect(page.locator("#doc-text")).to_have_attribute("lang", "de")

    Project.objects.filter(pk=project.pk).update(multilingual=False)  # changed elsewhere meanwhile
    page.select_option("#language", "fr")
    expect(page.locator("#editor-alerts .toast.error")).to_contain_text("is not multilingual")
    expect(page.locator("#language")).to_have_value("de")
    expect(page.locator("#doc-text")).to_have_attribute("lang", "de")
    document.refresh_from_db()
    assert document.language == "de"
