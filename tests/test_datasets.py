"""Offline data sets: declared shapes, adaptation to the Input shape, CSV and IDX loading, clear errors."""
import numpy as np
import pandas as pd
import pytest
import torch

from trainers import DATASETS, TrainingError, load_dataset
from trainers.datasets import split
from trainers.datasets.idx import read_idx, write_idx

OFFLINE = [n for n in DATASETS if n not in ("csv", "mnist", "fashion_mnist")]


@pytest.mark.parametrize("name", OFFLINE)
def test_every_offline_set_declares_what_it_holds(name):
    data = load_dataset(name)
    assert data.task in ("classification", "regression")
    assert len(data.x) == len(data.y) > 100
    if data.task == "classification":
        assert data.y.dtype == torch.long and int(data.y.max()) < data.n_classes == len(data.class_names)
    else:
        assert data.y.dtype == torch.float32 and data.n_classes is None
    assert data.dtype == ("long" if data.kind == "tokens" else "float")


def test_known_shapes():
    assert load_dataset("digits").input_shape == (64,)
    assert load_dataset("sine").input_shape == (20, 1) and load_dataset("sine").target_shape == (1,)
    assert load_dataset("reverse").target_shape == (8,)
    assert load_dataset("recall", length=12).input_shape == (12,)


def test_adapt_flat_to_image_and_mismatch_names_both_shapes():
    data = load_dataset("digits")
    assert data.adapt([1, 8, 8], "img").shape == (1797, 1, 8, 8)
    with pytest.raises(TrainingError, match=r"\[64\].*'img' expects \[3, 8, 8\]"):
        data.adapt([3, 8, 8], "img")


def test_unknown_names_suggest_the_closest():
    with pytest.raises(TrainingError, match="did you mean 'digits'.*choices:.*spiral"):
        load_dataset("digts")
    with pytest.raises(TrainingError, match="did you mean 'noise'"):
        load_dataset("moons", noize=0.3)


def test_generated_sets_follow_their_options():
    a, b = load_dataset("moons", n_samples=300, noise=0.0), load_dataset("moons", n_samples=300, noise=0.3)
    assert len(a) == 300 and not torch.equal(a.x, b.x)
    assert load_dataset("gaussians", classes=5).n_classes == 5
    xor = load_dataset("xor", noise=0.0)
    assert torch.equal(xor.y, (xor.x[:, 0] * xor.x[:, 1] > 0).long())


def test_token_and_series_targets():
    rev, srt, rec = load_dataset("reverse"), load_dataset("sort"), load_dataset("recall")
    assert torch.equal(rev.y, rev.x.flip(1)) and torch.equal(srt.y, srt.x.sort(1).values)
    assert torch.equal(rec.y, rec.x[:, 0])
    sine = load_dataset("sine")
    assert torch.equal(sine.x[1, -1, 0], sine.y[0, 0])  # the target is the value right after the window
    adding = load_dataset("adding", n_samples=50, length=10)
    assert torch.allclose((adding.x[..., 0] * adding.x[..., 1]).sum(1), adding.y[:, 0])


def test_standardisation_is_fitted_on_the_train_split_only():
    data = load_dataset("wine")
    s = split(data, data.input_shape, 0.3, 0, "cpu")
    assert torch.allclose(s.x_train.mean(0), torch.zeros(13), atol=1e-5)
    assert s.x_val.mean(0).abs().max() > 1e-3  # the validation split keeps its own offset


def test_series_split_is_chronological():
    data = load_dataset("sine")
    s = split(data, data.input_shape, 0.25, 0, "cpu")
    assert torch.equal(s.x_val[0], data.x[len(data) - len(s.x_val)])


def test_csv_one_hot_categories_and_classification(tmp_path, local_paths):
    path = tmp_path / "pets.csv"
    pd.DataFrame({"weight": [3.0, 30.0, 4.0, 25.0, 5.0, 28.0], "colour": ["b", "w", "w", "b", "b", "w"],
                  "kind": ["cat", "dog", "cat", "dog", "cat", "dog"]}).to_csv(path, index=False)
    data = load_dataset("csv", path=str(path), target="kind")
    assert data.task == "classification" and data.class_names == ["cat", "dog"]
    assert data.feature_names == ["weight", "colour_b", "colour_w"] and data.input_shape == (3,)
    assert data.y.tolist() == [0, 1, 0, 1, 0, 1]


def test_csv_regression_missing_values_and_bad_target(tmp_path, local_paths):
    path = tmp_path / "house.csv"
    pd.DataFrame({"rooms": [1, 2, 3, 4], "price": [1.5, 2.5, 3.1, 4.2]}).to_csv(path, index=False)
    assert load_dataset("csv", path=str(path), target="price").task == "regression"
    with pytest.raises(TrainingError, match="'cost' not found; columns: rooms, price"):
        load_dataset("csv", path=str(path), target="cost")
    text = "a,b,y\n1,,0\n2,3,1\n,4,0\n5,,1\n"
    with pytest.raises(TrainingError, match=r"missing values in 'a' \(1\), 'b' \(2\)"):
        load_dataset("csv", text=text, target="y")


def test_idx_files_round_trip_and_load_as_mnist(tmp_path, local_paths):
    rng = np.random.default_rng(0)
    images, labels = rng.integers(0, 256, (20, 28, 28), dtype=np.uint8), rng.integers(0, 10, 20, dtype=np.uint8)
    folder = tmp_path / "mnist"
    folder.mkdir()
    write_idx(folder / "train-images-idx3-ubyte.gz", images)
    write_idx(folder / "train-labels-idx1-ubyte", labels)
    assert np.array_equal(read_idx(folder / "train-images-idx3-ubyte.gz"), images)
    data = load_dataset("mnist", root=str(tmp_path))
    assert data.input_shape == (1, 28, 28) and data.image_shape == (28, 28)
    assert torch.allclose(data.x[3, 0], torch.as_tensor(images[3] / 255.0, dtype=torch.float32))
    assert data.y.tolist() == labels.tolist()
    with pytest.raises(TrainingError, match="not on this machine.*train-images-idx3-ubyte"):
        load_dataset("fashion_mnist", root=str(tmp_path))
