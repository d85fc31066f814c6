"""Issue 15's walk, in real Chromium: what the pages say about unassigned documents is what training does, entity
type names are unique regardless of case, and the CoNLL export fits the sample's labels."""

from __future__ import annotations

from pathlib import Path

from playwright.sync_api import expect

from annotation.models import Document, EntityType
from annotation.services.imports import project_data
from annotation.services.sample import sample_project_create
from modeling.services.training.options import MANUAL, EvaluationOptions
from modeling.services.training.split import training_split
from projects.models import Project


def test_unassigned_documents_are_left_out_of_a_manual_split_and_every_page_says_so(
    live_server, page, login, make_user
):
    owner = make_user("newcomer")
    sample_project_create(user=owner)
    project = Project.objects.get(name="loan-agreements")
    unassigned = project.documents.filter(dataset="").count()
    assert unassigned == 4  # the sample's unlabeled practice documents
    login(owner)

    page.goto(f"{live_server.url}/projects/loan-agreements/distribution/")
    expect(page.locator(".stat", has_text="Unassigned")).to_contain_text(
        "a manual split leaves them out; an automatic split divides them"
    )
    page.goto(f"{live_server.url}/projects/loan-agreements/train/")
    manual = page.locator("label.m-option", has_text="Use a manual split")
    expect(manual).to_contain_text("Train on the 32 Train documents, test on the 8 Test documents.")
    expect(manual).to_contain_text("The 4 unassigned documents are not used.")
    page.goto(f"{live_server.url}/projects/loan-agreements/documents/?dataset=none")
    badge = page.locator("td .badge.ds-none").first
    expect(badge).to_have_attribute(
        "title", "Left out of a manual split; an automatic split divides unassigned documents between Train and Test"
    )

    # What the pages say is what a manual-split job trains on.
    split = training_split(
        project=project, data=project_data(project=project), evaluation=EvaluationOptions(kind=MANUAL), seed=42
    )
    assert (len(split.train), len(split.test), len(split.ignored)) == (32, 8, 4)

    # An upload chooses its dataset and says where its documents landed.
    page.goto(f"{live_server.url}/projects/loan-agreements/documents/upload/")
    page.set_input_files(
        "input[name=files]", files=[{"name": "extra.txt", "mimeType": "text/plain", "buffer": b"Loan from Acme Bank."}]
    )
    page.get_by_label("Add to dataset").select_option("Train")
    page.get_by_role("button", name="Upload", exact=True).click()
    page.wait_for_url("**/projects/loan-agreements/documents/")
    expect(page.get_by_role("status").first).to_contain_text(
        "Uploaded 1 document (read extra.txt as plain text): 1 to Train."
    )
    assert Document.objects.get(location="extra.txt").dataset == "Train"


def test_an_entity_type_name_differing_only_in_case_is_refused_on_the_schema_page(live_server, page, login, make_user):
    owner = make_user("newcomer")
    sample_project_create(user=owner)
    login(owner)
    page.goto(f"{live_server.url}/projects/loan-agreements/schema/")
    form = page.locator("section[aria-labelledby=add-type]")
    form.get_by_label("Name").fill("borrowername")
    form.get_by_role("button", name="Add entity type").click()
    expect(page.locator("section[aria-labelledby=add-type]")).to_contain_text(
        "differs only in case from the entity type 'BorrowerName'"
    )
    assert not EntityType.objects.filter(name="borrowername").exists()


def test_the_conll_export_of_the_sample_fits_every_label(live_server, page, login, make_user):
    owner = make_user("newcomer")
    sample_project_create(user=owner)
    login(owner)
    page.goto(f"{live_server.url}/projects/loan-agreements/export/")
    conll = page.locator("section[aria-labelledby=conll-title]")
    expect(conll).to_contain_text("Every label fits the tokens exactly.")
    with page.expect_download() as download:
        conll.get_by_role("link", name="Download .conll").click()
    lines = Path(download.value.path()).read_text(encoding="utf-8").splitlines()
    tokens = [line.split()[0] for line in lines if line.strip() and not line.startswith("-DOCSTART-")]
    # Punctuation is its own token: no token carries a trailing comma into a label.
    assert "," in tokens and not [t for t in tokens if len(t) > 1 and t.endswith(",")]
