"""The data set code written into exported scripts regenerates exactly the tensors trainers/datasets builds."""
import numpy as np
import pytest
import torch

from export.script import import_block
from export.data import DATA_CODE, data_function

datasets = pytest.importorskip("trainers.datasets")

SMALL = {"moons": {"n_samples": 120}, "circles": {"n_samples": 120, "noise": 0.1}, "gaussians": {"n_samples": 90},
         "xor": {"n_samples": 100}, "spiral": {"n_samples": 100, "classes": 3}, "sine": {"n_points": 200},
         "adding": {"n_samples": 50, "length": 12}, "reverse": {"n_samples": 40}, "sort": {"n_samples": 40},
         "copy": {"n_samples": 40}, "recall": {"n_samples": 40}, "stocks": {"window": 5}}


FILES = ("csv", "mnist", "fashion_mnist")  # need a file: tested below with files the tests write
CSV = "size,colour,weight,label\n1.5,red,3,cat\n2.0,blue,4,dog\n0.5,red,1,cat\n3.5,green,9,dog\n2.5,blue,5,cat\n"


def _run(name, options):
    source, call, code = data_function(name, options)
    namespace = {}
    exec(compile(import_block(code.imports) + source, f"load_{name}.py", "exec"), namespace)
    return eval(call, namespace)


@pytest.mark.parametrize("name", [n for n in DATA_CODE if n not in FILES])
def test_same_tensors_as_trainers(name):
    options = SMALL.get(name, {})
    x, y = _run(name, options)
    ref = datasets.load_dataset(name, **options)
    assert torch.equal(x, ref.x), name
    assert torch.equal(y, ref.y), name


def test_every_data_set_of_trainers_can_be_written():
    assert set(DATA_CODE) == set(datasets.DATASETS)


def test_unknown_option_names_the_field():
    with pytest.raises(ValueError, match=r"training.dataset_options.colour: 'moons' has no option"):
        data_function("moons", {"colour": "red"})


@pytest.mark.parametrize("target", ["label", "weight", "size"])
def test_csv_text_and_file(target, tmp_path, monkeypatch):
    ref = datasets.load_dataset("csv", text=CSV, target=target)
    x, y = _run("csv", {"text": CSV, "target": target, "task": ref.task})
    assert torch.equal(x, ref.x) and torch.equal(y, ref.y)
    (tmp_path / "pets.csv").write_text(CSV)
    monkeypatch.chdir(tmp_path)  # the script expects the file beside it, whatever the server's path was
    x, y = _run("csv", {"path": "/srv/uploads/pets.csv", "target": target, "task": ref.task})
    assert torch.equal(x, ref.x) and torch.equal(y, ref.y)


def test_csv_task_follows_the_loss():
    from export.training import training_source
    from export_graphs import entered
    from graph_factory import make_project
    p = make_project([("in", "Input", {"shape": [5]}), ("out", "Linear", {"out_features": 1})],
                     training={"dataset": "csv", "loss": "MSELoss", "dataset_options": {"text": CSV, "target": "weight"}})
    main, _, _ = training_source(entered(p), "M")
    assert "x, y = load_data(text=CSV_TEXT, target='weight', task='regression')" in main
    assert "y_train, y_val = (y_train - mean) / std" in main  # regression targets are standardised


@pytest.mark.parametrize("name", ["mnist", "fashion_mnist"])
def test_idx_images_from_local_files(name, tmp_path, local_paths):
    from trainers.datasets.idx import write_idx
    rng = np.random.default_rng(0)
    (tmp_path / name).mkdir()
    write_idx(tmp_path / name / "train-images-idx3-ubyte.gz", rng.integers(0, 256, (12, 28, 28)))
    write_idx(tmp_path / name / "train-labels-idx1-ubyte", rng.integers(0, 10, 12))
    ref = datasets.load_dataset(name, root=str(tmp_path), n_samples=10)
    x, y = _run(name, {"root": str(tmp_path), "n_samples": 10})
    assert torch.equal(x, ref.x) and torch.equal(y, ref.y) and x.shape == (10, 1, 28, 28)
    with pytest.raises(SystemExit, match="put train-images-idx3-ubyte"):
        _run(name, {"root": str(tmp_path / "elsewhere")})
