"""The estimate of how long training takes: tokens of the documents that would train (the job's split), counted
with the ML core's tokenizer on a bounded sample, times the config's measured speed."""

from __future__ import annotations

import dataclasses
import re

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from annotation.formats import DocumentData
from annotation.services.imports import documents_import
from annotation.splits import split_counts
from modeling import config as configs
from modeling.services.training import estimate
from modeling.services.training.estimate import (
    MEASURED_SPEED,
    DocumentCounts,
    document_counts,
    estimate_for,
    speed_of,
    training_estimate,
)
from modeling.services.training.options import MANUAL, PERCENTAGE, EvaluationOptions
from projects.services.projects import project_create
from studio.tokenization import tokenize

TEXT = "Ana Lopez borrowed $5,000 from Acme Bank (the lender) on Jan. 3rd, didn't she?"
TOKENS = len(tokenize(TEXT))
DEFAULT = configs.CONFIGS[configs.DEFAULT_VERSION]
WRITE = re.compile(r"^\s*(INSERT|UPDATE|DELETE|REPLACE)\b", re.IGNORECASE)


@pytest.fixture
def project(make_user):
    """6 Train, 2 unassigned and 3 Test documents, all with TEXT."""
    owner = make_user("owner")
    project = project_create(user=owner, name="loans")
    datasets = ["Train"] * 6 + [""] * 2 + ["Test"] * 3
    documents = [DocumentData(f"doc-{i:02d}.txt", TEXT, dataset=d) for i, d in enumerate(datasets)]
    documents_import(user=owner, project=project, documents=documents)
    return project


def test_tokens_are_counted_with_the_ml_tokenizer(project):
    assert TOKENS == 19  # the tokenizer splits "(", ")", ",", "n't" and "?" off; "Jan." stays whole
    counts = document_counts(project=project)
    assert counts == DocumentCounts(
        train_documents=6,
        train_tokens=6 * TOKENS,
        unassigned_documents=2,
        unassigned_tokens=2 * TOKENS,
        test_documents=3,
        test_tokens=3 * TOKENS,
    )
    assert (counts.pool_documents, counts.pool_tokens) == (8, 8 * TOKENS)


def test_a_manual_split_trains_on_train_only_and_tests_on_test(project):
    result = training_estimate(project=project, config=DEFAULT, evaluation=EvaluationOptions(kind=MANUAL))
    assert (result.train_documents, result.train_tokens) == (6, 6 * TOKENS)
    assert (result.test_documents, result.test_tokens) == (3, 3 * TOKENS)


def test_a_percentage_split_trains_on_its_share_of_the_pool(project):
    result = training_estimate(
        project=project, config=DEFAULT, evaluation=EvaluationOptions(kind=PERCENTAGE, training_percent=75)
    )
    assert split_counts(8, 25) == (6, 2)  # the job's own document counts; Test documents are left out
    assert (result.train_documents, result.train_tokens) == (6, 6 * TOKENS)
    assert (result.test_documents, result.test_tokens) == (2, 2 * TOKENS)


def test_the_total_is_features_plus_every_epoch_plus_evaluation(project):
    speed = MEASURED_SPEED[DEFAULT.version]
    result = training_estimate(project=project, config=DEFAULT, evaluation=EvaluationOptions(kind=MANUAL))
    # A small project: the small head's batches of 4, and more epochs, up to min_steps.
    assert result.small_project and DEFAULT.for_tokens(6 * TOKENS).mini_batch_size == 4
    assert result.epochs == DEFAULT.for_tokens(6 * TOKENS).epochs_for(6) == 400 // 2
    assert result.feature_seconds == pytest.approx(speed.feature_seconds_per_1k_tokens * 6 * TOKENS / 1000)
    assert result.epoch_seconds == pytest.approx(speed.small_project_epoch_seconds_per_1k_tokens * 6 * TOKENS / 1000)
    assert result.evaluation_seconds == pytest.approx(speed.predict_seconds_per_1k_tokens * 3 * TOKENS / 1000)
    assert result.total_seconds == pytest.approx(
        result.feature_seconds + result.epochs * result.epoch_seconds + result.evaluation_seconds
    )
    assert result.may_end_early  # plateau annealing: an upper bound
    linear = dataclasses.replace(DEFAULT, lr_schedule="linear")
    counts = document_counts(project=project)
    assert not estimate_for(counts=counts, config=linear, evaluation=EvaluationOptions()).may_end_early


def test_every_config_has_a_measured_speed_and_the_fast_one_reads_no_transformer():
    assert set(MEASURED_SPEED) == set(configs.CONFIGS)
    fast = configs.CONFIGS["2026-11-01-fast"]
    assert fast.transformer is None and speed_of(fast).feature_seconds_per_1k_tokens == 0


def test_an_unknown_version_falls_back_to_the_default_speed():
    counts = DocumentCounts(100, 30_000, 0, 0, test_documents=20, test_tokens=6_000)
    newer = dataclasses.replace(DEFAULT, version="2099-01-01-faster")
    evaluation = EvaluationOptions()
    assert speed_of(newer) == MEASURED_SPEED[configs.DEFAULT_VERSION]
    assert estimate_for(counts=counts, config=newer, evaluation=evaluation) == estimate_for(
        counts=counts, config=DEFAULT, evaluation=evaluation
    )
    without_transformer = dataclasses.replace(configs.CONFIGS["2026-11-01-fast"], version="2099-01-01-chars")
    assert estimate_for(counts=counts, config=without_transformer, evaluation=evaluation).feature_seconds == 0


def test_the_estimate_grows_with_epochs_and_tokens():
    evaluation = EvaluationOptions()
    small = DocumentCounts(100, 30_000, 0, 0, test_documents=0, test_tokens=0)
    large = dataclasses.replace(small, train_tokens=60_000)
    for config in configs.CONFIGS.values():
        totals = [
            estimate_for(
                counts=small, config=dataclasses.replace(config, max_epochs=n, min_steps=0), evaluation=evaluation
            )
            for n in (1, 10, 25, 50)
        ]
        assert [t.total_seconds for t in totals] == sorted({t.total_seconds for t in totals})
        assert (
            estimate_for(counts=large, config=config, evaluation=evaluation).total_seconds
            > estimate_for(counts=small, config=config, evaluation=evaluation).total_seconds
        )
        percentages = [
            estimate_for(counts=small, config=config, evaluation=EvaluationOptions(training_percent=p))
            for p in (10, 50, 90)
        ]
        assert [p.train_tokens for p in percentages] == sorted(p.train_tokens for p in percentages)


def test_an_empty_project_is_estimated_at_nothing(make_user):
    project = project_create(user=make_user("owner"), name="empty")
    counts = document_counts(project=project)
    assert counts == DocumentCounts(0, 0, 0, 0, 0, 0)
    result = estimate_for(counts=counts, config=DEFAULT, evaluation=EvaluationOptions())
    assert (result.train_documents, result.total_seconds) == (0, 0)


def test_the_count_reads_a_bounded_sample_in_a_few_queries_and_never_writes(project, monkeypatch):
    monkeypatch.setattr(estimate, "SAMPLE_DOCUMENTS", 4)
    monkeypatch.setattr(estimate, "SAMPLE_CHARACTERS", 20)
    tokenized: list[str] = []
    monkeypatch.setattr(estimate, "tokenize", lambda text: tokenized.append(text) or tokenize(text))
    with CaptureQueriesContext(connection) as queries:
        counts = document_counts(project=project)
    assert len(queries.captured_queries) == 3
    assert not [q["sql"] for q in queries.captured_queries if WRITE.match(q["sql"])]
    assert len(tokenized) == 4 and all(text == TEXT[:20] for text in tokenized)  # every 3rd of 11, cut
    ratio = len(tokenize(TEXT[:20])) / 20
    assert counts.pool_tokens == round(8 * len(TEXT) * ratio)
    # Same project, same sample.
    assert document_counts(project=project) == counts


def test_a_queued_job_ends_when_the_train_page_said_it_would(make_user):
    from django.utils import timezone

    from modeling.services.training.start import training_job_start
    from tests.modeling.services.test_training_split import make_project

    owner = make_user("trainer")
    labeled = make_project(owner, ["Train"] * 20 + ["Test"] * 5)
    manual = EvaluationOptions(kind=MANUAL)
    before = timezone.now()
    estimate = training_estimate(project=labeled, config=DEFAULT, evaluation=manual)
    job = training_job_start(user=owner, project=labeled, model_label="m1", config_version=None, evaluation=manual)
    assert job.status == "notStarted"
    waited = (job.estimated_end_at - before).total_seconds()
    assert estimate.total_seconds <= waited <= estimate.total_seconds + 5


def test_a_large_project_is_estimated_with_the_large_head():
    counts = DocumentCounts(100, 30_000, 0, 0, test_documents=20, test_tokens=6_000)
    result = estimate_for(counts=counts, config=DEFAULT, evaluation=EvaluationOptions(kind=MANUAL))
    speed = MEASURED_SPEED[DEFAULT.version]
    assert not result.small_project
    assert result.epoch_seconds == pytest.approx(speed.epoch_seconds_per_1k_tokens * 30)
    assert result.epochs == DEFAULT.epochs_for(100)  # batches of 32
