"""Stochastic weight averaging: the running mean of trained parameters, one snapshot per epoch."""

from __future__ import annotations

import torch

from modeling.ml.plugins.averaging import WeightAverager


class TwoLayers(torch.nn.Module):
    def __init__(self) -> None:
        super().__init__()
        self.trained = torch.nn.Linear(2, 2)
        self.frozen = torch.nn.Linear(2, 2)


def snapshot(model: TwoLayers, averager: WeightAverager, value: float) -> None:
    """Sets the trained layer to ``value`` everywhere, as if an epoch of SGD had moved it there."""
    with torch.no_grad():
        model.trained.weight.fill_(value)
        model.trained.bias.fill_(value)
        model.frozen.weight.fill_(100 + value)  # changes, but has no gradient: not the optimizer's doing
    averager.add(model)


def test_the_average_of_three_epochs_is_loaded_into_the_trained_parameters_only():
    model = TwoLayers()
    model.trained.weight.grad = torch.zeros(2, 2)
    model.trained.bias.grad = torch.zeros(2)
    averager = WeightAverager()
    for value in (1.0, 2.0, 6.0):
        snapshot(model, averager, value)

    assert averager.apply_to(model) is True
    assert torch.equal(model.trained.weight, torch.full((2, 2), 3.0))
    assert torch.equal(model.trained.bias, torch.full((2,), 3.0))
    assert torch.equal(model.frozen.weight, torch.full((2, 2), 106.0))


def test_one_snapshot_leaves_the_model_as_it_is():
    model = TwoLayers()
    model.trained.weight.grad = torch.zeros(2, 2)
    averager = WeightAverager()
    snapshot(model, averager, 5.0)
    with torch.no_grad():
        model.trained.weight.fill_(7.0)

    assert averager.apply_to(model) is False
    assert torch.equal(model.trained.weight, torch.full((2, 2), 7.0))
