"""Every preset trains with its own settings on CPU and meets its target; comparison presets show their claim."""
from __future__ import annotations

import functools
import statistics

import pytest
import torch

import presets
from trainers import TrainingJob, load_dataset
from trainers.datasets import split

pytestmark = pytest.mark.slow


@functools.lru_cache(maxsize=None)
def run(name: str, variant: str | None = None) -> dict:
    """Train a preset (or one of its variants) on CPU; the job's history plus its last probe snapshot."""
    torch.set_num_threads(1)
    project = presets.load_preset(name)
    if variant is not None:
        project = presets.apply_variant(project, variant)
    job = TrainingJob(project, device="cpu")
    job.start()
    job.join()
    snap = job.snapshot()
    assert snap["status"] == "finished", (name, variant, snap["status"], snap["error"], snap["message"])
    return {**job.history(), "probes": snap["probes"]}


def last(history: dict, metric: str) -> float:
    return history["epochs"][metric][-1]


def grad(history: dict, node: str) -> float:
    """Median gradient norm of a node over the run (the gradient-norm chart's line)."""
    return statistics.median(g for g in history["probes"]["gradient_history"]["grad_norm"][node] if g is not None)


def assert_target(name: str, variant: str | None = None) -> dict:
    history = run(name, variant)
    target = presets.load_preset(name)["lesson"]["target"]
    value, ok = presets.target_result(target, history)
    assert ok, f"{name}: {target['metric']} = {value} misses its target {target['op']} {target['value']}"
    return history


def repeat_last_mse(dataset: str, options: dict, val_fraction=0.2, seed=0) -> float:
    """MSE of the naive forecast 'the next value equals the last one' on the validation split."""
    data = load_dataset(dataset, **options)
    part = split(data, data.input_shape, val_fraction, seed, "cpu")
    return float(((part.x_val[:, -1, :] - part.y_val) ** 2).mean())


def test_simplenet_reads_digits():
    assert_target("simplenet_digits")


def test_spiral_boundary_forms():
    history = assert_target("spiral_playground")
    boundary = history["probes"]["boundary"]
    assert boundary is not None and {c for row in boundary["predicted"] for c in row} == {0, 1}


def test_activations_relu_and_tanh_learn_sigmoid_crawls():
    relu = assert_target("activations_compared", "relu")
    tanh, sigmoid = run("activations_compared", "tanh"), run("activations_compared", "sigmoid")
    assert last(tanh, "val_accuracy") >= 0.9
    assert last(sigmoid, "train_loss") > 3 * max(last(relu, "train_loss"), last(tanh, "train_loss"))
    # with Sigmoid the first layer gets a far weaker gradient than the last; with ReLU they are alike
    assert grad(sigmoid, "fc1") / grad(sigmoid, "out") < 0.2 * grad(relu, "fc1") / grad(relu, "out")


def test_lenet_reads_digits_and_shows_feature_maps():
    history = assert_target("lenet_digits")
    maps = history["probes"]["feature_maps"]
    assert maps["conv1"]["shape"] == [8, 8, 8] and maps["pool2"]["shape"] == [16, 2, 2]


def test_gated_cells_remember_a_plain_rnn_does_not():
    assert_target("memory_rnn_lstm_gru", "lstm")
    assert last(run("memory_rnn_lstm_gru", "gru"), "val_r2") >= 0.9
    assert last(run("memory_rnn_lstm_gru", "rnn"), "val_r2") <= 0.2


def test_lstm_forecast_beats_the_naive_forecast_but_not_on_stocks():
    project = presets.load_preset("forecast_sine")
    lstm = assert_target("forecast_sine", "lstm")
    naive = repeat_last_mse("sine", project["training"]["dataset_options"])
    assert last(lstm, "val_loss") < 0.5 * naive
    assert last(run("forecast_sine", "gru"), "val_r2") >= 0.98
    stocks = run("forecast_sine", "stocks")
    options = presets.apply_variant(project, "stocks")["training"]["dataset_options"]
    assert last(stocks, "val_r2") >= 0.8  # it learns the price level...
    assert last(stocks, "val_loss") > 0.8 * repeat_last_mse("stocks", options)  # ...but does not beat the naive forecast


def test_transformer_reverses_and_needs_positions():
    history = assert_target("transformer_reverse", "positions")
    weights = history["probes"]["attention"]["enc1"]["weights"]
    assert len(weights) == 4 and len(weights[0]) == 8  # heads × T × T
    # at least one head reads position 7 - i for output i: weight gathers on the anti-diagonal
    assert max(sum(head[i][7 - i] for i in range(8)) / 8 for head in weights) >= 0.5
    assert last(run("transformer_reverse", "no_positions"), "val_accuracy") <= 0.5


def test_residual_connections_let_a_deep_net_train():
    residual = assert_target("residual_deep", "residual")
    plain = run("residual_deep", "plain")
    assert last(plain, "train_loss") >= 2.0  # about ln(10): a blind guess
    assert last(residual, "train_loss") < 0.5 * last(plain, "train_loss")
    assert grad(plain, "stem") < grad(plain, "out") / 1000


def test_overfitting_curves_part_and_every_cure_narrows_the_gap():
    base = assert_target("overfitting", "overfit")
    train, val = base["epochs"]["train_loss"], base["epochs"]["val_loss"]
    best = min(range(len(val)), key=val.__getitem__)
    assert best < len(val) // 3  # validation loss bottoms out early...
    assert val[-1] > 2 * val[best]  # ...then climbs
    assert train[-1] < 0.5 * train[best]  # while training loss keeps falling
    gap = val[-1] - train[-1]
    for cure in ("dropout", "weight_decay", "batchnorm"):
        cured = run("overfitting", cure)
        assert last(cured, "val_loss") - last(cured, "train_loss") < gap / 2, cure


def test_gradients_vanish_in_a_deep_sigmoid_stack():
    healthy = assert_target("vanishing_gradients", "relu_bn")
    sigmoid = run("vanishing_gradients", "sigmoid")
    assert grad(healthy, "fc1") > 1000 * grad(sigmoid, "fc1")
    assert grad(sigmoid, "fc1") < grad(sigmoid, "out") / 1000
    assert last(sigmoid, "val_accuracy") <= 0.3


def test_optimizers_race_adaptive_methods_win():
    adam = assert_target("optimizers_race", "adam")
    loss = {v: last(run("optimizers_race", v), "train_loss") for v in ("sgd", "momentum", "rmsprop")}
    loss["adam"] = last(adam, "train_loss")
    assert loss["adam"] < loss["momentum"] < loss["sgd"]
    assert loss["rmsprop"] < loss["momentum"]
    assert loss["adam"] < 0.5 * loss["sgd"]


def test_autoencoder_reconstructs_and_a_narrow_bottleneck_blurs():
    code8 = assert_target("autoencoder_digits", "code8")
    sample = code8["probes"]["samples"][0]
    assert sample["kind"] == "image" and len(sample["prediction"]) == 8 and len(sample["prediction"][0]) == 8
    assert last(run("autoencoder_digits", "code2"), "val_loss") > 1.2 * last(code8, "val_loss")


def test_diabetes_regression_beats_the_mean():
    assert_target("diabetes_regression")
