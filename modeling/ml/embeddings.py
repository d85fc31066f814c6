"""The embedding stack a `TrainingConfig` names, built offline from pip-installed files and the corpus.

flair is imported inside the functions: importing this module costs nothing.
"""

from __future__ import annotations

import importlib
import os
from collections import Counter
from collections.abc import Sequence
from pathlib import Path
from typing import TYPE_CHECKING

from modeling.config import TrainingConfig
from studio.tokenization import word_shape

if TYPE_CHECKING:
    from flair.data import Sentence
    from flair.embeddings import TokenEmbeddings


def use_offline_hub() -> None:
    """Makes Hugging Face libraries fail instead of reaching the network (read when they are imported)."""
    os.environ["HF_HUB_OFFLINE"] = "1"
    os.environ["TRANSFORMERS_OFFLINE"] = "1"
    os.environ["HF_HUB_DISABLE_TELEMETRY"] = "1"
    os.environ.setdefault("TOKENIZERS_PARALLELISM", "false")


def build_embeddings(config: TrainingConfig, train_sentences: Sequence[Sentence]) -> TokenEmbeddings:
    """The embedding stack named by the config, built only from local files and the corpus."""
    from flair.data import Dictionary
    from flair.embeddings import (
        CharacterEmbeddings,
        OneHotEmbeddings,
        StackedEmbeddings,
        TransformerWordEmbeddings,
    )

    stack: list[TokenEmbeddings] = []
    if config.transformer is not None:
        spec = config.transformer
        stack.append(
            TransformerWordEmbeddings(
                model=str(transformer_path(spec.package)),
                name=spec.name,
                layers=spec.layers,
                layer_mean=spec.layer_mean,
                subtoken_pooling=spec.subtoken_pooling,
                fine_tune=spec.fine_tune,
                # Longer inputs are strided instead of truncated, so no token loses its features.
                allow_long_sentences=True,
                use_context=spec.context_tokens,
                # Frozen features are computed once and cached: context dropout would fix a random half of
                # the training sentences without context, unlike prediction, which always has it.
                context_dropout=0.0,
            )
        )
        drop_unread_layers(stack[-1])
    if config.characters is not None:
        # CharacterEmbeddings() without a dictionary downloads flair's "common-chars"; build it instead.
        chars = Dictionary(add_unk=True)
        for ch in sorted({ch for s in train_sentences for t in s for ch in t.text}):
            chars.add_item(ch)
        stack.append(
            CharacterEmbeddings(
                path_to_char_dict=chars,
                char_embedding_dim=config.characters.char_embedding_dim,
                hidden_size_char=config.characters.hidden_size_char,
            )
        )
    if config.words is not None:
        counts = Counter(t.text for s in train_sentences for t in s)
        vocab = Dictionary(add_unk=True)
        for word, count in counts.most_common():
            if count >= config.words.min_freq:
                vocab.add_item(word)
        stack.append(OneHotEmbeddings(vocab, embedding_length=config.words.embedding_length))
    if config.shapes is not None:
        from modeling.ml.casing import WordShapeEmbeddings

        shape_counts = Counter(word_shape(t.text) for s in train_sentences for t in s)
        shapes = [shape for shape, count in shape_counts.most_common() if count >= config.shapes.min_freq]
        stack.append(WordShapeEmbeddings(shapes, embedding_length=config.shapes.embedding_length))
    if len(stack) == 1:
        return stack[0]
    # Keep the embeddings' own names: flair concatenates token vectors in sorted-name order, and the
    # "0-"/"1-" prefixes it adds by default are not restored for OneHotEmbeddings on reload, which
    # silently reorders the features of a reloaded model.
    return StackedEmbeddings(stack, overwrite_names=False)


def drop_unread_layers(embeddings) -> None:
    """Cuts the transformer after the highest layer the config reads (layers "1,2,3" of MiniLM's 6).

    The layers above it never reach the tagger, yet every forward pass would run them: at training (the
    features of every sentence) and at prediction. Cutting them changes no feature, halves that work, and
    shrinks the saved model, whose stored transformer config says how many layers it kept. Negative layer
    indexes count from the top, so a config that reads them keeps every layer.
    """
    indexes = embeddings.layer_indexes
    if not indexes or min(indexes) < 0:
        return
    keep = max(indexes)
    layers = embeddings.model.encoder.layer
    if keep < len(layers):
        embeddings.model.encoder.layer = layers[:keep]
        embeddings.model.config.num_hidden_layers = keep


def transformer_path(package: str) -> Path:
    """The Hugging Face folder a pip package ships (it exposes ``get_model_path()``)."""
    module = importlib.import_module(package)
    return Path(module.get_model_path())
