"""Trains a flair BiLSTM-CRF sequence tagger from labeled documents, offline, on CPU.

torch and flair are imported inside functions: a web process that only imports this module to enqueue a
job must not pay for them. Nothing here downloads: the transformer is loaded from the folder its pip
package ships, and the character dictionary and word vocabulary are built from the training corpus.
"""

from __future__ import annotations

import logging
import random
import time
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

from modeling.config import TrainingConfig
from modeling.ml.callbacks import CancelCheck, ProgressCallback, TrainingCancelled, TrainingTimedOut
from modeling.ml.corpus import (
    LABEL_TYPE,
    AlignmentWarning,
    LabeledDocument,
    prepare_document,
    to_flair_sentences,
)
from modeling.ml.embeddings import build_embeddings, use_offline_hub

if TYPE_CHECKING:
    from flair.data import Sentence

log = logging.getLogger(__name__)

MODEL_FILE = "model.pt"
# The reloaded model must tag the first training documents exactly as the trained one did: up to this many
# documents and about this many characters (a reload fault shows on any text; long documents only cost time).
_RELOAD_CHECK_DOCUMENTS = 20
_RELOAD_CHECK_CHARACTERS = 4_000


@dataclass(frozen=True)
class TrainingResult:
    """What a finished training produced."""

    # The one model file left in the workdir, already reloaded and checked.
    model_path: Path
    # Labels that cut through a token (the token was split) or had spaces at their edges, train and dev.
    warnings: list[AlignmentWarning]
    epochs_run: int
    # Epochs the run planned: `config.epochs_for(train_sentences)`.
    epochs_planned: int
    # Wall-clock seconds of the whole call, preparation and the reload check included.
    seconds: float
    # Wall-clock seconds of each epoch, the first including the one-off transformer pass over the data.
    epoch_seconds: list[float]
    # Why training ended: "max_epochs" or "learning_rate" (annealed to the minimum).
    stop_reason: str
    train_documents: int
    train_sentences: int
    dev_sentences: int
    # Entity categories the model can predict (sorted).
    categories: list[str]
    # Epochs whose weights were averaged into the kept model (0: the model is one epoch's weights).
    averaged_epochs: int = 0
    # `TrainingConfig.as_dict()` of the config it ran with.
    config: dict[str, Any] = field(default_factory=dict)


def train(
    config: TrainingConfig,
    train_docs: Sequence[LabeledDocument],
    dev_docs: Sequence[LabeledDocument] | None,
    workdir: str | Path,
    on_progress: ProgressCallback | None = None,
    should_cancel: CancelCheck | None = None,
    threads: int | None = 1,
    time_limit_seconds: float | None = None,
) -> TrainingResult:
    """Trains a tagger, saves it, reloads it from disk and checks the reloaded copy.

    Args:
        config: the training config; `TrainingResult.config` is what the run trained with (adapted to a small
            project by `TrainingConfig.for_tokens`), for storing with the model.
        train_docs: labeled training documents.
        dev_docs: documents to pick the best epoch on; None trains on everything (or holds out
            ``config.dev_fraction`` of the training documents).
        workdir: an empty folder for this run; only ``model.pt`` is left in it.
        on_progress: called with ``{"epoch", "total_epochs", "loss", "dev_score", "percent"}`` after each
            epoch and at most every few seconds during one.
        should_cancel: polled before and after every mini-batch.
        threads: torch intra-op threads (process-wide); None leaves torch's default. One thread is the
            default because on the shared 2-core host two OpenMP threads competing with other processes
            ran the BiLSTM-CRF about 3x slower than one (modeling/CONFIGS.md).
        time_limit_seconds: a safety net, not a length: a run still going after this many seconds fails
            with `TrainingTimedOut`. The config alone decides how long training is (its epochs), so the same
            documents, config and seed give the same model on an idle or a busy machine.

    Raises:
        TrainingCancelled: ``should_cancel`` returned True.
        TrainingTimedOut: the run outlasted ``time_limit_seconds``.
        SpanError: a label cannot be trained on (overlap, empty).
        ValueError: the training documents hold no labels.
    """
    use_offline_hub()
    import flair
    import torch
    from flair.data import Corpus
    from flair.datasets import FlairDatapointDataset
    from flair.models import SequenceTagger
    from flair.trainers import ModelTrainer

    from modeling.ml.plugins import studio_plugins

    started = time.monotonic()
    workdir = Path(workdir)
    workdir.mkdir(parents=True, exist_ok=True)
    if threads is not None:
        torch.set_num_threads(threads)
    flair.set_seed(config.seed)

    if dev_docs is None and config.dev_fraction > 0:
        train_docs, dev_docs = _hold_out(train_docs, config.dev_fraction, config.seed)
    train_sentences, warnings = _sentences(train_docs, config)
    # A small project trains a wider head on smaller batches (`TrainingConfig.for_tokens`); segmenting the text
    # into sentences does not depend on it.
    config = config.for_tokens(sum(len(s) for s in train_sentences))
    dev_sentences, dev_warnings = _sentences(dev_docs or [], config)
    warnings += dev_warnings
    if not any(s.get_labels(LABEL_TYPE) for s in train_sentences):
        raise ValueError("The training documents hold no labels; label some entities first.")

    corpus = Corpus(
        train=FlairDatapointDataset(train_sentences),
        dev=FlairDatapointDataset(dev_sentences) if dev_sentences else None,
        test=None,
        sample_missing_splits=False,
    )
    tag_dictionary = _label_dictionary([*train_sentences, *dev_sentences])
    tagger = SequenceTagger(
        embeddings=build_embeddings(config, train_sentences),
        tag_dictionary=tag_dictionary,
        tag_type=LABEL_TYPE,
        tag_format="BIOES",
        hidden_size=config.hidden_size,
        rnn_layers=config.rnn_layers,
        use_crf=config.use_crf,
        reproject_embeddings=config.reproject_embeddings,
        dropout=config.dropout,
        word_dropout=config.word_dropout,
        locked_dropout=config.locked_dropout,
    )
    # One flair plugin per concern: progress, cancel, safety limit, LR schedule, weight averaging.
    epochs = config.epochs_for(len(train_sentences))
    plugins = studio_plugins(config, started, on_progress, should_cancel, time_limit_seconds, epochs)
    run, averager = plugins.run, plugins.averaging.averager
    has_dev = bool(dev_sentences)
    trainer = ModelTrainer(tagger, corpus)
    try:
        _fit(trainer, workdir, config, epochs, has_dev, plugins.ordered)
    except (TrainingCancelled, TrainingTimedOut):
        for partial in workdir.glob("*.pt"):
            partial.unlink()
        raise
    averaged = averager.apply_to(tagger)
    model_path = _keep_one_model(workdir, tagger, averaged)
    _check_reloaded(tagger, model_path, train_docs, config)
    plugins.progress.report_done()
    return TrainingResult(
        model_path=model_path,
        warnings=warnings,
        epochs_run=run.epochs_run,
        epochs_planned=epochs,
        epoch_seconds=run.epoch_seconds,
        seconds=time.monotonic() - started,
        stop_reason=run.stop_reason,
        train_documents=len(train_docs),
        train_sentences=len(train_sentences),
        dev_sentences=len(dev_sentences),
        categories=sorted(tag_dictionary.get_items()),
        averaged_epochs=averager.count if averaged else 0,
        config=config.as_dict(),
    )


def _fit(trainer: Any, workdir: Path, config: TrainingConfig, epochs: int, has_dev: bool, plugins: list[Any]) -> None:
    trainer.train(
        workdir,
        learning_rate=config.learning_rate,
        mini_batch_size=config.mini_batch_size,
        eval_batch_size=config.eval_batch_size,
        max_epochs=epochs,
        patience=config.patience,
        anneal_factor=config.anneal_factor,
        min_learning_rate=config.min_learning_rate,
        embeddings_storage_mode=config.embeddings_storage_mode,
        # flair 0.15.1 anneals in "max" mode unless train_with_dev is set, which without a dev set would
        # treat a *rising* training loss as progress; train_with_dev with no dev set means "minimise loss".
        train_with_dev=not has_dev,
        save_final_model=not has_dev,
        create_file_logs=False,
        create_loss_file=False,
        plugins=list(plugins),  # a copy: flair appends its annealing plugin to the list it is given
        # "linear" is applied by our LinearSchedulePlugin, batch by batch.
        attach_default_scheduler=config.lr_schedule == "plateau",
    )


def _label_dictionary(sentences: Sequence[Sentence]) -> Any:
    """Categories of train and dev spans, sorted (flair's own builder reads train only, so a category
    seen only in dev would crash its dev evaluation)."""
    from flair.data import Dictionary

    dictionary = Dictionary(add_unk=False)
    for category in sorted({sp.get_label(LABEL_TYPE).value for s in sentences for sp in s.get_spans(LABEL_TYPE)}):
        dictionary.add_item(category)
    dictionary.span_labels = True
    return dictionary


def _hold_out(
    docs: Sequence[LabeledDocument], fraction: float, seed: int
) -> tuple[list[LabeledDocument], list[LabeledDocument]]:
    ordered = sorted(docs, key=lambda d: d.doc_id)
    random.Random(seed).shuffle(ordered)
    n_dev = max(1, round(len(ordered) * fraction)) if len(ordered) > 1 else 0
    return ordered[n_dev:], ordered[:n_dev]


def _sentences(
    docs: Sequence[LabeledDocument], config: TrainingConfig
) -> tuple[list[Sentence], list[AlignmentWarning]]:
    sentences: list[Sentence] = []
    warnings: list[AlignmentWarning] = []
    for doc in docs:
        pieces, doc_warnings = prepare_document(doc, config)
        sentences.extend(to_flair_sentences(doc.text, pieces))
        warnings.extend(doc_warnings)
    return sentences, warnings


def _keep_one_model(workdir: Path, tagger: Any, averaged: bool) -> Path:
    """Keeps one model as ``model.pt`` and deletes the rest: the averaged weights when averaging ran, else
    the model flair selected (best on dev, else final)."""
    model_path = workdir / MODEL_FILE
    best, final = workdir / "best-model.pt", workdir / "final-model.pt"
    if averaged:
        tagger.save(model_path)
    elif best.exists():
        best.replace(model_path)
    elif final.exists():
        final.replace(model_path)
    else:
        # With a dev set whose score never rose above 0, flair saves nothing: keep the last state.
        tagger.save(model_path)
    for leftover in (best, final, workdir / "dev.tsv", workdir / "test.tsv"):
        leftover.unlink(missing_ok=True)
    return model_path


def _check_reloaded(tagger: Any, model_path: Path, docs: Sequence[LabeledDocument], config: TrainingConfig) -> None:
    """Reloads the saved model and insists it tags sample documents exactly like the trained one.

    This is what caught flair 0.15.1 reloading stacked one-hot embeddings in another order: the reloaded
    model predicted almost nothing while the trainer's own scores looked fine.
    """
    from modeling.ml.inference import load_tagger, predict_spans

    texts: list[str] = []
    for doc in docs[:_RELOAD_CHECK_DOCUMENTS]:
        if texts and sum(map(len, texts)) + len(doc.text) > _RELOAD_CHECK_CHARACTERS:
            break
        texts.append(doc.text)
    tagger.eval()  # no dropout: both models must be deterministic here
    before = [[span[:3] for span in spans] for spans in predict_spans(tagger, texts, config)]
    after = [[span[:3] for span in spans] for spans in predict_spans(load_tagger(model_path), texts, config)]
    if before != after:
        raise RuntimeError(f"The model reloaded from {model_path} predicts differently from the trained one.")


# TrainingCancelled lives in `callbacks` (the cancel plugin raises it); callers catch it from here.
__all__ = ["MODEL_FILE", "ProgressCallback", "TrainingCancelled", "TrainingResult", "TrainingTimedOut", "train"]
