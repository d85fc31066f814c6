"""From the project's documents to the ML core's plain dataclasses, and the split a job trains on."""

from __future__ import annotations

from dataclasses import dataclass

from annotation.formats import DocumentData, ProjectData
from modeling.ml.corpus import LabeledDocument, split_train_test


@dataclass
class Split:
    train: list[DocumentData]
    test: list[DocumentData]
    ignored: list[DocumentData]  # Test-assigned documents left out of a percentage split


def to_labeled(doc: DocumentData) -> LabeledDocument:
    return LabeledDocument(doc_id=doc.location, text=doc.text, spans=[tuple(s) for s in doc.labels])


def split_documents(data: ProjectData, *, kind: str, train_percent: int, seed: int) -> Split:
    """`manual`: the documents' own datasets (unassigned counts as Train, as in Azure).
    `percentage`: Train and unassigned documents split at random with `seed`; Test documents are left out."""
    if kind == "manual":
        train = [d for d in data.documents if d.dataset != "Test"]
        test = [d for d in data.documents if d.dataset == "Test"]
        return Split(train=train, test=test, ignored=[])
    pool = [d for d in data.documents if d.dataset != "Test"]
    by_id = {d.location: d for d in pool}
    train_ids, test_ids = split_train_test([to_labeled(d) for d in pool], train_percent, seed)
    return Split(
        train=[by_id[d.doc_id] for d in train_ids],
        test=[by_id[d.doc_id] for d in test_ids],
        ignored=[d for d in data.documents if d.dataset == "Test"],
    )
