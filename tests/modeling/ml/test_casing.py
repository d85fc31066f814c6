"""Word-shape vectors stacked with the uncased transformer."""

from __future__ import annotations

import torch
from flair.data import Sentence

from modeling.ml.casing import WordShapeEmbeddings


def vectors(embeddings: WordShapeEmbeddings, text: str) -> list[torch.Tensor]:
    sentence = Sentence(text.split(" "))
    embeddings.embed(sentence)
    return [token.get_embedding(embeddings.name).detach() for token in sentence]


def test_casing_that_the_uncased_transformer_loses_gets_its_own_vector():
    embeddings = WordShapeEmbeddings(["Xx", "x"], embedding_length=3)
    title, lower, paris, upper, emoji = vectors(embeddings, "Apple apple Paris APPLE 😀")

    assert not torch.equal(title, lower)
    assert torch.equal(title, paris)
    assert torch.equal(upper, emoji)  # "X" and "e" were not seen in training: both get the unseen vector
    assert embeddings.embedding_length == 3


def test_the_table_rebuilds_from_its_params_with_the_same_lookups():
    original = WordShapeEmbeddings(["Xx", "d"], embedding_length=2)
    rebuilt = WordShapeEmbeddings.from_params(original.to_params())
    rebuilt.load_state_dict(original.state_dict())
    assert [v.tolist() for v in vectors(rebuilt, "Johnson 2024 x")] == [
        v.tolist() for v in vectors(original, "Johnson 2024 x")
    ]
