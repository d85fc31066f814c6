"""Times the agreement report (annotation/agreement.py through `selectors_team.project_agreement`) on a shared
corpus: the corpus's labels are one annotator's, and a second annotator is simulated from them (seeded: 10 % of
the labels dropped, 10 % retyped, 10 % with an edge moved by one character), both as independent labels of every
document. Prints one JSON line: documents, tokens, labels per annotator, span F1, alpha, seconds of the report and
of the agreement page.

Usage: `.venv/bin/python bench/agreement_bench.py [wikigold|wnut17]`.
"""

import argparse
import json
import random
import time

from _django import dataset_zip, setup


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("dataset", nargs="?", default="wikigold", choices=["wikigold", "wnut17"])
    args = parser.parse_args()

    setup()
    from django.contrib.auth import get_user_model
    from django.test import Client

    from annotation import selectors_team
    from annotation.models import Assignment, IndependentLabel, Label
    from projects.models import Membership, Project, Role
    from projects.services.api_keys import api_key_create
    from studio.tokenization import tokenize

    users = get_user_model().objects
    owner = users.create_superuser("bench", password="bench-password")  # may create projects
    headers = {"Ocp-Apim-Subscription-Key": api_key_create(user=owner, name="bench")}
    response = Client().post(
        f"/language/authoring/analyze-text/projects/{args.dataset}/:import?api-version=2023-04-01",
        {"file": dataset_zip(args.dataset)},
        headers=headers,
    )
    assert response.status_code == 202, response.content[:500]
    project = Project.objects.get(name=args.dataset)
    first, second = users.create_user("ann"), users.create_user("bob")
    for user in (first, second):
        Membership.objects.create(project=project, user=user, role=Role.ANNOTATOR)
    documents = list(project.documents.all())
    Assignment.objects.bulk_create(Assignment(document=d, user=u) for d in documents for u in (first, second))
    types = list(project.entity_types.values_list("pk", flat=True))
    rng = random.Random(7)
    rows = []
    for label in Label.objects.filter(document__project=project):
        rows.append(
            IndependentLabel(
                document_id=label.document_id,
                annotator=first,
                entity_type_id=label.entity_type_id,
                start=label.start,
                end=label.end,
            )
        )
        roll = rng.random()
        if roll < 0.1:
            continue
        type_id, end = label.entity_type_id, label.end
        if roll < 0.2:
            type_id = rng.choice([t for t in types if t != type_id] or types)
        elif roll < 0.3 and end - label.start > 1:
            end -= 1
        rows.append(
            IndependentLabel(
                document_id=label.document_id, annotator=second, entity_type_id=type_id, start=label.start, end=end
            )
        )
    IndependentLabel.objects.bulk_create(rows, batch_size=1000)

    started = time.perf_counter()
    agreement, shared = selectors_team.project_agreement(project=project)
    seconds = time.perf_counter() - started
    client = Client()
    client.force_login(owner)
    started = time.perf_counter()
    page = client.get(f"/projects/{project.name}/agreement/")
    page_seconds = time.perf_counter() - started
    assert page.status_code == 200
    print(
        json.dumps(
            {
                "dataset": args.dataset,
                "documents": shared,
                "tokens": sum(len(tokenize(d.text)) for d in documents),
                "labels_first": sum(1 for r in rows if r.annotator_id == first.pk),
                "labels_second": sum(1 for r in rows if r.annotator_id == second.pk),
                "f1": round(agreement.f1, 4),
                "alpha": round(agreement.alpha, 4),
                "per_type_f1": {t.category: round(t.f1, 3) for t in agreement.types if t.f1 is not None},
                "seconds": round(seconds, 3),
                "page_seconds": round(page_seconds, 3),
            }
        )
    )


if __name__ == "__main__":
    main()
