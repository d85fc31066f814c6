"""axe-core finds no serious, critical or landmark violation on the studio's main pages, each with real content:
a project with Train, Test and unassigned documents, labels, a trained model with its evaluation, a deployment."""

from __future__ import annotations

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from annotation.formats import DocumentData
from annotation.services.imports import documents_import
from modeling.models import Deployment
from tests.e2e.axe import blocking_violations, describe
from tests.modeling.test_pages import make_model, make_team


@pytest.fixture
def page(browser):
    """As conftest's page, but the studio's Content-Security-Policy (scripts from 'self' only) would refuse the
    injected axe script: the context bypasses it, which changes nothing axe looks at."""
    context = browser.new_context(viewport={"width": 1400, "height": 900}, bypass_csp=True)
    context.set_default_timeout(10_000)
    yield context.new_page()
    context.close()


@pytest.fixture
def studio(make_user):
    team = make_team(make_user)
    documents_import(
        user=team.owner,
        project=team.project,
        documents=[DocumentData("unassigned-01.txt", "Wei Zhang borrowed $9,000 from Contoso Bank.")],
    )  # an unassigned document: the grey badge
    model = make_model(team.project, "loans-v1")
    Deployment.objects.create(project=team.project, name="production", trained_model=model, deployed_at=timezone.now())
    return team


PAGES = {
    "projects": "/",
    "documents": "/projects/loans/documents/",
    "labeling": None,  # the first document's labeling view
    "distribution": "/projects/loans/distribution/",
    "train": "/projects/loans/train/",
    "model overview": "/projects/loans/models/loans-v1/",
    "deployments": "/projects/loans/deployments/",
}


def test_main_pages_have_no_serious_critical_or_landmark_axe_violations(live_server, page, login, studio):
    login(studio.owner)
    first = studio.project.documents.order_by("location").first()
    failures = {}
    for name, path in PAGES.items():
        page.goto(live_server.url + (path or f"/projects/loans/documents/{first.pk}/label/"))
        if name == "labeling":
            expect(page.locator("#labeler")).to_have_attribute("data-ready", "1")
            expect(page.locator("mark.ent").first).to_be_visible()
        expect(page.locator("main")).to_have_count(1)
        violations = blocking_violations(page)
        if violations:
            failures[name] = describe(violations)
    assert not failures, "\n\n".join(
        f"{name} ({PAGES[name] or 'labeling'}):\n{report}" for name, report in failures.items()
    )
