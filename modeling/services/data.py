"""From the project's documents to the ML core's plain dataclasses."""

from __future__ import annotations

from annotation.formats import DocumentData
from modeling.ml.corpus import LabeledDocument


def to_labeled(doc: DocumentData) -> LabeledDocument:
    return LabeledDocument(doc_id=doc.location, text=doc.text, spans=[tuple(s) for s in doc.labels])
