"""Small generated loan-agreement projects (Azure project files with inline texts) for modeling tests."""

from __future__ import annotations

import random

from annotation.offsets import OffsetMap

LENDERS = ["Acme Bank", "First Capital Trust", "Northwind Credit", "Contoso Finance", "Fabrikam Lending"]
BORROWERS = ["John Smith", "Ana López", "Wei Zhang", "Fatima Okafor", "Lars Eriksson", "Priya Natarajan"]
AMOUNTS = ["$5,000", "$12,500", "$250,000", "€40,000", "$1,200"]
TEMPLATES = [
    "This loan agreement is made between {lender} and {borrower} for {amount}.",
    "{borrower} agrees to repay {amount} to {lender} 😀 in monthly installments.",
    "{lender} lends {amount} to {borrower}. The borrower shall pay interest.",
    "Agreement: {lender} (the lender) and {borrower} (the borrower). Principal: {amount}.",
]


def loan_document(index: int, rng: random.Random, dataset: str = "") -> dict:
    values = {"lender": rng.choice(LENDERS), "borrower": rng.choice(BORROWERS), "amount": rng.choice(AMOUNTS)}
    template = TEMPLATES[index % len(TEMPLATES)]
    text, spans = "", []
    for part in template.replace("}", "{").split("{"):
        if part in values:
            category = {"lender": "Lender", "borrower": "Borrower", "amount": "Amount"}[part]
            spans.append((len(text), len(text) + len(values[part]), category))
            text += values[part]
        else:
            text += part
    offsets = OffsetMap(text)
    labels = [
        {"category": c, "offset": offsets.to_utf16(s), "length": offsets.to_utf16(e) - offsets.to_utf16(s)}
        for s, e, c in spans
    ]
    doc = {
        "location": f"loan-{index:03d}.txt",
        "language": "en-us",
        "text": text,
        "entities": [{"regionOffset": 0, "regionLength": offsets.utf16_length, "labels": labels}],
    }
    if dataset:
        doc["dataset"] = dataset
    return doc


def loan_project(name: str = "loans", documents: int = 24, test_every: int = 0, seed: int = 7) -> dict:
    """A project file; with `test_every=n`, every n-th document is assigned to Test and the rest to Train."""
    rng = random.Random(seed)
    docs = []
    for i in range(documents):
        dataset = ("Test" if i % test_every == 0 else "Train") if test_every else ""
        docs.append(loan_document(i, rng, dataset))
    return {
        "projectFileVersion": "2022-05-01",
        "stringIndexType": "Utf16CodeUnit",
        "metadata": {
            "projectKind": "CustomEntityRecognition",
            "storageInputContainerName": name,
            "projectName": name,
            "language": "en-us",
            "multilingual": False,
            "description": "",
        },  # fmt: skip
        "assets": {
            "projectKind": "CustomEntityRecognition",
            "entities": [{"category": "Lender"}, {"category": "Borrower"}, {"category": "Amount"}],
            "documents": docs,
        },
    }


def trained_model_files(project, label: str = "m1", *, suffix: str = "a", deployment: str | None = None):
    """A `TrainedModel` row with a folder under MODELS_DIR holding a stand-in `model.pt` (nothing is trained),
    optionally served by `deployment`; for tests of what happens to rows and files, not of predictions."""
    from pathlib import Path

    from django.conf import settings
    from django.utils import timezone

    from modeling.models import Deployment, TrainedModel

    relative = f"{project.pk}/{label}-{suffix}"
    folder = Path(settings.MODELS_DIR) / relative
    folder.mkdir(parents=True, exist_ok=True)
    (folder / "model.pt").write_bytes(b"stand-in")
    model = TrainedModel.objects.create(
        project=project, label=label, model_id=f"{label}-{suffix}-{project.pk}", path=relative,
        training_config_version="2026-11-01-fast", trained_at=timezone.now(),
    )  # fmt: skip
    if deployment:
        Deployment.objects.create(project=project, name=deployment, trained_model=model, deployed_at=timezone.now())
    return model
