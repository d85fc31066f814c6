"""The shared corpora survive :import then :export exactly (datasets, offsets, lengths, categories)."""

import io
import json
import zipfile

import pytest

from annotation.models import Document, Label
from tests.conftest import DATASETS


def dataset_zip(name: str) -> io.BytesIO:
    folder = DATASETS / name / "azure"
    archive = io.BytesIO()
    with zipfile.ZipFile(archive, "w", zipfile.ZIP_STORED) as z:
        z.write(folder / "labels.json", "labels.json")
        for path in sorted((folder / "docs").iterdir()):
            z.write(path, f"docs/{path.name}")
    archive.seek(0)
    archive.name = f"{name}.zip"
    return archive


def signature(project_file: dict) -> dict:
    return {
        doc["location"]: (
            doc.get("dataset"),
            sorted(
                (label["offset"], label["length"], label["category"])
                for region in doc["entities"]
                for label in region["labels"]
            ),
        )
        for doc in project_file["assets"]["documents"]
    }


@pytest.mark.slow
@pytest.mark.parametrize("name,documents,labels,emoji_docs", [("wikigold", 145, 3558, 0), ("wnut17", 4681, 3054, 33)])
def test_shared_dataset_round_trip(api, name, documents, labels, emoji_docs):
    original = json.loads((DATASETS / name / "azure" / "labels.json").read_text())
    response = api.post_files(f"/projects/{name}/:import", {"file": dataset_zip(name)})
    assert response.status_code == 202, response.content[:2000]
    assert Document.objects.count() == documents
    assert Label.objects.count() == labels
    assert sum(any(ord(c) > 0xFFFF for c in t) for t in Document.objects.values_list("text", flat=True)) == emoji_docs

    started = api.post(f"/projects/{name}/:export", stringIndexType="Utf16CodeUnit")
    exported = api.get_absolute(api.follow(started).json()["resultUrl"]).json()
    assert signature(exported) == signature(original)
    assert exported["assets"]["entities"] == original["assets"]["entities"]
