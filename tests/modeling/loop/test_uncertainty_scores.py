"""`modeling.ml.uncertainty` with a real (tiny, CRF) tagger: documents scored together score as they do alone, and
the per-token numbers read off the decoder equal those from flair's per-tag labels."""

from __future__ import annotations

import random

import pytest

from modeling.ml.corpus import prepare_text, to_flair_sentences
from modeling.ml.inference import load_tagger
from modeling.ml.uncertainty import _PREDICTED, _flair_stats, document_uncertainty
from tests.conftest import TINY
from tests.modeling.factories import loan_document


@pytest.fixture
def tagger(tiny_model_dirs):
    return load_tagger(tiny_model_dirs("a") / "model.pt")


def texts() -> list[str]:
    rng = random.Random(3)
    return [loan_document(i, rng)["text"] for i in range(5)] + ["", "Zq wv xx 77 ??? lorem ipsum. " * 40]


def test_documents_scored_together_score_as_alone(tagger):
    assert tagger.use_crf
    together = document_uncertainty(tagger, texts(), TINY, batch_size=4)
    alone = [document_uncertainty(tagger, [text], TINY)[0] for text in texts()]
    for got, expected in zip(together, alone, strict=True):
        assert got["tokens"] == expected["tokens"]
        assert got["margin"] == pytest.approx(expected["margin"], abs=1e-5)
        assert got["entropy"] == pytest.approx(expected["entropy"], abs=1e-5)
    assert together[5] == {"margin": 0.0, "entropy": 0.0, "tokens": 0}  # no tokens: nothing to doubt
    assert all(
        0 <= s["margin"] <= 1 and s["entropy"] >= 0 and s["tokens"] > 0 for i, s in enumerate(together) if i != 5
    )


def test_the_decoders_numbers_equal_flairs_labels(tagger):
    for text, score in zip(texts(), document_uncertainty(tagger, texts(), TINY), strict=True):
        sentences = to_flair_sentences(text, prepare_text(text, TINY))
        if not sentences:
            continue
        tagger.predict(sentences, label_name=_PREDICTED, return_probabilities_for_all_classes=True)
        stats = list(_flair_stats(sentences).values())
        tokens = sum(count for _, _, count in stats)
        assert score["tokens"] == tokens
        assert score["margin"] == pytest.approx(1 - min(margin for margin, _, _ in stats), abs=1e-5)
        assert score["entropy"] == pytest.approx(sum(entropy for _, entropy, _ in stats) / tokens, abs=1e-5)
    assert "_all_scores_for_token" not in vars(tagger.viterbi_decoder)  # flair's own method is back
