"""Starting a training job with typed arguments: `EvaluationOptions`, what a job stores, and the train form
building the same options the authoring API parses."""

from __future__ import annotations

import pytest

from modeling import config as configs
from modeling.forms import TrainForm
from modeling.models import TrainingJob
from modeling.services.training.options import EvaluationOptions
from modeling.services.training.start import training_job_start
from studio.exceptions import InvalidInput
from tests.modeling.test_pages import make_team


def test_options_default_to_percentage_80_20_and_store_azures_shape():
    options = EvaluationOptions()
    assert (options.kind, options.training_percent, options.testing_percent) == ("percentage", 80, 20)
    assert options.as_stored() == {"kind": "percentage", "trainingSplitPercentage": 80, "testingSplitPercentage": 20}
    assert EvaluationOptions(kind="manual").as_stored() == {"kind": "manual"}


@pytest.mark.parametrize(
    "options", [EvaluationOptions(), EvaluationOptions(training_percent=65), EvaluationOptions(kind="manual")]
)
def test_stored_options_read_back_as_they_were(options):
    assert EvaluationOptions.from_stored(options.as_stored()) == options


@pytest.mark.parametrize("training", [0, 100, 120, True, "80"])
def test_options_refuse_a_test_share_outside_1_to_99(training):
    with pytest.raises(InvalidInput, match="whole percentage from 1 to 99"):
        EvaluationOptions(training_percent=training)


def test_options_refuse_an_unknown_kind():
    with pytest.raises(ValueError, match="kind must be 'percentage' or 'manual'"):
        EvaluationOptions(kind="random")


def test_a_job_stores_its_options_as_the_api_always_has(make_user):
    team = make_team(make_user)
    job = training_job_start(
        user=team.owner,
        project=team.project,
        model_label="m1",
        config_version=None,
        evaluation=EvaluationOptions(training_percent=70),
    )
    stored = TrainingJob.objects.get(pk=job.pk)
    expected = {"kind": "percentage", "trainingSplitPercentage": 70, "testingSplitPercentage": 30}
    assert stored.evaluation_options == expected
    assert stored.split_seed == 42


@pytest.mark.parametrize(
    "data,expected",
    [
        ({"split": "percentage", "train_percent": "70", "test_percent": "30"}, EvaluationOptions(training_percent=70)),
        ({"split": "percentage"}, EvaluationOptions()),
        ({"split": "manual", "train_percent": "70", "test_percent": "20"}, EvaluationOptions(kind="manual")),
    ],
)
def test_the_train_form_builds_the_options(data, expected):
    form = TrainForm(
        {"target": "new", "model_label": "m1", "config_version": configs.DEFAULT_VERSION, **data},
        existing_labels=[],
        test_documents=3,
    )
    assert form.is_valid(), form.errors
    assert form.evaluation == expected
