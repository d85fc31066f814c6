"""Word-shape embeddings: a cheap casing signal to stack with an uncased transformer.

all-MiniLM-L6-v2 lower-cases its input, so "apple" and "Apple" look the same to it. A learned vector per
word shape ("Xx", "X.X.", "xXx", "@x", "d") gives the tagger capitalisation and punctuation cues at the
cost of a table lookup, where a character LSTM costs about as much per epoch as the tagger itself.

Imports flair at module level (it defines a flair embedding class): `inference.load_tagger` imports it
before loading a model, so flair's embedding registry can rebuild the class by name.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import flair
import torch
from flair.data import Sentence
from flair.embeddings.base import register_embeddings
from flair.embeddings.token import TokenEmbeddings

from studio.tokenization import word_shape


@register_embeddings
class WordShapeEmbeddings(TokenEmbeddings):
    """A trainable vector per word shape; shapes not seen in training share one vector."""

    def __init__(self, shapes: Sequence[str], embedding_length: int = 20, name: str = "word-shape") -> None:
        super().__init__()
        self.name = name
        self.static_embeddings = False
        self.shapes = list(shapes)
        self._index = {shape: i + 1 for i, shape in enumerate(self.shapes)}  # 0: unseen shape
        self._length = embedding_length
        self.embedding = torch.nn.Embedding(len(self.shapes) + 1, embedding_length)
        self.to(flair.device)
        self.eval()

    @property
    def embedding_length(self) -> int:
        return self._length

    def _add_embeddings_internal(self, sentences: list[Sentence]) -> list[Sentence]:
        tokens = [token for sentence in sentences for token in sentence]
        ids = torch.tensor([self._index.get(word_shape(t.text), 0) for t in tokens], device=flair.device)
        for token, vector in zip(tokens, self.embedding(ids), strict=True):
            token.set_embedding(self.name, vector)
        return sentences

    def __str__(self) -> str:
        return self.name

    def to_params(self) -> dict[str, Any]:
        return {"shapes": self.shapes, "embedding_length": self._length, "name": self.name}

    @classmethod
    def from_params(cls, params: dict[str, Any]) -> WordShapeEmbeddings:
        return cls(**params)
