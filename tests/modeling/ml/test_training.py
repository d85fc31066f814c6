"""A real (tiny) training run: train, save, reload, predict exact offsets; and cancellation."""

from __future__ import annotations

import dataclasses
import os
import random

import pytest

from modeling.config import CONFIGS, resolve
from modeling.ml.corpus import LabeledDocument
from modeling.ml.evaluation import evaluate
from modeling.ml.inference import load_tagger, predict_spans
from modeling.ml.training import TrainingCancelled, TrainingTimedOut, train

pytestmark = pytest.mark.slow

LENDERS = ["Acme Bank", "First Capital Trust", "Northwind Credit", "Contoso Finance Ltd.", "Fabrikam Lending"]
BORROWERS = ["John Smith", "Ana Lopez", "Wei Zhang", "Fatima Okafor", "Lars Eriksson", "Priya Natarajan"]
MONTHS = ["January", "March", "June", "September", "November"]

TINY = dataclasses.replace(CONFIGS["2026-11-01-fast"], max_epochs=25, mini_batch_size=4, patience=2)


def loan_document(index: int, rng: random.Random) -> LabeledDocument:
    """A loan agreement with Date, Lender, Borrower and Amount labels (one emoji, one glued amount)."""
    parts: list[tuple[str, str | None]] = [
        ("This Loan Agreement is made on ", None),
        (f"{rng.choice(MONTHS)} {rng.randint(1, 28)}, {rng.randint(2019, 2026)}", "Date"),
        (" between ", None),
        (rng.choice(LENDERS), "Lender"),
        (' (the "Lender") and ', None),
        (rng.choice(BORROWERS), "Borrower"),
        (' (the "Borrower") 🤝.\nThe Lender agrees to lend the principal sum of ', None),
        (f"${rng.randint(1, 90)},{rng.randint(100, 999)}.00", "Amount"),
        ("USD" if index % 5 == 0 else "", None),  # glued currency: the label cuts through a token
        (" to the Borrower, repayable in monthly instalments.", None),
    ]
    text, spans = "", []
    for fragment, category in parts:
        if category:
            spans.append((len(text), len(text) + len(fragment), category))
        text += fragment
    return LabeledDocument(f"loan-{index:02d}", text, spans)


@pytest.fixture(scope="module")
def documents() -> list[LabeledDocument]:
    rng = random.Random(3)
    return [loan_document(i, rng) for i in range(26)]


def test_train_save_reload_and_predict_exact_offsets(documents, tmp_path):
    train_docs, test_docs = documents[:20], documents[20:]
    progress: list[dict] = []
    result = train(TINY, train_docs, None, tmp_path / "run", on_progress=progress.append)

    assert sorted(p.name for p in (tmp_path / "run").iterdir()) == ["model.pt"]
    assert result.model_path == tmp_path / "run" / "model.pt"
    assert result.categories == ["Amount", "Borrower", "Date", "Lender"]
    assert [w.code for w in result.warnings] == ["LabelSplitsToken"] * 4  # documents 0, 5, 10, 15
    assert result.epochs_run >= 1 and result.config == TINY.as_dict()
    assert progress[-1]["percent"] == 100.0
    assert {"epoch", "total_epochs", "loss", "dev_score", "percent"} <= set(progress[0])

    tagger = load_tagger(result.model_path)
    predicted = predict_spans(tagger, [d.text for d in test_docs], TINY)
    for doc, spans in zip(test_docs, predicted, strict=True):
        for start, end, _category, confidence in spans:
            assert 0 <= start < end <= len(doc.text) and 0.0 <= confidence <= 1.0
            assert doc.text[start:end] == doc.text[start:end].strip()
    scores = evaluate([d.spans for d in test_docs], predicted, result.categories)
    assert scores["microF1"] >= 0.8, scores["entities"]


def test_cancel_stops_within_a_mini_batch_and_leaves_no_model(documents, tmp_path):
    calls = 0

    def should_cancel() -> bool:
        nonlocal calls
        calls += 1
        return calls > 3

    with pytest.raises(TrainingCancelled):
        train(TINY, documents[:20], None, tmp_path / "run", should_cancel=should_cancel)
    assert calls == 4
    assert not list((tmp_path / "run").glob("*.pt"))


def test_a_dev_set_selects_the_best_epoch(documents, tmp_path):
    config = dataclasses.replace(TINY, max_epochs=3)
    result = train(config, documents[:16], documents[16:20], tmp_path / "run")
    assert sorted(p.name for p in (tmp_path / "run").iterdir()) == ["model.pt"]
    assert result.dev_sentences > 0 and result.epochs_run == 3 and result.stop_reason == "max_epochs"


def test_documents_without_labels_cannot_train(tmp_path):
    with pytest.raises(ValueError, match="hold no labels"):
        train(TINY, [LabeledDocument("a", "no labels here")], None, tmp_path)


def test_the_safety_limit_fails_the_run_and_keeps_no_model(documents, tmp_path):
    with pytest.raises(TrainingTimedOut, match=r"safety limit of 0 minutes after 0 of 25 epochs") as raised:
        train(TINY, documents[:20], None, tmp_path / "run", time_limit_seconds=0)
    assert raised.value.epochs_run == 0 and raised.value.max_epochs == 25
    assert not list((tmp_path / "run").glob("*.pt"))


def _hog(stop) -> None:
    while not stop.is_set():
        sum(i * i for i in range(10_000))


def test_a_busy_machine_trains_the_same_model_as_an_idle_one(documents, tmp_path):
    """Length is the config's epochs: with both cores busy beside it, training is slower, never different."""
    import multiprocessing

    import torch

    config = dataclasses.replace(TINY, max_epochs=6, average_weights_from=0.5)
    idle = train(config, documents[:20], None, tmp_path / "idle")
    stop = multiprocessing.Event()
    hogs = [multiprocessing.Process(target=_hog, args=(stop,), daemon=True) for _ in range(2)]
    for hog in hogs:
        hog.start()
    try:
        busy = train(config, documents[:20], None, tmp_path / "busy")
    finally:
        stop.set()
        for hog in hogs:
            hog.join(timeout=10)
    assert (idle.epochs_run, idle.averaged_epochs) == (busy.epochs_run, busy.averaged_epochs) == (6, 3)
    texts = [doc.text for doc in documents[20:]]
    assert predict_spans(load_tagger(idle.model_path), texts, config) == predict_spans(
        load_tagger(busy.model_path), texts, config
    )
    idle_weights = torch.load(idle.model_path, map_location="cpu", weights_only=False)["state_dict"]
    busy_weights = torch.load(busy.model_path, map_location="cpu", weights_only=False)["state_dict"]
    assert idle_weights.keys() == busy_weights.keys()
    assert all(torch.equal(idle_weights[k], busy_weights[k]) for k in idle_weights)


def test_the_default_config_trains_offline_from_the_packaged_transformer(documents, tmp_path, monkeypatch):
    monkeypatch.delenv("HF_HUB_OFFLINE", raising=False)
    config = dataclasses.replace(resolve(None), max_epochs=3, min_steps=0)
    assert config.transformer is not None and config.shapes is not None
    result = train(config, documents[:12], None, tmp_path / "run")
    assert os.environ["HF_HUB_OFFLINE"] == "1" and os.environ["TRANSFORMERS_OFFLINE"] == "1"
    # Twelve short documents are a small project: the run trained, and stored, the small-project head.
    assert (result.config["hidden_size"], result.config["mini_batch_size"]) == (256, 4)
    tagger = load_tagger(result.model_path)
    assert tagger.rnn.hidden_size == 256
    # The reloaded model (checked inside train) predicts with exact offsets into emoji text.
    predicted = predict_spans(tagger, [documents[20].text], config)
    text = documents[20].text
    assert all(text[start:end].strip() == text[start:end] for start, end, _, _ in predicted[0])


def test_weight_averaging_keeps_the_mean_of_the_later_epochs(documents, tmp_path):
    config = dataclasses.replace(TINY, max_epochs=12, average_weights_from=0.5)
    result = train(config, documents[:20], None, tmp_path / "run")

    # Epochs 7 to 12 are past half of max_epochs; their mean is saved, reloaded and checked in train().
    assert result.epochs_run == 12 and result.averaged_epochs == 6
    assert sorted(p.name for p in (tmp_path / "run").iterdir()) == ["model.pt"]
    predicted = predict_spans(load_tagger(result.model_path), [d.text for d in documents[20:]], config)
    scores = evaluate([d.spans for d in documents[20:]], predicted, result.categories)
    assert scores["microF1"] > 0.6
