"""The sample project: short loan agreements, labeled, split into Train and Test, for a first run.

The documents live in `annotation/sample/loan_agreements.txt` with inline markup (`[[John Smith|BorrowerName]]`),
read by `annotation.formats.marked`, so every label covers exactly the text it was written around.
"""

from __future__ import annotations

from django.db import transaction

from annotation.formats.marked import sample_documents
from annotation.services.entity_types import entity_type_create
from annotation.services.imports import documents_import
from projects.models import Project
from projects.services.activity import activity_record
from projects.services.projects import project_create

DEFAULT_NAME = "loan-agreements"
DESCRIPTION = (
    "Sample project: short loan agreements labeled with borrower, lender, amount, date and address, split into "
    "Train and Test. The practice-* documents are unlabeled: try labeling them."
)
# (name, colour, shortcut): shortcuts are digits, which the labeling view leaves free.
SCHEMA = [
    ("BorrowerName", "#4e79a7", "1"),
    ("LenderName", "#f28e2b", "2"),
    ("LoanAmount", "#59a14f", "3"),
    ("Date", "#b07aa1", "4"),
    ("Address", "#e15759", "5"),
]


def sample_free_name(base: str = DEFAULT_NAME) -> str:
    """`base`, or `base-2`, `base-3`, ... : the first name no project has."""
    taken = set(Project.objects.filter(name__startswith=base).values_list("name", flat=True))
    if base not in taken:
        return base
    number = 2
    while f"{base}-{number}" in taken:
        number += 1
    return f"{base}-{number}"


@transaction.atomic
def sample_project_create(*, user, name: str | None = None) -> Project:
    """Creates the sample project (the user becomes its owner); a free name is chosen when none is given."""
    project = project_create(user=user, name=name or sample_free_name(), language="en-us", description=DESCRIPTION)
    for type_name, color, shortcut in SCHEMA:
        entity_type_create(project=project, user=user, name=type_name, color=color, shortcut=shortcut)
    documents = sample_documents()
    documents_import(user=user, project=project, documents=documents, create_types=False)
    activity_record(
        project=project, user=user, verb="sample", summary=f"loaded the sample project ({len(documents)} documents)"
    )
    return project
