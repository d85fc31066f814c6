"""How long a training job will take, before it starts: the tokens it would train and test on times the measured
speed of its config.

A run is one pass of the frozen transformer over every training sentence (features computed once and cached;
only configs with a transformer), then `max_epochs` epochs over the cached features, then the reload check and
predicting the Test documents. Plateau annealing may end a run earlier, so for those configs the estimate is an
upper bound. A busy machine is slower than the reference machine the speeds were measured on.

Reads only: the train page computes this on every GET.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

from django.db.models import Count, Sum
from django.db.models.functions import Length, Substr

from annotation import selectors_team
from annotation.models import Dataset
from annotation.splits import split_counts
from modeling import config as configs
from modeling.services.training.options import MANUAL, EvaluationOptions
from projects.models import Project
from studio.tokenization import tokenize


@dataclass(frozen=True)
class Speed:
    """Seconds per 1,000 tokens on the reference machine."""

    # The one pass of the frozen transformer over the training tokens (0 without a transformer).
    feature_seconds_per_1k_tokens: float
    # One epoch over the training tokens (the cached features, or the embeddings trained from scratch).
    epoch_seconds_per_1k_tokens: float
    # Loading the saved model and predicting the test tokens (the evaluation).
    predict_seconds_per_1k_tokens: float
    # One epoch of a small project's head (`TrainingConfig.small_projects`: wider, smaller mini-batches).
    small_project_epoch_seconds_per_1k_tokens: float | None = None


# Measured speed per config version, from `bench/train_bench.py` (through the studio) and `bench/ml_core.py`
# (the ML core alone) on the 2-core reference machine, idle, one torch thread; the runs are listed in
# `modeling/CONFIGS.md`. Update a row when training gets faster; add one per new version (a version without a
# row is estimated with the default config's speed).
#
# Accurate (MiniLM features + word shapes; both versions run at the same speed):
#   WNUT17, 3,394 train documents, ~62,700 tokens: first epoch (features + one epoch) ~150 s, later epochs
#   ~33 s -> features (150 - 33) / 62.7 = 1.87 s, epoch 33 / 62.7 = 0.53 s per 1k tokens.
#   wikigold, 116 train documents, ~31,000 tokens: first epoch ~77 s, later epochs 16-20 s -> features
#   (77 - 18) / 31 = 1.90 s, epoch 18 / 31 = 0.58 s per 1k tokens.
#   Kept: features 1.9, epoch 0.58 (the slower of the two). Predicting WNUT17's 1,287 test documents (~23,400
#   tokens) took ~50 s -> 50 / 23.4 = 2.14 s per 1k tokens.
# Fast (character BiLSTM + one-hot words, no transformer): epochs ~39 s on wikigold's ~31,000 tokens -> 39 / 31 =
#   1.26 s per 1k tokens; it predicts wikigold's 29 test documents (~7,800 tokens) in ~4 s -> 0.52 s per 1k.
_ACCURATE_SPEED = Speed(
    feature_seconds_per_1k_tokens=1.9, epoch_seconds_per_1k_tokens=0.58, predict_seconds_per_1k_tokens=2.14
)
MEASURED_SPEED: dict[str, Speed] = {
    "2026-11-01-fast": Speed(
        feature_seconds_per_1k_tokens=0.0, epoch_seconds_per_1k_tokens=1.26, predict_seconds_per_1k_tokens=0.52
    ),
    "2026-11-01-accurate": _ACCURATE_SPEED,
    "2026-11-29-accurate": _ACCURATE_SPEED,
    # Only layers 1-3 of MiniLM run and the BiLSTM is 128 wide (bench/ml_core.py, 2-core machine): wikigold's
    # later epochs ~6.8 s over ~31,000 tokens and WNUT17's ~14 s over ~62,700 -> 0.22 s per 1k tokens; the
    # features ~41 s on wikigold -> 1.3 s per 1k. Through the studio: wikigold trained in 166 s (this gives
    # 163 s) and WNUT17 in 267 s (this gives 330 s, an upper bound); evaluating took 11 s for wikigold's ~7,800
    # test tokens and 29 s for WNUT17's ~23,400 -> 1.3 s per 1k.
    "2026-12-02-accurate": Speed(
        feature_seconds_per_1k_tokens=1.3, epoch_seconds_per_1k_tokens=0.22, predict_seconds_per_1k_tokens=1.3
    ),
    # Large projects train exactly as 2026-12-02-accurate. A small project's head (BiLSTM 256, mini-batches of
    # 4): the sample's 32 Train documents, 1,187 tokens, ran 40 epochs of ~0.8 s -> 0.67 s per 1k tokens.
    "2026-12-03-adaptive": Speed(
        feature_seconds_per_1k_tokens=1.3,
        epoch_seconds_per_1k_tokens=0.22,
        predict_seconds_per_1k_tokens=1.3,
        small_project_epoch_seconds_per_1k_tokens=0.67,
    ),
}

# Tokens per character are measured on at most this many documents, spread evenly over the project (every
# n-th by id, so the same project gives the same sample), each cut to its first characters: a GET on a
# 100,000-document project then tokenizes at most 100,000 characters (about 0.1 s) and sums the rest in SQL.
SAMPLE_DOCUMENTS = 200
SAMPLE_CHARACTERS = 500


@dataclass(frozen=True)
class DocumentCounts:
    """The project's documents and their (estimated) tokens per dataset. A manual split trains on Train and tests
    on Test; a percentage split divides the pool (Train and unassigned)."""

    train_documents: int
    train_tokens: int
    unassigned_documents: int
    unassigned_tokens: int
    test_documents: int
    test_tokens: int

    @property
    def pool_documents(self) -> int:
        return self.train_documents + self.unassigned_documents

    @property
    def pool_tokens(self) -> int:
        return self.train_tokens + self.unassigned_tokens


@dataclass(frozen=True)
class TrainingEstimate:
    train_documents: int
    train_tokens: int
    test_documents: int
    test_tokens: int
    # Epochs planned: `config.epochs_for` the training documents (max_epochs, more for a small project).
    epochs: int
    feature_seconds: float
    # Seconds of one epoch.
    epoch_seconds: float
    evaluation_seconds: float
    total_seconds: float
    # Plateau annealing may end the run before `epochs`: the total is then an upper bound.
    may_end_early: bool
    # The config's small-project head applies (`TrainingConfig.is_small`).
    small_project: bool = False


def speed_of(config: configs.TrainingConfig) -> Speed:
    """The measured speed of `config`; the default config's for a version not measured yet."""
    speed = MEASURED_SPEED.get(config.version) or MEASURED_SPEED.get(configs.DEFAULT_VERSION) or _ACCURATE_SPEED
    if config.transformer is None and speed.feature_seconds_per_1k_tokens:
        speed = Speed(0.0, speed.epoch_seconds_per_1k_tokens, speed.predict_seconds_per_1k_tokens)
    return speed


def document_counts(*, project: Project) -> DocumentCounts:
    """Documents per side by one aggregate, tokens as their characters times the sample's tokens per character."""
    documents = selectors_team.training_documents(project=project)  # only reviewed ones, if review is required
    rows = documents.order_by().values("dataset").annotate(documents=Count("pk"), characters=Sum(Length("text")))
    documents = {Dataset.TRAIN: 0, Dataset.UNASSIGNED: 0, Dataset.TEST: 0}
    characters = dict.fromkeys(documents, 0)
    for row in rows:
        dataset = row["dataset"] if row["dataset"] in documents else Dataset.UNASSIGNED
        documents[dataset] += row["documents"]
        characters[dataset] += row["characters"] or 0
    ratio = _tokens_per_character(project)
    return DocumentCounts(
        train_documents=documents[Dataset.TRAIN],
        train_tokens=round(characters[Dataset.TRAIN] * ratio),
        unassigned_documents=documents[Dataset.UNASSIGNED],
        unassigned_tokens=round(characters[Dataset.UNASSIGNED] * ratio),
        test_documents=documents[Dataset.TEST],
        test_tokens=round(characters[Dataset.TEST] * ratio),
    )


def _tokens_per_character(project: Project) -> float:
    ids = list(project.documents.order_by("pk").values_list("pk", flat=True))
    sample = ids[:: math.ceil(len(ids) / SAMPLE_DOCUMENTS)] if ids else []
    texts = project.documents.filter(pk__in=sample).values_list(Substr("text", 1, SAMPLE_CHARACTERS), flat=True)
    characters = tokens = 0
    for text in texts:
        characters += len(text)
        tokens += len(tokenize(text))
    return tokens / characters if characters else 0.0


def estimate_for(
    *, counts: DocumentCounts, config: configs.TrainingConfig, evaluation: EvaluationOptions
) -> TrainingEstimate:
    """The estimate for `counts` (pure arithmetic: the train page computes one per config and percentage)."""
    if evaluation.kind == MANUAL:
        train_documents, train_tokens = counts.train_documents, counts.train_tokens
        test_documents, test_tokens = counts.test_documents, counts.test_tokens
    else:
        # The same document counts as the job's split; tokens in proportion (documents differ in length, but
        # the split is random).
        train_documents, test_documents = split_counts(counts.pool_documents, evaluation.testing_percent)
        share = train_documents / counts.pool_documents if counts.pool_documents else 0.0
        train_tokens = round(counts.pool_tokens * share)
        test_tokens = counts.pool_tokens - train_tokens
    speed = speed_of(config)
    small = config.is_small(train_tokens)
    # The head the run will train (a small project's is wider, on smaller batches). A small project runs more
    # (short) epochs to reach the config's min_steps; a document is at least one sentence, so this errs towards
    # more epochs.
    epochs = config.for_tokens(train_tokens).epochs_for(train_documents)
    per_epoch = speed.epoch_seconds_per_1k_tokens
    if small and speed.small_project_epoch_seconds_per_1k_tokens is not None:
        per_epoch = speed.small_project_epoch_seconds_per_1k_tokens
    feature_seconds = speed.feature_seconds_per_1k_tokens * train_tokens / 1000
    epoch_seconds = per_epoch * train_tokens / 1000
    evaluation_seconds = speed.predict_seconds_per_1k_tokens * test_tokens / 1000
    return TrainingEstimate(
        train_documents=train_documents,
        train_tokens=train_tokens,
        test_documents=test_documents,
        test_tokens=test_tokens,
        epochs=epochs,
        feature_seconds=feature_seconds,
        epoch_seconds=epoch_seconds,
        evaluation_seconds=evaluation_seconds,
        total_seconds=feature_seconds + epochs * epoch_seconds + evaluation_seconds,
        may_end_early=config.lr_schedule == "plateau",
        small_project=small,
    )


def training_estimate(
    *,
    project: Project,
    config: configs.TrainingConfig,
    evaluation: EvaluationOptions,
    counts: DocumentCounts | None = None,
) -> TrainingEstimate:
    """How long training `project` with `config` and `evaluation` would take on the reference machine.

    Pass `counts` (from `document_counts`) to estimate several configs or splits with one count.
    """
    counts = document_counts(project=project) if counts is None else counts
    return estimate_for(counts=counts, config=config, evaluation=evaluation)
