"""Predicting entities with a trained tagger, as exact code-point spans into the original texts.

Texts are tokenized and segmented exactly as in training (`corpus.prepare_text`), so a model sees at
inference what it saw when it learned. Caching loaded models per process is the caller's job.
"""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path
from typing import Any

from modeling.config import TrainingConfig
from modeling.ml.corpus import prepare_text, to_flair_sentences

PredictedSpan = tuple[int, int, str, float]

_PREDICTED = "predicted"


def load_tagger(path: str | Path) -> Any:
    """Loads a tagger saved by `training.train` (a local file; nothing is downloaded)."""
    from modeling.ml.embeddings import use_offline_hub

    use_offline_hub()
    from flair.models import SequenceTagger

    import modeling.ml.casing  # noqa: F401 - registers the lookup-table embeddings for flair's model loader

    path = Path(path)
    if not path.is_file():
        # flair would otherwise treat an unknown name as a model to fetch from the Hugging Face hub.
        raise FileNotFoundError(f"No model file at {path}.")
    return SequenceTagger.load(path)


def predict_spans(
    tagger: Any, texts: Sequence[str], config: TrainingConfig, batch_size: int | None = None
) -> list[list[PredictedSpan]]:
    """Predicts entities in each text.

    Args:
        tagger: a tagger from `load_tagger`.
        texts: the documents, as they were given (offsets refer to them unchanged).
        config: the config the model was trained with (it decides tokenization and segmentation).
        batch_size: sentences per forward pass; defaults to ``config.eval_batch_size``.

    Returns:
        Per text, ``(start, end, category, confidence)`` sorted by start, in code points, half-open.
    """
    sentences = []
    owners: list[int] = []
    for index, text in enumerate(texts):
        document = to_flair_sentences(text, prepare_text(text, config))
        sentences.extend(document)
        owners.extend([index] * len(document))
    results: list[list[PredictedSpan]] = [[] for _ in texts]
    if not sentences:
        return results
    tagger.predict(
        sentences,
        mini_batch_size=batch_size or config.eval_batch_size,
        label_name=_PREDICTED,
        # Embeddings are not kept on the sentences: they are thrown away right after.
        embedding_storage_mode="none",
    )
    for owner, sentence in zip(owners, sentences, strict=True):
        base = sentence.start_position
        for span in sentence.get_spans(_PREDICTED):
            label = span.get_label(_PREDICTED)
            start = base + span.tokens[0].start_position
            end = base + span.tokens[-1].end_position
            results[owner].append((start, end, label.value, float(label.score)))
    for spans in results:
        spans.sort()
    return results
