"""`modeling.ml.uncertainty` with a real (tiny, CRF) tagger: documents scored together score as they do alone, and
the per-token numbers read off the decoder equal those from flair's per-tag labels."""

from __future__ import annotations

import math
import random
import threading

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


class _Decoder:
    def _all_scores_for_token(self, score_tensor, tag_sequences, lengths, sentences) -> list:
        return ["flair's own"]


class _Tagger:
    """A CRF tagger's shape whose `predict` waits until every thread is inside one before it decodes: all three
    calls then use the one decoder at the same time."""

    use_crf = True

    def __init__(self, threads: int) -> None:
        self.viterbi_decoder = _Decoder()
        self.together = threading.Barrier(threads)
        self.decoded: dict[str, list] = {}

    def predict(self, sentences, *, return_probabilities_for_all_classes=False, **options) -> None:
        import torch

        lengths = [len(sentence) for sentence in sentences]
        scores = torch.full((len(sentences), max(lengths), 3), 1 / 3)  # every tag as likely: nothing is sure
        self.together.wait(timeout=10)
        if return_probabilities_for_all_classes:
            decoded = self.viterbi_decoder._all_scores_for_token(scores, None, torch.tensor(lengths), sentences)
            self.decoded[threading.current_thread().name] = decoded


def test_threads_scoring_and_predicting_on_one_tagger_at_once_each_get_their_own_answers():
    tagger = _Tagger(threads=3)
    text = texts()[0]
    sentences = to_flair_sentences(text, prepare_text(text, TINY))
    results: dict[str, object] = {}

    def score(name: str) -> None:
        try:
            results[name] = document_uncertainty(tagger, [text], TINY)[0]
        except Exception as error:  # noqa: BLE001 - the test looks at it
            results[name] = error

    def predict() -> None:  # as a caller of flair's own per-tag distributions would
        tagger.predict(sentences, return_probabilities_for_all_classes=True)

    threads = [threading.Thread(target=score, args=(name,), name=name) for name in ("one", "two")]
    threads.append(threading.Thread(target=predict, name="flair"))
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=30)

    tokens = sum(len(sentence) for sentence in sentences)
    expected = {"margin": pytest.approx(1.0), "entropy": pytest.approx(math.log(3)), "tokens": tokens}
    assert results == {"one": expected, "two": expected}
    assert tagger.decoded["flair"] == ["flair's own"]  # untouched by the scoring calls around it
    assert "_all_scores_for_token" not in vars(tagger.viterbi_decoder)


def test_the_decoder_is_left_as_it_was_when_a_scoring_call_fails():
    class Failing(_Tagger):
        def predict(self, sentences, **options) -> None:
            raise RuntimeError("out of memory")

    tagger = Failing(threads=1)
    with pytest.raises(RuntimeError, match="out of memory"):
        document_uncertainty(tagger, texts()[:1], TINY)
    assert "_all_scores_for_token" not in vars(tagger.viterbi_decoder)
    assert tagger.viterbi_decoder._all_scores_for_token(None, None, None, None) == ["flair's own"]
