"""Exact span probabilities from a CRF tagger: for each entity it predicts, and for each label it is shown.

`predict_spans` reports flair's confidence, the mean over a span's tokens of a softmax over Viterbi scores, which
is no probability. Here a sentence's CRF scores go through forward-backward (log space), and a span's probability
is the CRF's marginal probability that exactly these tokens form one entity of this category (its BIOES tags
``S-X`` or ``B-X I-X … E-X``): the sum over every tag sequence holding them, over all sequences. That is what the
label-error finder compares: how sure the model is of its own version of a place against the labels there.

Texts are tokenized and segmented as `inference.predict_spans` does them, so the predicted spans are the same.
A label whose edges are not token edges of that tokenization (or that a segment boundary cuts) has no
probability (None). flair and torch are imported lazily.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from modeling.config import TrainingConfig
from modeling.ml.corpus import prepare_text, to_flair_sentences

Span = tuple[int, int, str]
PredictedSpan = tuple[int, int, str, float]


@dataclass(frozen=True)
class ScoredText:
    """One text's predicted entities and the model's probability of each given label."""

    # (start, end, category, probability), sorted by start: the Viterbi path's entities, each with its marginal.
    predicted: list[PredictedSpan]
    # Per given label (same order): the probability that exactly that span is one entity of that category;
    # None when the label does not sit on token edges of one sentence.
    label_probabilities: list[float | None]
    # Per given label: the probability that none of its tokens is part of any entity (all tagged O); None as above.
    label_none_probabilities: list[float | None]
    # Per predicted entity: the probability that none of its tokens is part of any entity.
    predicted_none_probabilities: list[float]


def score_spans(
    tagger: Any,
    texts: Sequence[str],
    labels: Sequence[Sequence[Span]],
    config: TrainingConfig,
    batch_size: int | None = None,
) -> list[ScoredText]:
    """Predicts entities in each text and scores the given labels, in one pass of the model.

    Args:
        tagger: a CRF tagger from `inference.load_tagger` (or `training.train`).
        texts: the documents.
        labels: per text, the labels ``(start, end, category)`` to score (code points, half-open).
        config: the config the model was trained with (tokenization and segmentation).
        batch_size: sentences per forward pass; defaults to ``config.eval_batch_size``.
    """
    import torch
    from flair.data import get_spans_from_bio

    if not getattr(tagger, "use_crf", False):
        raise ValueError("Span probabilities need a tagger with a CRF.")
    if len(labels) != len(texts):
        raise ValueError(f"{len(texts)} texts but {len(labels)} label lists.")
    sentences, owners = [], []
    for index, text in enumerate(texts):
        document = to_flair_sentences(text, prepare_text(text, config))
        sentences.extend(document)
        owners.extend([index] * len(document))
    tags = _Tags(tagger.label_dictionary)
    # Where each label sits: (sentence, first token, last token).
    edges = _token_edges(sentences, owners, len(texts))
    places = [[_place(edges[index], span) for span in spans] for index, spans in enumerate(labels)]
    wanted: dict[int, list[tuple[int, int, int, int, str]]] = {}  # sentence -> (text, label, first, last, category)
    for index, spans in enumerate(labels):
        for number, (place, span) in enumerate(zip(places[index], spans, strict=True)):
            if place is not None:
                wanted.setdefault(place[0], []).append((index, number, place[1], place[2], span[2]))

    predicted: list[list[tuple[PredictedSpan, float]]] = [[] for _ in texts]
    probabilities: list[list[float | None]] = [[None] * len(spans) for spans in labels]
    none_probabilities: list[list[float | None]] = [[None] * len(spans) for spans in labels]
    order = sorted(range(len(sentences)), key=lambda i: -len(sentences[i]))
    size = batch_size or config.eval_batch_size
    was_training = tagger.training
    tagger.eval()
    try:
        with torch.no_grad():
            for offset in range(0, len(order), size):
                batch_ids = [i for i in order[offset : offset + size] if len(sentences[i])]
                if not batch_ids:
                    continue
                batch = [sentences[i] for i in batch_ids]
                tensor, lengths = tagger._prepare_tensors(batch)
                features = tagger.forward(tensor, lengths)
                paths, _ = tagger.viterbi_decoder.decode(features, False, batch)
                scores = features[0].double().cpu().numpy()
                transitions = features[2].double().cpu().numpy()
                for row, (sentence_id, path) in enumerate(zip(batch_ids, paths, strict=True)):
                    sentence = sentences[sentence_id]
                    crf = _Crf(scores[row, : len(sentence)], transitions, tags)
                    base = sentence.start_position
                    for token_ids, _, category in get_spans_from_bio([t for t, _ in path]):
                        first, last = token_ids[0], token_ids[-1]
                        start = base + sentence[first].start_position
                        end = base + sentence[last].end_position
                        probability = crf.span_probability(first, last, category)
                        none = crf.none_probability(first, last)
                        predicted[owners[sentence_id]].append(((start, end, category, probability), none))
                    for text_index, number, first, last, category in wanted.get(sentence_id, []):
                        probabilities[text_index][number] = crf.span_probability(first, last, category)
                        none_probabilities[text_index][number] = crf.none_probability(first, last)
                for sentence in batch:
                    sentence.clear_embeddings()
    finally:
        tagger.train(was_training)
    results = []
    for found, probability, none in zip(predicted, probabilities, none_probabilities, strict=True):
        found.sort(key=lambda item: item[0][:2])
        results.append(ScoredText([p for p, _ in found], probability, none, [n for _, n in found]))
    return results


def _token_edges(sentences: list[Any], owners: list[int], count: int) -> list[tuple[dict, dict]]:
    """Per text: where each token starts and where each ends (code point -> (sentence, token))."""
    edges: list[tuple[dict, dict]] = [({}, {}) for _ in range(count)]
    for sentence_id, (sentence, owner) in enumerate(zip(sentences, owners, strict=True)):
        starts, ends = edges[owner]
        base = sentence.start_position
        for token_id, token in enumerate(sentence):
            starts[base + token.start_position] = (sentence_id, token_id)
            ends[base + token.end_position] = (sentence_id, token_id)
    return edges


def _place(edges: tuple[dict, dict], span: Span) -> tuple[int, int, int] | None:
    first, last = edges[0].get(span[0]), edges[1].get(span[1])
    if first is None or last is None or first[0] != last[0] or first[1] > last[1]:
        return None
    return first[0], first[1], last[1]


class _Tags:
    """BIOES tag indices of a tagger's dictionary."""

    def __init__(self, dictionary: Any) -> None:
        self.index = {item: i for i, item in enumerate(dictionary.get_items())}
        self.start = self.index["<START>"]
        self.stop = self.index["<STOP>"]

    def of_none(self, length: int) -> list[int]:
        return [self.index["O"]] * length

    def of_span(self, length: int, category: str) -> list[int] | None:
        names = [f"S-{category}"] if length == 1 else [f"B-{category}"] + [f"I-{category}"] * (length - 2)
        names += [] if length == 1 else [f"E-{category}"]
        if any(name not in self.index for name in names):
            return None  # a category this model never learned: it gives the span no probability at all
        return [self.index[name] for name in names]


class _Crf:
    """Forward-backward over one sentence's CRF scores ``scores[t, to, from]`` (emission + transition)."""

    def __init__(self, scores: Any, transitions: Any, tags: _Tags) -> None:
        import numpy as np

        self.scores, self.tags = scores, tags
        length, size = scores.shape[0], scores.shape[1]
        alpha = np.empty((length, size))
        beta = np.empty((length, size))
        alpha[0] = scores[0, :, tags.start]
        for t in range(1, length):
            alpha[t] = _logsumexp(scores[t] + alpha[t - 1][None, :], axis=1)
        beta[length - 1] = transitions[tags.stop, :]
        for t in range(length - 2, -1, -1):
            beta[t] = _logsumexp(scores[t + 1] + beta[t + 1][:, None], axis=0)
        self.alpha, self.beta = alpha, beta
        self.log_z = float(_logsumexp(alpha[length - 1] + beta[length - 1], axis=0))

    def span_probability(self, first: int, last: int, category: str) -> float:
        """P(tokens first..last are exactly one `category` entity); 0 for a category the model does not know."""
        path = self.tags.of_span(last - first + 1, category)
        return 0.0 if path is None else self.path_probability(first, path)

    def none_probability(self, first: int, last: int) -> float:
        """P(none of tokens first..last is part of an entity)."""
        return self.path_probability(first, self.tags.of_none(last - first + 1))

    def path_probability(self, first: int, path: list[int]) -> float:
        """P(the tokens from `first` on are tagged `path`), whatever the other tokens are tagged."""
        import math

        if first == 0:
            score = self.scores[0, path[0], self.tags.start]
        else:
            score = _logsumexp(self.alpha[first - 1] + self.scores[first, path[0], :], axis=0)
        for step in range(1, len(path)):
            score += self.scores[first + step, path[step], path[step - 1]]
        score += self.beta[first + len(path) - 1, path[-1]]
        return min(1.0, math.exp(float(score) - self.log_z))


def _logsumexp(values: Any, axis: int) -> Any:
    import numpy as np

    top = np.max(values, axis=axis, keepdims=True)
    return np.squeeze(top, axis=axis) + np.log(np.sum(np.exp(values - top), axis=axis))
