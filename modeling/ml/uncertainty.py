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
import threading
from collections.abc import Sequence
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


class _SentenceStats:
    """Per sentence, (smallest token margin, sum of token entropies, tokens), read straight off a CRF tagger's
    per-token distributions while it decodes.

    flair hands a CRF tagger's distributions out as one `Label` per tag per token (19 for wikigold's types), which
    costs more than the prediction itself once documents are batched; this takes the decoder's softmax tensor
    instead of its `_all_scores_for_token` during one `predict` in this thread, and keeps three numbers per sentence.
    The decoder is shared (the serving cache's tagger), so the stand-in (`_Dispatch`) routes by thread: a call from
    any other thread, or after the block, gets flair's own method, and the decoder is left as it was once the last
    scoring call on it ends, whatever it raised.
    """

    def __init__(self, decoder: Any) -> None:
        self.decoder = decoder
        self.by_sentence: dict[int, tuple[float, float, int]] = {}
        self.outer: _SentenceStats | None = None  # this thread's scoring call around this one, if any

    def __call__(self, score_tensor, tag_sequences, lengths, sentences) -> list:
        import torch

        probabilities = score_tensor / score_tensor.sum(dim=2, keepdim=True).clamp_min(1e-30)  # as _token_stats
        top = torch.topk(probabilities, min(2, probabilities.size(2)), dim=2).values
        margins = top[..., 0] - (top[..., 1] if top.size(2) > 1 else 0.0)
        entropies = torch.special.entr(probabilities).sum(dim=2)
        for row, (sentence, length) in enumerate(zip(sentences, lengths, strict=True)):
            length = int(length)
            if length:
                self.by_sentence[id(sentence)] = (
                    float(margins[row, :length].min()),
                    float(entropies[row, :length].double().sum()),
                    length,
                )
        return []  # nothing for flair to attach to the tokens

    def __enter__(self) -> _SentenceStats:
        _Dispatch.install(self.decoder)
        self.outer, _capturing.stats = getattr(_capturing, "stats", None), self
        return self

    def __exit__(self, *_) -> None:
        _capturing.stats = self.outer
        _Dispatch.uninstall(self.decoder)


_capturing = threading.local()  # .stats: the `_SentenceStats` this thread's scoring call fills, if any


class _Dispatch:
    """Stands in for a decoder's `_all_scores_for_token` while scoring calls on it run (an attribute of the decoder
    instance): the thread scoring with this decoder gets its `_SentenceStats`, every other call flair's method."""

    _lock = threading.Lock()
    _users: dict[int, int] = {}  # id(decoder) -> scoring calls using the stand-in now

    def __init__(self, decoder: Any) -> None:
        self.decoder = decoder
        self.original = decoder._all_scores_for_token  # flair's, bound to the decoder
        self.shadowed = vars(decoder).get("_all_scores_for_token")  # an attribute of the instance already, if any

    def __call__(self, *args) -> list:
        stats = getattr(_capturing, "stats", None)
        if stats is not None and stats.decoder is self.decoder:
            return stats(*args)
        return self.original(*args)

    @classmethod
    def install(cls, decoder: Any) -> None:
        with cls._lock:
            users = cls._users.get(id(decoder), 0)
            if not users:
                decoder._all_scores_for_token = cls(decoder)
            cls._users[id(decoder)] = users + 1

    @classmethod
    def uninstall(cls, decoder: Any) -> None:
        with cls._lock:
            users = cls._users.pop(id(decoder)) - 1
            if users:
                cls._users[id(decoder)] = users
                return
            shadowed = vars(decoder)["_all_scores_for_token"].shadowed
            if shadowed is None:
                del decoder._all_scores_for_token  # flair's own method again
            else:
                decoder._all_scores_for_token = shadowed


def _flair_stats(sentences: Sequence[Any]) -> dict[int, tuple[float, float, int]]:
    """The same per-sentence numbers from the `Label`s flair attached (taggers without a CRF)."""
    stats = {}
    for sentence in sentences:
        margins, entropies = [], []
        for token in sentence.tokens:
            distribution = [label.score for label in token.get_tags_proba_dist(_PREDICTED)]
            if distribution:
                margin, entropy = _token_stats(distribution)
                margins.append(margin)
                entropies.append(entropy)
        if margins:
            stats[id(sentence)] = (min(margins), sum(entropies), len(margins))
    return stats


def document_uncertainty(
    tagger: Any, texts: Sequence[str], config: TrainingConfig, *, batch_size: int | None = None
) -> list[dict[str, float]]:
    """Per text, ``{"margin": …, "entropy": …, "tokens": n}`` (see the module's docstring); a text without tokens
    scores 0 on both.

    The texts' sentences go through the tagger together, in mini-batches of `batch_size` sentences (default
    ``config.eval_batch_size``) sorted by length as `inference.predict_spans` does: a caller scores several
    documents per call to run at the serving path's throughput. Each text's sentences are linked to each other
    only (`to_flair_sentences`), so the scores do not depend on which texts share a call. Calls in other threads
    on the same tagger, scoring or predicting, are not affected by this one (whether flair's `predict` may run on
    one tagger in two threads at once is the caller's concern: `modeling.serving`'s lock runs one at a time).
    """
    sentences = []
    owners: list[int] = []
    for index, text in enumerate(texts):
        document = to_flair_sentences(text, prepare_text(text, config))
        sentences.extend(document)
        owners.extend([index] * len(document))
    stats: dict[int, tuple[float, float, int]] = {}
    if sentences:
        options = {
            "mini_batch_size": batch_size or config.eval_batch_size,
            "label_name": _PREDICTED,
            "return_probabilities_for_all_classes": True,
            "embedding_storage_mode": "none",
        }
        if getattr(tagger, "use_crf", False):
            with _SentenceStats(tagger.viterbi_decoder) as captured:
                tagger.predict(sentences, **options)
            stats = captured.by_sentence
        else:
            tagger.predict(sentences, **options)
            stats = _flair_stats(sentences)
    smallest = [math.inf] * len(texts)
    entropy = [0.0] * len(texts)
    tokens = [0] * len(texts)
    for owner, sentence in zip(owners, sentences, strict=True):
        if id(sentence) in stats:
            margin, entropy_sum, count = stats[id(sentence)]
            smallest[owner] = min(smallest[owner], margin)
            entropy[owner] += entropy_sum
            tokens[owner] += count
    return [
        {
            "margin": float(1.0 - smallest[i]) if tokens[i] else 0.0,
            "entropy": float(entropy[i] / tokens[i]) if tokens[i] else 0.0,
            "tokens": tokens[i],
        }
        for i in range(len(texts))
    ]
