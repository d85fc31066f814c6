"""Versioned training configs: resolution, storage round trip, validation."""

from __future__ import annotations

import dataclasses
import json

import pytest

from modeling import config as training_config
from modeling.config import CONFIGS, DEFAULT_VERSION, TrainingConfig, resolve


def test_latest_and_omitted_select_the_default():
    assert resolve(None) is CONFIGS[DEFAULT_VERSION]
    assert resolve("latest") is CONFIGS[DEFAULT_VERSION]


def test_named_versions_resolve_and_unknown_ones_list_the_known():
    assert len(CONFIGS) >= 2
    for version in CONFIGS:
        assert resolve(version).version == version
    with pytest.raises(ValueError, match=r"Unknown trainingConfigVersion '2020-01-01'.*2026-11-01-fast"):
        resolve("2020-01-01")


def test_there_is_a_fast_and_a_pretrained_transformer_config():
    fast = CONFIGS["2026-11-01-fast"]
    assert fast.transformer is None and fast.characters and fast.words
    assert any(c.transformer and not c.transformer.fine_tune for c in CONFIGS.values())


def test_configs_round_trip_through_json():
    for config in CONFIGS.values():
        stored = json.loads(json.dumps(config.as_dict()))
        assert TrainingConfig.from_dict(stored) == config


def test_configs_are_frozen():
    with pytest.raises(dataclasses.FrozenInstanceError):
        CONFIGS[DEFAULT_VERSION].max_epochs = 1  # type: ignore[misc]


def test_unknown_fields_are_refused():
    stored = CONFIGS["2026-11-01-fast"].as_dict()
    with pytest.raises(ValueError, match="Unknown TrainingConfig fields: epochs"):
        TrainingConfig.from_dict({**stored, "epochs": 3})
    stored["characters"]["size"] = 3
    with pytest.raises(ValueError, match="Unknown CharacterEmbeddingConfig fields: size"):
        TrainingConfig.from_dict(stored)


def test_a_config_needs_embeddings():
    with pytest.raises(ValueError, match="has no embeddings"):
        TrainingConfig(version="x", description="nothing")


def test_every_field_has_a_type():
    for cls in (TrainingConfig, training_config.TransformerEmbeddingConfig):
        assert all(f.type for f in dataclasses.fields(cls))


def test_a_small_project_trains_more_epochs_to_reach_min_steps():
    config = dataclasses.replace(CONFIGS[DEFAULT_VERSION], max_epochs=20, mini_batch_size=8, min_steps=600)
    assert config.epochs_for(41) == 100  # 6 batches an epoch
    assert config.epochs_for(1) == 600
    assert config.epochs_for(10_000) == 20  # large projects: max_epochs
    assert dataclasses.replace(config, min_steps=0).epochs_for(41) == 20


def test_the_default_adapts_its_head_to_the_projects_size_and_nothing_else():
    default = CONFIGS[DEFAULT_VERSION]
    small = default.small_projects
    assert small is not None
    assert default.is_small(small.below_tokens - 1) and not default.is_small(small.below_tokens)
    adapted = default.for_tokens(1_187)  # the sample project's Train documents
    assert (adapted.hidden_size, adapted.mini_batch_size) == (256, 4)
    # Only the head changes; the adaptation is recorded in what the model stores.
    assert dataclasses.replace(adapted, hidden_size=default.hidden_size, mini_batch_size=default.mini_batch_size) == (
        default
    )
    assert TrainingConfig.from_dict(adapted.as_dict()) == adapted
    # A large project trains exactly as 2026-12-02-accurate did (wikigold, WNUT17: CONFIGS.md).
    large = default.for_tokens(31_000)
    assert large is default
    quick = CONFIGS["2026-12-02-accurate"]
    assert dataclasses.replace(large, version=quick.version, description=quick.description, small_projects=None) == (
        quick
    )
    # Configs without a small-project head never adapt.
    assert quick.for_tokens(10) is quick and not quick.is_small(10)
