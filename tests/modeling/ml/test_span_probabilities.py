"""Exact span probabilities of a CRF tagger, checked against brute force over every tag sequence."""

from __future__ import annotations

import itertools
import math

import pytest

from modeling.ml.corpus import prepare_text, to_flair_sentences
from modeling.ml.inference import load_tagger, predict_spans
from modeling.ml.span_probabilities import score_spans
from tests.conftest import TINY

TEXT = "Acme Bank lends $5,000 to Ana López."


@pytest.fixture(scope="module")
def tagger(tiny_model_dirs):
    return load_tagger(tiny_model_dirs("a") / "model.pt")


def _brute_force(tagger, text: str, first: int, last: int, category: str) -> float:
    """P(tokens first..last are one `category` entity), summing exp(score) over every tag sequence."""
    import torch

    (sentence,) = to_flair_sentences(text, prepare_text(text, TINY))
    tagger.eval()
    with torch.no_grad():
        tensor, lengths = tagger._prepare_tensors([sentence])
        crf, _, transitions = tagger.forward(tensor, lengths)
    crf, transitions = crf[0].double(), transitions.detach().double()
    items = tagger.label_dictionary.get_items()
    start, stop = items.index("<START>"), items.index("<STOP>")
    real = [i for i, item in enumerate(items) if not item.startswith("<")]
    names = [f"S-{category}"] if first == last else [f"B-{category}", *[f"I-{category}"] * (last - first - 1)]
    names += [] if first == last else [f"E-{category}"]
    wanted = [items.index(n) for n in names]
    total = held = 0.0
    for path in itertools.product(real, repeat=len(sentence)):
        score = crf[0, path[0], start] + sum(crf[t, path[t], path[t - 1]] for t in range(1, len(path)))
        weight = math.exp(float(score + transitions[stop, path[-1]]))
        total += weight
        if list(path[first : last + 1]) == wanted:
            held += weight
    return held / total


def test_a_label_probability_is_the_crf_marginal_of_exactly_that_span(tagger):
    text = "Acme Bank lends"  # 3 tokens: brute force is 3 ** 11 paths at most
    (scored,) = score_spans(tagger, [text], [[(0, 9, "Lender"), (0, 4, "Lender"), (5, 15, "Amount")]], TINY)
    assert scored.label_probabilities[0] == pytest.approx(_brute_force(tagger, text, 0, 1, "Lender"), rel=1e-6)
    assert scored.label_probabilities[1] == pytest.approx(_brute_force(tagger, text, 0, 0, "Lender"), rel=1e-6)
    assert scored.label_probabilities[2] == pytest.approx(_brute_force(tagger, text, 1, 2, "Amount"), rel=1e-6)


def test_predicted_spans_are_the_taggers_own_with_probabilities(tagger):
    (scored,) = score_spans(tagger, [TEXT], [[]], TINY)
    expected = predict_spans(tagger, [TEXT], TINY)[0]
    assert [p[:3] for p in scored.predicted] == [p[:3] for p in expected]
    assert all(0.0 < p[3] <= 1.0 for p in scored.predicted)


def test_a_label_off_token_edges_or_of_an_unknown_type_has_no_probability(tagger):
    (scored,) = score_spans(tagger, [TEXT], [[(1, 9, "Lender"), (0, 9, "Planet")]], TINY)
    assert scored.label_probabilities == [None, 0.0]
