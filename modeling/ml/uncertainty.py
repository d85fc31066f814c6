"""How unsure a trained tagger is about whole documents, for active learning (label the least certain next).

Each token gets the tagger's distribution over its tags (for a CRF tagger, flair's softmax over the Viterbi scores
of each tag at that token); a document's uncertainty is then, by `measure`:

- ``margin``: one minus the smallest margin between a token's two likeliest tags (the document's most doubtful
  token decides);
- ``entropy``: the mean entropy of its tokens' distributions (doubt spread over the document).

Higher always means more uncertain. `bench/loop_bench.py` ("uncertainty") measures which picks better documents to
label. Texts are tokenized and segmented as in training (`corpus.prepare_text`), like `inference.predict_spans`.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Sequence
from typing import Any

from modeling.config import TrainingConfig
from modeling.ml.corpus import prepare_text, to_flair_sentences

MEASURES = ("margin", "entropy")
_PREDICTED = "uncertainty"


def _token_stats(distribution: Sequence[float]) -> tuple[float, float]:
    """(margin between the two likeliest tags, entropy) of one token's distribution (renormalized)."""
    total = sum(distribution) or 1.0
    probabilities = sorted((p / total for p in distribution), reverse=True)
    margin = probabilities[0] - (probabilities[1] if len(probabilities) > 1 else 0.0)
    entropy = -sum(p * math.log(p) for p in probabilities if p > 0)
    return margin, entropy


def document_uncertainty(
    tagger: Any,
    texts: Sequence[str],
    config: TrainingConfig,
    *,
    batch_size: int | None = None,
    on_text: Callable[[int], None] | None = None,
) -> list[dict[str, float]]:
    """Per text, ``{"margin": …, "entropy": …, "tokens": n}`` (see the module's docstring); a text without tokens
    scores 0 on both. `on_text(i)` is called after each text (progress, cancel checks)."""
    results: list[dict[str, float]] = []
    for index, text in enumerate(texts):
        sentences = to_flair_sentences(text, prepare_text(text, config))
        margins: list[float] = []
        entropies: list[float] = []
        if sentences:
            tagger.predict(
                sentences,
                mini_batch_size=batch_size or config.eval_batch_size,
                label_name=_PREDICTED,
                return_probabilities_for_all_classes=True,
                embedding_storage_mode="none",
            )
            for sentence in sentences:
                for token in sentence.tokens:
                    distribution = [label.score for label in token.get_tags_proba_dist(_PREDICTED)]
                    if distribution:
                        margin, entropy = _token_stats(distribution)
                        margins.append(margin)
                        entropies.append(entropy)
        results.append(
            {
                "margin": float(1.0 - min(margins)) if margins else 0.0,
                "entropy": float(sum(entropies) / len(entropies)) if entropies else 0.0,
                "tokens": len(margins),
            }
        )
        if on_text is not None:
            on_text(index)
    return results
