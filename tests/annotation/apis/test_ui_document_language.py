"""The labeling view's language select: the UI JSON API sets a multilingual project's document language."""

import pytest

from annotation.formats import DocumentData
from annotation.services.imports import documents_import
from projects.models import Role
from projects.services.projects import project_create, project_update
from tests.annotation.apis.test_ui_labels import client_for, member, send, url


@pytest.fixture
def news(owner):
    project = project_create(user=owner, name="news", language="en-us", multilingual=True)
    documents_import(
        user=owner,
        project=project,
        documents=[DocumentData("a.txt", "Bonjour Paris.", language="fr"), DocumentData("b.txt", "Hello.")],
    )
    return project


def test_an_annotator_sets_the_language_and_the_document_says_it(owner, make_user, news):
    document = news.documents.get(location="b.txt")
    client = client_for(member(make_user, owner, news, "ann", Role.ANNOTATOR))
    assert client.get(url(news, document)).json()["language"] == "en-us"  # none stated: the project's
    response = send(client, "patch", url(news, document), {"language": "de"})
    assert response.status_code == 200 and response.json() == {"id": document.pk, "language": "de"}
    assert client.get(url(news, document)).json()["language"] == "de"


def test_an_invalid_language_is_an_azure_error_and_changes_nothing(owner, news):
    document = news.documents.get(location="a.txt")
    response = send(client_for(owner), "patch", url(news, document), {"language": "klingon"})
    assert response.status_code == 400 and response["x-ms-error-code"] == "InvalidArgument"
    error = response.json()["error"]
    assert error["code"] == "InvalidArgument" and error["target"] == "language"
    assert error["message"].startswith("Language 'klingon' is not one the studio offers; choose one of en, en-us")
    document.refresh_from_db()
    assert document.language == "fr"


def test_one_change_a_request_and_viewers_may_not(owner, make_user, news):
    document = news.documents.get(location="a.txt")
    both = send(client_for(owner), "patch", url(news, document), {"language": "de", "dataset": "Train"})
    assert both.status_code == 400 and "Send one change" in both.json()["error"]["message"]
    viewer = client_for(member(make_user, owner, news, "vic", Role.VIEWER))
    refused = send(viewer, "patch", url(news, document), {"language": "de"})
    assert refused.status_code == 403
    assert (
        "does not allow you to assign documents to Train or Test or set their language"
        in refused.json()["error"]["message"]
    )
    document.refresh_from_db()
    assert (document.language, document.dataset) == ("fr", "")


def test_a_project_that_is_not_multilingual_shows_its_language_and_refuses_another(owner):
    project = project_create(user=owner, name="plain", language="en-us")
    documents_import(user=owner, project=project, documents=[DocumentData("a.txt", "Hallo.", language="en-us")])
    project = project_update(project=project, user=owner, language="de")
    document = project.documents.get()
    client = client_for(owner)
    assert client.get(url(project, document)).json()["language"] == "de"  # the project's, whatever was stored
    response = send(client, "patch", url(project, document), {"language": "fr"})
    assert response.status_code == 400 and "is not multilingual" in response.json()["error"]["message"]
    page = client.get(f"/projects/plain/documents/{document.pk}/label/").content.decode()
    assert 'id="language"' not in page and 'lang="de"' in page


def test_the_labeling_page_offers_the_language_select_in_a_multilingual_project(owner, make_user, news):
    document = news.documents.get(location="a.txt")
    page = client_for(owner).get(f"/projects/news/documents/{document.pk}/label/").content.decode()
    assert '<select id="language" name="language">' in page
    assert '<option value="fr" selected>French (fr)</option>' in page and 'lang="fr"' in page
    viewer = client_for(member(make_user, owner, news, "vic", Role.VIEWER))
    page = viewer.get(f"/projects/news/documents/{document.pk}/label/").content.decode()
    assert 'id="language"' not in page and '<span id="doc-language">fr</span>' in page
