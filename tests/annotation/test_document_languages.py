"""Per-document language: set in the labeling view (service), chosen at upload (form, service, page), kept by
the Azure and JSONL round trips, and, in a project that is not multilingual, always the project's."""

import json

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from annotation.formats import DocumentData, FormatProblems
from annotation.formats.azure import write_project
from annotation.forms import UploadForm
from annotation.models import Document
from annotation.services.documents import document_set_language
from annotation.services.imports import documents_import, project_data
from annotation.services.uploads import UploadedFile, documents_upload
from projects.services.projects import project_create, project_update
from studio.exceptions import InvalidInput
from tests.annotation.test_pages_projects import signed_in
from tests.conftest import small_project


@pytest.fixture
def news(owner):
    project = project_create(user=owner, name="news", language="en-us", multilingual=True)
    documents_import(
        user=owner,
        project=project,
        documents=[DocumentData("a.txt", "Bonjour Paris.", language="fr"), DocumentData("b.txt", "Hello.")],
    )
    return project


def languages(project) -> dict[str, str]:
    return dict(project.documents.values_list("location", "language"))


# ------------------------------------------------------------------------------------------ the service


def test_a_documents_language_is_set_to_one_the_studio_offers(owner, news):
    document = news.documents.get(location="b.txt")
    document_set_language(document=document, user=owner, language="DE")  # codes compare regardless of case
    assert languages(news) == {"a.txt": "fr", "b.txt": "de"}


@pytest.mark.parametrize("code", ["klingon", "xx", "", None, 3])
def test_a_language_the_studio_does_not_offer_is_refused_and_changes_nothing(owner, news, code):
    document = news.documents.get(location="a.txt")
    with pytest.raises(InvalidInput, match=r"is not one the studio offers; choose one of en, en-us, de, fr") as e:
        document_set_language(document=document, user=owner, language=code)
    assert e.value.target == "language"
    assert languages(news) == {"a.txt": "fr", "b.txt": ""}


def test_a_code_an_import_brought_stays_choosable(owner):
    project = project_create(user=owner, name="nordic", language="sv", multilingual=True)
    documents_import(user=owner, project=project, documents=[DocumentData("a.txt", "Hej.", language="nb")])
    document = project.documents.get()
    document_set_language(document=document, user=owner, language="sv")  # the project's own code
    document_set_language(document=document, user=owner, language="fr")
    with pytest.raises(InvalidInput, match="'nb' is not one the studio offers"):  # no longer the document's
        document_set_language(document=document, user=owner, language="nb")


def test_a_project_that_is_not_multilingual_sets_no_document_language(owner):
    project = project_create(user=owner, name="plain", language="en-us")
    documents_import(user=owner, project=project, documents=[DocumentData("a.txt", "Hello.")])
    with pytest.raises(InvalidInput, match="Project 'plain' is not multilingual, so every document is in its"):
        document_set_language(document=project.documents.get(), user=owner, language="fr")
    assert languages(project) == {"a.txt": ""}


# ------------------------------------------------------------------------------------- imports, exports


def test_adding_documents_in_another_language_to_a_project_that_is_not_multilingual_is_refused(owner):
    project = project_create(user=owner, name="plain", language="en-us")
    documents = [DocumentData("a.txt", "Hello.", language="en-US"), DocumentData("b.txt", "Hallo.", language="de")]
    with pytest.raises(FormatProblems) as raised:
        documents_import(user=owner, project=project, documents=documents)
    assert [(p["target"], p["message"]) for p in raised.value.problems] == [
        (
            "b.txt",
            "The document is in 'de', but the project is not multilingual, so every document is in its language, "
            "'en-us'. Make the project multilingual (its settings) to keep documents in several languages.",
        )
    ]
    assert not project.documents.exists()


def test_a_project_that_is_no_longer_multilingual_exports_its_own_language_for_every_document(owner, news):
    assert [d.language for d in project_data(project=news).documents] == ["fr", ""]
    project_update(project=news, user=owner, multilingual=False)
    news.refresh_from_db()
    assert [d.language for d in project_data(project=news).documents] == ["", ""]
    exported = write_project(project_data(project=news))
    assert [d["language"] for d in exported["assets"]["documents"]] == ["en-us", "en-us"]
    assert languages(news)["a.txt"] == "fr"  # kept, should the project be made multilingual again


def test_the_authoring_api_round_trips_each_documents_language(api):
    body = small_project(name="news")
    body["metadata"]["multilingual"] = True
    body["assets"]["documents"][0]["language"] = "fr"
    body["assets"]["documents"][1]["language"] = "de"
    assert api.follow(api.post("/projects/news/:import", body)).json()["status"] == "succeeded"
    assert languages(Document.objects.first().project) == {"01.txt": "fr", "02.txt": "de", "03.txt": "en-us"}
    job = api.follow(api.post("/projects/news/:export", stringIndexType="Utf16CodeUnit")).json()
    exported = api.get_absolute(job["resultUrl"]).json()
    assert [d["language"] for d in exported["assets"]["documents"]] == ["fr", "de", "en-us"]
    assert exported["metadata"]["multilingual"] is True


def test_the_authoring_api_refuses_other_languages_in_a_project_that_is_not_multilingual(api):
    body = small_project(name="plain")
    body["assets"]["documents"][2]["language"] = "fr"
    response = api.post("/projects/plain/:import", body)
    assert response.status_code == 400
    error = response.json()["error"]
    assert error["details"] == [
        {
            "code": "InvalidArgument",
            "message": "The document is in 'fr', but the project is not multilingual, so every document is in its "
            "language, 'en-us'. Set 'metadata.multilingual' to true for documents in several languages.",
            "target": "03.txt",
        }
    ]
    assert not Document.objects.exists()


# -------------------------------------------------------------------------------------------- uploads


def jsonl(*records: dict) -> bytes:
    return "".join(json.dumps(r) + "\n" for r in records).encode()


def test_the_upload_form_asks_for_a_language_only_in_a_multilingual_project(owner, news):
    plain = project_create(user=owner, name="plain")
    assert "language" not in UploadForm(project=plain).fields
    field = UploadForm(project=news).fields["language"]
    assert field.choices[0] == ("keep", "As the file says (the project's language, en-us, if it says nothing)")
    assert ("fr", "French") in field.choices
    files = {"files": [SimpleUploadedFile("a.txt", b"Hola.")]}
    form = UploadForm({"format": "auto", "language": "es"}, files, project=news)
    assert form.is_valid() and form.language_value() == "es"
    form = UploadForm({"format": "auto", "language": "keep"}, files, project=news)
    assert form.is_valid() and form.language_value() is None
    form = UploadForm({"format": "auto", "language": "klingon"}, files, project=news)
    assert not form.is_valid() and "Select a valid choice" in form.errors["language"][0]


def test_an_upload_gives_every_document_the_chosen_language_or_keeps_the_files(owner, news):
    body = jsonl({"id": "c.txt", "text": "Hallo.", "language": "de"}, {"id": "d.txt", "text": "Hi."})
    documents_upload(user=owner, project=news, files=[UploadedFile("x.jsonl", body)])
    documents_upload(user=owner, project=news, files=[UploadedFile("e.txt", b"Hola.")], language="es")
    assert languages(news) == {"a.txt": "fr", "b.txt": "", "c.txt": "de", "d.txt": "", "e.txt": "es"}
    with pytest.raises(InvalidInput, match="Language 'spanish' is not a language code"):
        documents_upload(user=owner, project=news, files=[UploadedFile("f.txt", b"Hola.")], language="spanish")
    assert news.documents.count() == 5


def test_the_upload_page_sets_the_language_and_a_jsonl_export_round_trips_it(owner, news):
    client = signed_in(owner)
    page = client.get("/projects/news/documents/upload/").content.decode()
    assert 'name="language"' in page and "As the file says" in page
    file = SimpleUploadedFile("c.txt", b"Guten Tag.")
    response = client.post("/projects/news/documents/upload/", {"files": [file], "format": "auto", "language": "de"})
    assert response.status_code == 302
    assert languages(news)["c.txt"] == "de"

    exported = client.get("/projects/news/export/?format=jsonl").content
    copy = project_create(user=owner, name="copy", multilingual=True)
    documents_upload(user=owner, project=copy, files=[UploadedFile("news.jsonl", exported)])
    assert languages(copy) == languages(news) == {"a.txt": "fr", "b.txt": "", "c.txt": "de"}


def test_the_upload_page_of_a_project_that_is_not_multilingual_refuses_other_languages(owner):
    project_create(user=owner, name="plain")
    client = signed_in(owner)
    assert 'name="language"' not in client.get("/projects/plain/documents/upload/").content.decode()
    file = SimpleUploadedFile("x.jsonl", jsonl({"id": "a.txt", "text": "Hallo.", "language": "de"}))
    response = client.post("/projects/plain/documents/upload/", {"files": [file], "format": "auto"})
    assert response.status_code == 400
    assert "The document is in &#x27;de&#x27;, but the project is not multilingual" in response.content.decode()
    assert not Document.objects.exists()
