"""The data set code written into exported scripts regenerates exactly the tensors trainers/datasets builds."""
import math

import numpy as np
import pytest
import torch

from builder.export_data import DATA_CODE, data_function

datasets = pytest.importorskip("trainers.datasets")

SMALL = {"moons": {"n_samples": 120}, "circles": {"n_samples": 120, "noise": 0.1}, "gaussians": {"n_samples": 90},
         "xor": {"n_samples": 100}, "spiral": {"n_samples": 100, "classes": 3}, "sine": {"n_points": 200},
         "adding": {"n_samples": 50, "length": 12}, "reverse": {"n_samples": 40}, "sort": {"n_samples": 40},
         "copy": {"n_samples": 40}, "recall": {"n_samples": 40}, "stocks": {"window": 5}}


def _run(name, options):
    source, call, _ = data_function(name, options)
    namespace = {"torch": torch, "np": np, "math": math}
    exec(compile(source, f"load_{name}.py", "exec"), namespace)
    return eval(call, namespace)


@pytest.mark.parametrize("name", list(DATA_CODE))
def test_same_tensors_as_trainers(name):
    options = SMALL.get(name, {})
    x, y = _run(name, options)
    ref = datasets.load_dataset(name, **options)
    assert torch.equal(x, ref.x), name
    assert torch.equal(y, ref.y), name
    code = DATA_CODE[name]
    assert (code.task, code.standardise, code.standardise_target, code.ordered) == \
        (ref.task, ref.standardise, ref.standardise_target, ref.ordered)


@pytest.mark.parametrize("name", list(DATA_CODE))
def test_same_default_options_as_trainers(name):
    assert DATA_CODE[name].options == datasets.dataset_options(name)


def test_unknown_option_names_the_field():
    with pytest.raises(ValueError, match=r"training.dataset_options.colour: 'moons' has no option"):
        data_function("moons", {"colour": "red"})
