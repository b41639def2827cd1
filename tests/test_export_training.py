"""The exported training code is written from trainers' own definitions: same schedules, optimizers, validation."""
import math

import pytest
import torch
from torch import nn

from export.training import optimizer_source, schedule_source, training_source
from export_graphs import GRAPHS, entered
from trainers.optimizers import make_optimizer
from trainers.schedules import make_schedule


def _lrs(optimizer, scheduler, steps):
    out = []
    for _ in range(steps):
        out.append(optimizer.param_groups[0]["lr"])
        optimizer.step()
        scheduler.step()
    return out


@pytest.mark.parametrize("spec", [{"type": "step", "step_size": 2, "gamma": 0.5}, {"type": "step"},
                                  {"type": "cosine"}, {"type": "cosine", "eta_min": 0.01}, {"type": "one-cycle"},
                                  {"type": "one-cycle", "max_lr": 0.05, "pct_start": 0.2}])
def test_an_exported_schedule_steps_like_trainers(spec):
    steps_per_epoch, epochs = 3, 25
    total_steps = steps_per_epoch * epochs
    ours = torch.optim.SGD(nn.Linear(2, 1).parameters(), lr=0.01)
    theirs = torch.optim.SGD(nn.Linear(2, 1).parameters(), lr=0.01)
    exported = eval(schedule_source(spec), {"torch": torch, "math": math, "optimizer": ours,  # noqa: S307 (our source)
                                            "steps_per_epoch": steps_per_epoch, "total_steps": total_steps})
    reference = make_schedule(spec, theirs, total_steps, steps_per_epoch)
    assert _lrs(ours, exported, total_steps) == pytest.approx(_lrs(theirs, reference, total_steps))


@pytest.mark.parametrize("spec", [{"type": "Adam", "lr": 0.001}, {"type": "SGD", "lr": 0.05, "momentum": 0.9},
                                  {"type": "AdamW", "lr": 0.01, "betas": [0.8, 0.9], "weight_decay": 0.1}])
def test_an_exported_optimizer_has_trainers_hyperparameters(spec):
    model = nn.Linear(3, 2)
    exported = eval(optimizer_source(spec), {"torch": torch, "model": model})  # noqa: S307 (our source)
    reference = make_optimizer(spec, model.parameters())
    skip = {"params", "fused", "foreach", "capturable", "differentiable"}
    assert type(exported) is type(reference)
    assert {k: v for k, v in exported.param_groups[0].items() if k not in skip} == \
        {k: v for k, v in reference.param_groups[0].items() if k not in skip}


def test_settings_are_validated_by_trainers():
    project = {**GRAPHS["mlp"], "training": {**GRAPHS["mlp"]["training"], "optimizer": {"type": "SGD", "momentm": 1}}}
    with pytest.raises(ValueError, match="training.optimizer.momentm: SGD has no argument 'momentm'"):
        training_source(entered(project), "M")
    project["training"]["optimizer"] = {"type": "SGD", "lr": 0.1}
    project["training"]["batch_size"] = 0
    with pytest.raises(ValueError, match="training.batch_size: expected a positive integer"):
        training_source(entered(project), "M")


def test_data_facts_come_from_a_default_sized_set(monkeypatch):
    """A project asking for 50 million samples exports them in the script without the server building them."""
    import export.training as training
    asked = []
    real = training.load_dataset
    monkeypatch.setattr(training, "load_dataset", lambda name, **options: asked.append(options) or real(name, **options))
    project = {**GRAPHS["residual"], "training": {**GRAPHS["residual"]["training"], "dataset": "moons",
                                                  "dataset_options": {"n_samples": 50_000_000, "noise": 0.3}}}
    main, _, _ = training_source(entered(project), "M")
    assert "load_data(n_samples=50000000, noise=0.3)" in main
    assert asked == [{}]


def test_a_schedule_option_that_is_not_a_number_is_named_by_trainers():
    with pytest.raises(ValueError, match="training.schedule.gamma: expected a finite number, got 'half'"):
        schedule_source({"type": "step", "gamma": "half"})
