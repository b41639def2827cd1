"""Training settings, losses, optimizers and schedules: names are torch's, errors name the field."""
import pytest
import torch
from torch import nn

from trainers import LOSSES, OPTIMIZERS, TrainingError, TrainingSettings
from trainers.losses import adapt_target, compute_loss
from trainers.optimizers import make_optimizer
from trainers.schedules import make_schedule


def test_round_trip_keeps_unknown_keys():
    raw = {"dataset": "iris", "optimizer": {"type": "SGD", "lr": 0.1, "momentum": 0.9, "nesterov": True},
           "schedule": {"type": "cosine"}, "epochs": 3, "grad_clip": 1.0, "early_stopping": 2, "colour": "blue"}
    s = TrainingSettings.from_dict(raw)
    assert s.optimizer["momentum"] == 0.9 and s.early_stopping == 2
    again = TrainingSettings.from_dict(s.to_dict())
    assert again == s and again.to_dict()["colour"] == "blue"


@pytest.mark.parametrize("raw, pattern", [
    ({"batch_size": 0}, r"training\.batch_size: expected a positive integer"),
    ({"epochs": "ten"}, r"training\.epochs"),
    ({"val_fraction": 1.5}, r"training\.val_fraction"),
    ({"loss": "CrossEntropy"}, r"unknown loss 'CrossEntropy' \(training\.loss\); did you mean 'CrossEntropyLoss'"),
    ({"optimizer": {"type": "Adamw"}}, r"training\.optimizer\.type.*did you mean 'AdamW'"),
    ({"optimizer": {"type": "Adam", "momentum": 0.9}}, r"training\.optimizer\.momentum: Adam has no argument"),
    ({"optimizer": {"type": "SGD", "lr": -1}}, r"training\.optimizer\.lr"),
    ({"schedule": {"type": "linear"}}, r"unknown schedule 'linear'"),
    ({"schedule": {"type": "step", "gamma": 0.5, "size": 3}}, r"training\.schedule\.size"),
    ({"device": "tpu"}, r"unknown device 'tpu'"),
    ({"probes": {"every": 0}}, r"training\.probes\.every"),
])
def test_validation_names_the_field(raw, pattern):
    with pytest.raises(TrainingError, match=pattern):
        TrainingSettings.from_dict(raw)


def test_catalogues_are_torch_classes():
    assert all(cls.__module__.startswith("torch.nn") and cls.__name__ == name for name, cls in LOSSES.items())
    assert all(cls.__name__ == name for name, cls in OPTIMIZERS.items())
    opt = make_optimizer({"type": "SGD", "lr": 0.1, "momentum": 0.9, "nesterov": True}, nn.Linear(2, 2).parameters())
    assert opt.param_groups[0]["nesterov"] is True


@pytest.mark.parametrize("spec, after_10", [({"type": "none"}, 1.0), ({"type": "step", "step_size": 1, "gamma": 0.5}, 0.25),
                                            ({"type": "cosine"}, 0.5)])
def test_schedules_step_per_optimizer_step(spec, after_10):
    opt = torch.optim.SGD(nn.Linear(2, 2).parameters(), lr=1.0)
    sched = make_schedule(spec, opt, total_steps=20, steps_per_epoch=5)  # step_size counts epochs
    for _ in range(10):
        opt.step()
        if sched:
            sched.step()
    assert opt.param_groups[0]["lr"] == pytest.approx(after_10)


def test_one_cycle_peaks_at_max_lr():
    opt = torch.optim.SGD(nn.Linear(2, 2).parameters(), lr=0.1)
    sched = make_schedule({"type": "one-cycle", "max_lr": 1.0}, opt, total_steps=100, steps_per_epoch=10)
    lrs = []
    for _ in range(100):
        opt.step()
        sched.step()
        lrs.append(opt.param_groups[0]["lr"])
    assert max(lrs) == pytest.approx(1.0, rel=0.05) and lrs[-1] < 0.01


def test_sequence_cross_entropy_is_over_the_last_dim():
    out, y = torch.randn(4, 7, 10), torch.randint(0, 10, (4, 7))
    expected = nn.functional.cross_entropy(out.permute(0, 2, 1), y)  # torch's own (B, C, T) layout
    assert torch.allclose(compute_loss(nn.CrossEntropyLoss(), out, y), expected)


def test_targets_follow_loss_and_output_shape():
    y = torch.tensor([0, 1, 1])
    assert adapt_target(y, "BCEWithLogitsLoss", (1,), 2, "out").tolist() == [[0.0], [1.0], [1.0]]
    assert adapt_target(y, "MSELoss", (2,), 2, "out").tolist() == [[1, 0], [0, 1], [0, 1]]
    assert adapt_target(torch.ones(3, 1), "MSELoss", (1,), None, "out").shape == (3, 1)
    with pytest.raises(TrainingError, match="output node 'out' gives \\[5\\].*10 classes"):
        adapt_target(torch.arange(10), "CrossEntropyLoss", (5,), 10, "out")
    with pytest.raises(TrainingError, match="needs class labels"):
        adapt_target(torch.ones(3, 1), "CrossEntropyLoss", (1,), None, "out")


def test_device_choice_and_thread_count():
    from trainers.device import cpu_threads, pick_device
    expected = "cuda" if torch.cuda.is_available() else "cpu"
    if not torch.cuda.is_available():
        assert pick_device("auto").type in ("cpu", "mps")
        with pytest.raises(TrainingError, match="training.device: 'cuda' was asked for"):
            pick_device("cuda")
    else:
        assert pick_device("auto").type == expected
    assert pick_device("cpu").type == "cpu"
    assert (cpu_threads(1), cpu_threads(2), cpu_threads(4), cpu_threads(64)) == (1, 1, 2, 8)
