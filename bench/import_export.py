"""Times importing and exporting a shared Azure project (wnut17 by default) through the real API.

Prints one JSON line: {"dataset", "documents", "labels", "import_seconds", "export_seconds", "round_trip_exact"}.
"""

import json
import sys
import time

from _django import SHARED, dataset_zip, setup


def main(name: str = "wnut17") -> None:
    setup()
    from django.contrib.auth import get_user_model
    from django.test import Client

    from annotation.models import Document, Label
    from projects.services.api_keys import api_key_create

    # Creating projects is a permission administrators have (issue 16).
    user = get_user_model().objects.create_user("bench", password="bench-password", is_superuser=True)
    headers = {"Ocp-Apim-Subscription-Key": api_key_create(user=user, name="bench")}
    client = Client()
    folder = SHARED / "datasets" / name / "azure"
    archive = dataset_zip(name)
    base = f"/language/authoring/analyze-text/projects/{name}"

    started = time.perf_counter()
    response = client.post(f"{base}/:import?api-version=2023-04-01", {"file": archive}, headers=headers)
    import_seconds = time.perf_counter() - started
    assert response.status_code == 202, response.content[:500]

    started = time.perf_counter()
    job = client.post(f"{base}/:export?api-version=2023-04-01&stringIndexType=Utf16CodeUnit", headers=headers)
    status = client.get(job["Operation-Location"], headers=headers).json()
    exported = client.get(status["resultUrl"], headers=headers).json()
    export_seconds = time.perf_counter() - started

    original = json.loads((folder / "labels.json").read_text())

    def labels(project):
        return {
            d["location"]: (
                d.get("dataset"),
                sorted(tuple(sorted(x.items())) for r in d["entities"] for x in r["labels"]),
            )
            for d in project["assets"]["documents"]
        }

    print(
        json.dumps(
            {
                "dataset": name,
                "documents": Document.objects.count(),
                "labels": Label.objects.count(),
                "import_seconds": round(import_seconds, 3),
                "export_seconds": round(export_seconds, 3),
                "round_trip_exact": labels(original) == labels(exported),
            }
        )
    )


if __name__ == "__main__":
    main(*sys.argv[1:])
