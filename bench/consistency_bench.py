"""Times the consistency check (annotation/consistency.py) on a shared corpus imported through the real API.

The corpus is read from /work/shared/datasets/<name>/azure at bench time (never copied into the project);
`--scale N` repeats its documents N times in the one project, to show time growing with the text and memory
staying bounded. Prints one JSON line: documents, labels, characters, distinct labeled strings, `seconds` and
`findings` (case-sensitive), the same ignoring case, the label-all preview of the top finding, and the peak
Python memory of one check (tracemalloc, measured in a separate run so it does not slow the timed ones).

Usage: `.venv/bin/python bench/consistency_bench.py [wikigold|wnut17] [--scale N]`.
"""

import argparse
import json
import time
import tracemalloc

from _django import dataset_zip, setup


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("dataset", nargs="?", default="wikigold", choices=["wikigold", "wnut17"])
    parser.add_argument("--scale", type=int, default=1, metavar="N", help="copies of the corpus in the project")
    args = parser.parse_args()

    setup()
    from django.contrib.auth import get_user_model
    from django.db.models import Sum
    from django.db.models.functions import Length
    from django.test import Client

    from annotation import selectors
    from annotation.models import Document, Label
    from projects.models import Project
    from projects.services.api_keys import api_key_create

    # Creating projects is a permission administrators have (issue 16).
    user = get_user_model().objects.create_user("bench", password="bench-password", is_superuser=True)
    headers = {"Ocp-Apim-Subscription-Key": api_key_create(user=user, name="bench")}
    response = Client().post(
        f"/language/authoring/analyze-text/projects/{args.dataset}/:import?api-version=2023-04-01",
        {"file": dataset_zip(args.dataset)},
        headers=headers,
    )
    assert response.status_code == 202, response.content[:500]
    project = Project.objects.get(name=args.dataset)
    originals = list(project.documents.prefetch_related("labels"))
    for copy in range(2, args.scale + 1):
        copies = Document.objects.bulk_create(
            Document(project=project, location=f"{copy}/{d.location}", text=d.text, dataset=d.dataset)
            for d in originals
        )
        Label.objects.bulk_create(
            Label(document=c, entity_type_id=label.entity_type_id, start=label.start, end=label.end)
            for c, d in zip(copies, originals, strict=True)
            for label in d.labels.all()
        )

    def timed(**kwargs):
        started = time.perf_counter()
        findings = selectors.consistency_findings(project=project, **kwargs)
        return findings, time.perf_counter() - started

    findings, seconds = timed()
    folded, folded_seconds = timed(case_sensitive=False)
    top = findings[0]
    started = time.perf_counter()
    plan = selectors.label_all_preview(
        project=project, surface=top.surface, entity_type=project.entity_types.get(name=top.type)
    )
    preview_seconds = time.perf_counter() - started
    tracemalloc.start()
    selectors.consistency_findings(project=project)
    peak = tracemalloc.get_traced_memory()[1]
    tracemalloc.stop()
    print(
        json.dumps(
            {
                "dataset": args.dataset,
                "scale": args.scale,
                "documents": project.documents.count(),
                "labels": Label.objects.filter(document__project=project).count(),
                "characters": project.documents.aggregate(n=Sum(Length("text")))["n"],
                "labeled_strings": len(selectors.labeled_surfaces(project=project)),
                "seconds": round(seconds, 3),
                "findings": len(findings),
                "unlabeled_occurrences": sum(f.unlabeled for f in findings),
                "other_type_labels": sum(f.other_type for f in findings),
                "seconds_ignore_case": round(folded_seconds, 3),
                "findings_ignore_case": len(folded),
                "top_finding": {"surface": top.surface, "type": top.type, "unlabeled": top.unlabeled},
                "preview_seconds": round(preview_seconds, 3),
                "preview_create": len(plan.create),
                "preview_skipped": len(plan.skipped),
                "peak_python_mib": round(peak / 2**20, 1),
            },
            ensure_ascii=False,
        )
    )


if __name__ == "__main__":
    main()
