"""Word snapping in the real page, with the cases the Python side is tested with (tests/annotation/snap_cases.json):
each selection is made with the mouse, labeled with a type's key, and the saved label is checked."""

from __future__ import annotations

import json
from pathlib import Path

from playwright.sync_api import expect

from annotation.formats import DocumentData
from annotation.models import Label
from annotation.services.entity_types import entity_type_create
from annotation.services.imports import documents_import
from projects.services.projects import project_create
from tests.e2e.test_labeling import drag, open_document, wait_saved

CASES = json.loads((Path(__file__).parent.parent / "annotation" / "snap_cases.json").read_text("utf-8"))["cases"]


def units16(text: str, codepoint: int) -> int:
    return len(text[:codepoint].encode("utf-16-le")) // 2


def test_selections_snap_to_the_models_tokens(live_server, page, login, make_user):
    owner = make_user("olivia")
    project = project_create(user=owner, name="snaps")
    entity_type_create(project=project, user=owner, name="Organization", shortcut="o")
    text = "\n".join(case["text"] for case in CASES)
    documents_import(user=owner, project=project, documents=[DocumentData("cases.txt", text)])
    login(owner)
    document = open_document(page, live_server, project, "cases.txt")

    line = 0
    results = []
    for case in CASES:
        start = line + case["text"].index(case["select"])
        end = start + len(case["select"])
        before = Label.objects.count()
        drag(page, units16(text, start), units16(text, end))
        page.keyboard.press("o")
        if case["expected"] is None:
            # Nothing to label: the key picks the brush instead, and Esc puts it down.
            expect(page.locator("#brush-status")).to_contain_text("Organization")
            page.keyboard.press("Escape")
            expect(page.locator("#brush-status")).to_have_text("")
            assert Label.objects.count() == before
            results.append(None)
        else:
            wait_saved(page)
            label = document.labels.order_by("-pk").first()
            assert Label.objects.count() == before + 1
            results.append(text[label.start : label.end])
            expected_start = line + case["text"].index(case["expected"])
            assert (label.start, label.end) == (expected_start, expected_start + len(case["expected"]))
        line += len(case["text"]) + 1
    assert results == [case["expected"] for case in CASES]
    expect(page.locator("mark.ent")).to_have_text([c["expected"] for c in CASES if c["expected"] is not None])
