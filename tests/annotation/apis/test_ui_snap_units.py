"""The document JSON carries word snapping's units, compactly, in code points."""

from django.test import Client

from annotation.apis.ui import snap_units_json
from annotation.formats import DocumentData
from annotation.services.imports import documents_import
from annotation.snapping import SnapUnit, snap_units
from projects.services.projects import project_create


def test_encoding_is_gaps_and_lengths_with_punctuation_negative():
    units = [SnapUnit(2, 5, True), SnapUnit(5, 6, False), SnapUnit(7, 9, True)]
    assert snap_units_json(units) == [2, 3, 0, -1, 1, 2]
    assert snap_units_json([]) == []


def test_the_document_json_and_the_labeling_page_carry_the_units(owner):
    text = "😀 Paid to Hooli Inc.."
    project = project_create(user=owner, name="loans")
    documents_import(user=owner, project=project, documents=[DocumentData("01.txt", text)])
    document = project.documents.get()
    client = Client()
    client.force_login(owner)
    body = client.get(f"/api/projects/loans/documents/{document.pk}").json()
    assert body["snapUnits"] == [0, 1, 1, 4, 1, 2, 1, 5, 1, 4, 0, -1]  # 😀 Paid to Hooli Inc. .
    assert body["snapUnits"] == snap_units_json(snap_units(text))
    page = client.get(f"/projects/loans/documents/{document.pk}/label/").content.decode()
    assert '"snapUnits": [0, 1, 1, 4' in page
