"""Documents pages: filters, pagination, label counts, uploads (all or nothing), bulk actions and exports."""

from __future__ import annotations

import csv
import io
import json
import zipfile

from django.core.files.uploadedfile import SimpleUploadedFile

from annotation.formats import DocumentData
from annotation.models import Document, EntityType, Label
from annotation.services.entity_types import entity_type_create
from annotation.services.imports import documents_import
from annotation.spans import Span
from projects.services.projects import project_create
from tests.annotation.test_pages_permissions import make_team, state
from tests.annotation.test_pages_projects import signed_in
from tests.conftest import small_project

URL = "/projects/loans/documents/"


def add_documents(team, documents: list[DocumentData]) -> None:
    documents_import(user=team.owner, project=team.project, documents=documents)


def listed(response) -> list[str]:
    """Document names in the list, in order."""
    parts = response.content.decode().split('class="doc-name" href="')[1:]
    return [part.split(">", 1)[1].split("</a>")[0] for part in parts]


def upload(client, *files, **data):
    return client.post(f"{URL}upload/", {"files": list(files), "format": "auto", **data})


def text_file(name: str, content: str | bytes) -> SimpleUploadedFile:
    return SimpleUploadedFile(name, content.encode() if isinstance(content, str) else content)


# ---------------------------------------------------------------------------------------------- the list


def test_list_shows_label_counts_per_type_and_dataset(make_user):
    team = make_team(make_user, documents=1)
    entity_type_create(project=team.project, user=team.owner, name="Amount")
    add_documents(
        team,
        [DocumentData("deal.txt", "Bo Li owes $5 and $6.", "", "Train", [Span(0, 5, "Person"), Span(11, 13, "Amount"),
                                                                       Span(18, 20, "Amount")])],
    )  # fmt: skip
    page = signed_in(team.viewer).get(URL).content.decode()
    row = page.split("deal.txt</a>")[1].split("</tr>")[0]
    assert "Person <b>1</b>" in row and "Amount <b>2</b>" in row
    assert '<span class="badge ds-train">Train</span>' in row
    assert "Bo Li owes $5 and $6." in row
    document = Document.objects.get(location="deal.txt")
    assert f'href="/projects/loans/documents/{document.pk}/label/"' in page


def test_filters(make_user):
    team = make_team(make_user, documents=0)
    entity_type_create(project=team.project, user=team.owner, name="Amount")
    add_documents(
        team,
        [
            DocumentData("a.txt", "Ann pays.", dataset="Train", labels=[Span(0, 3, "Person")]),
            DocumentData("b.txt", "Pays $5.", dataset="Test", labels=[Span(5, 7, "Amount")]),
            DocumentData("c.txt", "Nothing to see.", dataset=""),
            DocumentData("d.txt", "Ann again.", dataset=""),
        ],
    )
    client = signed_in(team.viewer)
    amount = EntityType.objects.get(name="Amount")
    cases = {
        "": ["a.txt", "b.txt", "c.txt", "d.txt"],
        "?status=labeled": ["a.txt", "b.txt"],
        "?status=unlabeled": ["c.txt", "d.txt"],
        "?dataset=Train": ["a.txt"],
        "?dataset=Test": ["b.txt"],
        "?dataset=none": ["c.txt", "d.txt"],
        f"?type={amount.pk}": ["b.txt"],
        "?q=ann": ["a.txt", "d.txt"],
        "?q=c.txt": ["c.txt"],
        "?q=ann&status=unlabeled": ["d.txt"],
        "?type=99999&status=bogus": ["a.txt", "b.txt", "c.txt", "d.txt"],  # invalid filters are ignored
    }
    for query, expected in cases.items():
        response = client.get(URL + query)
        assert response.status_code == 200
        assert listed(response) == expected, query
    assert "2 of 4 documents match" in client.get(URL + "?status=labeled").content.decode()
    assert "No documents match these filters" in client.get(URL + "?q=zebra").content.decode()


def test_pagination_is_50_a_page_and_keeps_filters(make_user):
    team = make_team(make_user, documents=0)
    add_documents(team, [DocumentData(f"n{i:03d}.txt", f"Number {i}.") for i in range(120)])
    client = signed_in(team.viewer)
    first = client.get(URL)
    assert len(listed(first)) == 50 and listed(first)[0] == "n000.txt"
    assert "Page 1 of 3" in first.content.decode()
    third = client.get(URL + "?page=3")
    assert listed(third) == [f"n{i:03d}.txt" for i in range(100, 120)]
    filtered = client.get(URL + "?q=Number&status=unlabeled").content.decode()
    assert 'href="?q=Number&amp;status=unlabeled&amp;page=2"' in filtered
    assert listed(client.get(URL + "?page=999")) == listed(third)  # past the end: the last page


def test_empty_project_says_what_to_do(make_user):
    team = make_team(make_user, documents=0)
    assert "Upload .txt files" in signed_in(team.annotator).get(URL).content.decode()
    assert "An owner or annotator uploads documents" in signed_in(team.viewer).get(URL).content.decode()


# ---------------------------------------------------------------------------------------------- uploads


def test_upload_several_txt_files(make_user):
    team = make_team(make_user, documents=0)
    client = signed_in(team.annotator)
    response = upload(client, text_file("one.txt", "First."), text_file("two.txt", "\ufeffZoë 😀."))
    assert response.status_code == 302
    assert dict(Document.objects.values_list("location", "text")) == {"one.txt": "First.", "two.txt": "Zoë 😀."}
    follow = client.get(URL).content.decode()
    landed = "2 unassigned (not used by a manual split)"
    assert f"Uploaded 2 documents (read one.txt as plain text, two.txt as plain text): {landed}." in follow


def test_an_upload_lands_in_the_chosen_dataset_and_says_so(make_user):
    team = make_team(make_user, documents=0)
    client = signed_in(team.annotator)
    page = client.get(f"{URL}upload/").content.decode()
    assert 'name="dataset"' in page and "unassigned documents are left out of it" in page
    assert upload(client, text_file("one.txt", "First."), dataset="Train").status_code == 302
    assert upload(client, text_file("two.txt", "Second."), dataset="Test").status_code == 302
    assert upload(client, text_file("three.txt", "Third."), dataset="keep").status_code == 302
    assert dict(Document.objects.values_list("location", "dataset")) == {
        "one.txt": "Train",
        "two.txt": "Test",
        "three.txt": "",
    }
    follow = client.get(URL).content.decode()
    assert "(read one.txt as plain text): 1 to Train." in follow
    assert "(read two.txt as plain text): 1 to Test." in follow
    assert "(read three.txt as plain text): 1 unassigned (not used by a manual split)." in follow


def test_upload_zip_of_txt_files(make_user):
    team = make_team(make_user, documents=0)
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("texts/a.txt", "Alpha.")
        archive.writestr("b.txt", "Beta.")
        archive.writestr("__MACOSX/._a.txt", "junk")
    assert upload(signed_in(team.owner), text_file("docs.zip", buffer.getvalue())).status_code == 302
    assert sorted(Document.objects.values_list("location", flat=True)) == ["a.txt", "b.txt"]


def test_upload_azure_zip_with_labels_json(make_user):
    team = make_team(make_user, documents=0)
    project = small_project()
    texts = {d["location"]: d.pop("text") for d in project["assets"]["documents"]}
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("labels.json", json.dumps(project))
        for location, text in texts.items():
            archive.writestr(location, text)
    response = upload(signed_in(team.owner), text_file("export.zip", buffer.getvalue()))
    assert response.status_code == 302, response.content.decode()[-3000:]
    doc = Document.objects.get(location="02.txt")
    assert doc.dataset == "Test"
    assert [(doc.text[x.start : x.end], x.entity_type.name) for x in doc.labels.all()] == [
        ("Ana Lopez", "Borrower"),
        ("$20.", "Amount"),
    ]


def test_upload_azure_json_with_inline_texts_adds_its_entity_types_for_owners(make_user):
    team = make_team(make_user, documents=0)
    project = small_project()
    project["assets"]["entities"].append({"category": "Unused"})
    response = upload(signed_in(team.owner), text_file("labels.json", json.dumps(project)))
    assert response.status_code == 302
    assert set(team.project.entity_types.values_list("name", flat=True)) == {"Person", "Borrower", "Amount", "Unused"}
    assert Label.objects.count() == 4


def test_upload_jsonl(make_user):
    team = make_team(make_user, documents=0)
    lines = [
        {"id": "x1", "text": "Ann Lee owes.", "label": [[0, 7, "Person"]], "dataset": "train"},
        {"text": "No id here."},
    ]
    body = "\n".join(json.dumps(line) for line in lines)
    assert upload(signed_in(team.annotator), text_file("batch.jsonl", body)).status_code == 302
    assert dict(Document.objects.values_list("location", "dataset")) == {"x1": "Train", "batch-00002.txt": ""}


def test_upload_conll_and_conll_per_sentence(make_user):
    team = make_team(make_user, documents=0)
    conll = "Ann B-Person\nLee I-Person\nsigned O\n\nBob B-Person\nwaited O\n"
    client = signed_in(team.annotator)
    assert upload(client, text_file("tweets.conll", conll)).status_code == 302
    assert list(Document.objects.values_list("location", "text")) == [
        ("tweets-00001.txt", "Ann Lee signed\nBob waited")
    ]
    Document.objects.all().delete()
    assert upload(client, text_file("tweets.conll", conll), per_sentence="on").status_code == 302
    assert list(Document.objects.values_list("location", "text")) == [
        ("tweets-00001.txt", "Ann Lee signed"),
        ("tweets-00002.txt", "Bob waited"),
    ]
    assert [(x.start, x.end) for x in Label.objects.order_by("document__location")] == [(0, 7), (0, 3)]


def test_conll_named_txt_is_detected(make_user):
    team = make_team(make_user, documents=0)
    conll = "-DOCSTART- -X- -X- O\n\nAnn B-Person\nsigned O\n"
    assert upload(signed_in(team.owner), text_file("wikigold.conll.txt", conll)).status_code == 302
    assert Document.objects.get().text == "Ann signed"


def test_bad_files_list_every_problem_and_save_nothing(make_user):
    team = make_team(make_user, documents=2)
    before = state()
    client = signed_in(team.owner)
    bad_jsonl = '{"text": "ok", "label": [[0, 9, "Person"]]}\nnot json\n{"label": []}\n'
    bad_conll = "Ann B-Person\nLee X-Person\n"
    response = upload(
        client,
        text_file("good.txt", "Fine."),
        text_file("bad.jsonl", bad_jsonl),
        text_file("bad.conll", bad_conll),
        text_file("latin1.txt", "Caf\xe9".encode("latin-1")),
        text_file("empty.txt", ""),
        text_file("doc-000.txt", "Already there."),
    )
    page = response.content.decode()
    assert response.status_code == 400
    assert "Nothing was uploaded" in page
    for target, message in [
        ("bad.jsonl, bad-00001.txt", "outside the document"),
        ("bad.jsonl, line 2", "Malformed JSON"),
        ("bad.jsonl, line 3", "no &#x27;text&#x27; string"),
        ("bad.conll, line 2", "Tag &#x27;X-Person&#x27; is not O or B-"),
        ("latin1.txt", "Not UTF-8 text"),
        ("empty.txt", "is empty"),
    ]:
        assert f'<span class="problem-target">{target}</span>' in page, target
        assert message in page, message
    assert state() == before
    # The files read, then the import refuses what clashes with the project: still nothing saved.
    response = upload(client, text_file("good.txt", "Fine."), text_file("doc-000.txt", "Already there."))
    assert response.status_code == 400
    assert "A document named &#x27;doc-000.txt&#x27; is already in the project." in response.content.decode()
    assert state() == before


def test_wnut_style_conll_without_docstart_suggests_per_sentence(make_user):
    team = make_team(make_user, documents=0)
    conll = "\n\n".join(f"word{i} O\nAnn B-Person" for i in range(15000))
    response = upload(signed_in(team.owner), text_file("wnut.conll", conll))
    page = response.content.decode()
    assert response.status_code == 400
    assert "the limit is 128,000" in page and "tick &#x27;One document per sentence&#x27;" in page
    assert not Document.objects.exists()


def test_unknown_file_type_asks_for_the_format(make_user):
    team = make_team(make_user, documents=0)
    response = upload(signed_in(team.owner), text_file("notes.docx", b"\x00\x01binary"))
    assert response.status_code == 400
    assert "Cannot tell the file&#x27;s format" in response.content.decode()
    response = upload(signed_in(team.owner), text_file("notes.md", "Plain words."), format="text")
    assert response.status_code == 302 and Document.objects.get().location == "notes.md"


def test_new_entity_types_from_an_annotators_upload_are_refused(make_user):
    team = make_team(make_user, documents=0)
    body = json.dumps({"text": "Pays $5.", "label": [[5, 7, "Amount"]]})
    response = upload(signed_in(team.annotator), text_file("new.jsonl", body))
    assert response.status_code == 400
    assert "only an owner can add entity types" in response.content.decode()
    assert not Document.objects.exists()


def test_uploads_that_would_add_a_type_differing_only_in_case_are_refused_naming_both(make_user):
    team = make_team(make_user, documents=0)
    client = signed_in(team.owner)
    jsonl = json.dumps({"text": "Ann signed.", "label": [[0, 3, "person"]]})
    conll = "-DOCSTART- -X- -X- O\n\nAnn B-Person\nmet O\nBo B-PERSON\n"
    azure = small_project()
    azure["assets"]["entities"].append({"category": "PERSON"})  # listed, unused, clashing with the project's
    for file, message in [
        (text_file("a.jsonl", jsonl), "Label category &#x27;person&#x27; differs only in case from the entity type "
         "&#x27;Person&#x27;; entity type names are unique regardless of case."),
        (text_file("b.conll", conll), "Entity type &#x27;PERSON&#x27; differs only in case from the entity type "
         "&#x27;Person&#x27;"),
        (text_file("c.json", json.dumps(azure)), "Entity type &#x27;PERSON&#x27; differs only in case from the "
         "entity type &#x27;Person&#x27;"),
    ]:  # fmt: skip
        response = upload(client, file)
        assert response.status_code in (400, 409), file.name
        assert message in response.content.decode(), file.name
    assert not Document.objects.exists()
    assert list(team.project.entity_types.values_list("name", flat=True)) == ["Person"]


def test_upload_without_a_file(make_user):
    team = make_team(make_user, documents=0)
    response = signed_in(team.owner).post(f"{URL}upload/", {"format": "auto"})
    assert response.status_code == 400 and "This field is required." in response.content.decode()


# ---------------------------------------------------------------------------------------------- bulk actions


def test_bulk_assign_selected(make_user):
    team = make_team(make_user, documents=4)
    ids = list(team.project.documents.order_by("location").values_list("pk", flat=True))
    client = signed_in(team.annotator)
    response = client.post(
        f"{URL}bulk/", {"action": "assign", "to_dataset": "Test", "ids": ids[:2], "q": "Ann", "page": "1"}
    )
    assert response.status_code == 302 and response["Location"] == f"{URL}?q=Ann&page=1"
    assert list(team.project.documents.order_by("location").values_list("dataset", flat=True)) == [
        "Test",
        "Test",
        "",
        "",
    ]
    client.post(f"{URL}bulk/", {"action": "assign", "to_dataset": "none", "ids": ids[:1]})
    assert team.project.documents.get(pk=ids[0]).dataset == ""
    response = client.post(f"{URL}bulk/", {"action": "assign", "to_dataset": "Train"}, follow=True)
    assert "Select at least one document." in response.content.decode()


def test_bulk_assign_all_matching_the_filter(make_user):
    team = make_team(make_user, documents=0)
    add_documents(team, [DocumentData(f"a{i:03d}.txt", "Ann.", labels=[Span(0, 3, "Person")]) for i in range(60)])
    add_documents(team, [DocumentData(f"b{i:03d}.txt", "Nobody.") for i in range(5)])
    response = signed_in(team.annotator).post(
        f"{URL}bulk/", {"action": "assign", "to_dataset": "Train", "scope": "filter", "status": "labeled"}, follow=True
    )
    assert "60 documents assigned to Train." in response.content.decode()
    assert team.project.documents.filter(dataset="Train").count() == 60
    assert team.project.documents.filter(dataset="").count() == 5


def test_bulk_ids_of_another_project_are_ignored(make_user):
    team = make_team(make_user, documents=1)
    other = project_create(user=team.outsider, name="other")
    foreign = Document.objects.create(project=other, location="f.txt", text="x")
    signed_in(team.owner).post(f"{URL}bulk/", {"action": "assign", "to_dataset": "Test", "ids": [foreign.pk]})
    signed_in(team.owner).post(f"{URL}bulk/", {"action": "delete", "ids": [foreign.pk], "confirm": "on"})
    foreign.refresh_from_db()
    assert foreign.dataset == ""


def test_bulk_delete_asks_first_then_deletes(make_user):
    team = make_team(make_user, documents=3)
    ids = list(team.project.documents.order_by("location").values_list("pk", flat=True))
    client = signed_in(team.owner)
    confirm = client.post(f"{URL}bulk/", {"action": "delete", "ids": ids[:2], "status": "labeled"})
    page = confirm.content.decode()
    assert confirm.status_code == 200
    assert "Delete 2 documents?" in page and "<strong>2 labels</strong>" in page and "doc-000.txt" in page
    assert Document.objects.count() == 3
    assert f'name="ids" value="{ids[0]}"' in page and 'name="status" value="labeled"' in page
    response = client.post(f"{URL}bulk/", {"action": "delete", "ids": ids[:2], "confirm": "on"}, follow=True)
    assert "2 documents deleted with their labels." in response.content.decode()
    assert list(Document.objects.values_list("location", flat=True)) == ["doc-002.txt"]
    assert Label.objects.count() == 1


# ---------------------------------------------------------------------------------------------- exports


def test_export_page_and_downloads(make_user):
    team = make_team(make_user, documents=0)
    add_documents(
        team,
        [
            DocumentData("a.txt", "😀 Ann Lee signed.", dataset="Train", labels=[Span(2, 9, "Person")]),
            DocumentData("b.txt", "Annie came.", labels=[Span(0, 3, "Person")]),  # inside a token
        ],
    )
    client = signed_in(team.viewer)
    page = client.get("/projects/loans/export/").content.decode()
    assert "1 label does not fit the tokens" in page
    assert "does not start and end on token boundaries" in page

    azure = client.get("/projects/loans/export/?format=azure&includeText=true")
    assert azure["Content-Disposition"] == 'attachment; filename="loans.json"'
    body = json.loads(azure.content)
    first = body["assets"]["documents"][0]
    assert first["text"] == "😀 Ann Lee signed." and first["entities"][0]["labels"][0]["offset"] == 3  # UTF-16
    assert (
        "text" not in json.loads(client.get("/projects/loans/export/?format=azure").content)["assets"]["documents"][0]
    )

    jsonl = client.get("/projects/loans/export/?format=jsonl").content.decode().splitlines()
    assert json.loads(jsonl[0])["label"] == [[2, 9, "Person"]]

    conll = client.get("/projects/loans/export/?format=conll")
    assert conll["X-Studio-Conll-Misaligned"] == "1"
    assert "Ann B-Person\nLee I-Person\nsigned O\n. O" in conll.content.decode()
    report = list(
        csv.DictReader(io.StringIO(client.get("/projects/loans/export/?format=conll-report").content.decode()))
    )
    assert [(r["location"], r["text"]) for r in report] == [("b.txt", "Ann")]

    assert client.get("/projects/loans/export/?format=xml").status_code == 400


def test_unused_types_of_an_azure_file_are_skipped_for_annotators_and_said_so(make_user):
    team = make_team(make_user, documents=0)
    project = small_project()
    project["assets"]["documents"] = [{"location": "p.txt", "text": "Ann Lee.", "entities": []}]
    project["assets"]["entities"] = [{"category": "Person"}, {"category": "Unused"}]
    client = signed_in(team.annotator)
    assert upload(client, text_file("labels.json", json.dumps(project))).status_code == 302
    assert list(team.project.entity_types.values_list("name", flat=True)) == ["Person"]
    page = client.get(URL).content.decode()
    assert "(Unused); only an owner can add them." in page
