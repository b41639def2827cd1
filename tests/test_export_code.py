"""The exported PyTorch script: readable, standalone (fresh interpreter, no NeuroCanvas), same weights and outputs."""
import json
import os
import subprocess
import sys

import pytest
import torch

from builder import GraphError, build_model, check, load_project
from export.script import class_name, export_script, module_source
from export.weights import load_weights, save_weights
from export_graphs import GRAPHS, entered

DRIVER = r'''
import importlib.util, json, sys
import torch
torch.set_num_threads(1)
for kind, path, cls in json.loads(sys.argv[1]):
    spec = importlib.util.spec_from_file_location(f"exported_{kind}", path)
    mod = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(mod)
    model = getattr(mod, cls)()  # no constructor arguments
    info = {"params": sum(p.numel() for p in model.parameters() if p.requires_grad),
            "keys": sorted(model.state_dict())}
    model.load_state_dict(torch.load(f"{kind}_w.pt", weights_only=True))
    model.eval()
    with torch.no_grad():
        torch.save(model(torch.load(f"{kind}_x.pt", weights_only=True)), f"{kind}_y.pt")
    mod.main(["--epochs", "1", "--save", f"{kind}_trained.pt"])
    info["neurocanvas_imported"] = any(m.split(".")[0] in ("builder", "trainers", "share") for m in sys.modules)
    print("INFO " + kind + " " + json.dumps(info), flush=True)
'''


def _fresh_python(args, cwd):
    env = {k: v for k, v in os.environ.items() if k != "PYTHONPATH"}
    env.update(OMP_NUM_THREADS="1", MKL_NUM_THREADS="1")
    return subprocess.run([sys.executable, *args], cwd=cwd, env=env, capture_output=True, text=True, timeout=600)


def _example(report, batch=5):
    shape, dtype = report.shapes[report.input_node], report.dtypes[report.input_node]
    if dtype == "long":
        return torch.randint(0, 10, (batch, *shape))
    return torch.randn(batch, *shape)


@pytest.fixture(scope="module")
def exported_runs(tmp_path_factory):
    """Every graph's script, run in ONE fresh interpreter (outside the repository, no PYTHONPATH): build the
    class, load the app model's weights, run a batch, train one epoch. One torch import for all six."""
    tmp = tmp_path_factory.mktemp("exported")
    torch.manual_seed(0)
    jobs, cases = [], {}
    for kind, data in GRAPHS.items():
        project = load_project(data)
        model = build_model(project).eval()
        (tmp / f"{kind}.py").write_text(export_script(entered(project), training=True), encoding="utf-8")
        save_weights(model, tmp / f"{kind}_w.pt")
        x = _example(check(project))
        torch.save(x, tmp / f"{kind}_x.pt")
        with torch.no_grad():
            cases[kind] = (project, model, model(x))
        jobs.append((kind, str(tmp / f"{kind}.py"), class_name(project.name)))
    (tmp / "driver.py").write_text(DRIVER, encoding="utf-8")
    done = _fresh_python(["driver.py", json.dumps(jobs)], tmp)
    infos = {line.split(" ", 2)[1]: json.loads(line.split(" ", 2)[2])
             for line in done.stdout.splitlines() if line.startswith("INFO ")}
    return tmp, done, infos, cases


@pytest.mark.slow
@pytest.mark.parametrize("kind", list(GRAPHS))
def test_script_round_trip_in_fresh_interpreter(kind, exported_runs):
    tmp, done, infos, cases = exported_runs
    assert kind in infos, done.stderr[-3000:]
    project, model, expected = cases[kind]
    info = infos[kind]
    assert info["params"] == check(project).total_params
    assert info["keys"] == sorted(model.state_dict())
    assert not info["neurocanvas_imported"]
    torch.testing.assert_close(torch.load(tmp / f"{kind}_y.pt", weights_only=True), expected, rtol=0, atol=1e-6)
    # the weights the exported loop trained for one epoch load back into the app's model
    trained = load_weights(build_model(project), tmp / f"{kind}_trained.pt")
    before, after = model.state_dict(), trained.state_dict()
    assert any(not torch.equal(before[k], after[k]) for k in before)


def test_exported_loop_prints_one_line_per_epoch(exported_runs):
    tmp, done, infos, cases = exported_runs
    assert done.returncode == 0, done.stderr[-3000:]
    lines = [ln for ln in done.stdout.splitlines() if ln.startswith("epoch 1/1")]
    assert len(lines) == len(GRAPHS)
    assert sum("val_accuracy" in ln for ln in lines) == len(GRAPHS) - 2  # sine (regression), BCE: losses only


def test_inference_script_runs_with_downloaded_weights(tmp_path):
    project = load_project(GRAPHS["transformer"])
    (tmp_path / "reverse.py").write_text(export_script(entered(project)), encoding="utf-8")
    save_weights(build_model(project), tmp_path / "w.pt")
    done = _fresh_python(["reverse.py", "w.pt"], tmp_path)
    assert done.returncode == 0, done.stderr[-2000:]
    assert "ReverseTransformer: 4,154 parameters; input (4, 6) -> output (4, 6, 10)" in done.stdout


def test_script_reads_like_hand_written_pytorch(seed_mlp):
    src = export_script(entered(seed_mlp), training=False)
    assert "class Test(nn.Module):" in src
    assert "    def __init__(self):" in src
    assert "self.fc1 = nn.Linear(in_features=64, out_features=128)  # 8,320 parameters" in src
    assert "x = self.fc1(x)  # (B, 128)" in src
    assert "x = self.out(x)  # (B, 10)" in src
    assert "class Add" not in src and "builder" not in src


def test_forward_names_values_that_are_used_twice():
    src = module_source(entered(GRAPHS["residual"]))
    assert "a = self.a(x)  # (B, 16)" in src  # used by branch and by sum: keeps its name
    assert "x = self.sum(x, a)  # (B, 16)" in src  # port order: edges' order
    assert "class Add(nn.Module):" in src and "class Concat" not in src
    cat = module_source(entered(GRAPHS["concat"]))
    assert "x = self.cat(x, left)  # (B, 13)" in cat  # target_port 0 is `right`, computed just before
    assert "def forward(self, in_):" in cat  # the Input is used twice: named after its id ("in" is a keyword)


def test_custom_and_recurrent_calls_match_the_compiled_graph():
    src = module_source(entered(GRAPHS["transformer"]))
    assert "x = self.attn(x, x, x, need_weights=False)[0]  # (B, 6, 16)" in src
    assert "def forward(self, x):  # (B, 6) token ids" in src
    assert "class PositionalEncoding(nn.Module):" in src and "import math" in src
    rec = module_source(entered(GRAPHS["recurrent"]))
    assert "self.lstm = nn.LSTM(input_size=1, hidden_size=8, num_layers=2, batch_first=True)" in rec
    assert "x = self.lstm(x)[0]  # (B, 10, 8)" in rec


def test_names_and_ids_cannot_inject_code(project):
    # check refuses an id that is not a Python identifier (tests/hostile); names and descriptions stay free text
    with pytest.raises(GraphError, match="is not a Python identifier"):
        export_script(entered(project([("in", "Input", {"shape": [3]}),
                                       ('x"""\nimport os; os._exit(7)\n"""', "Linear", {"out_features": 2})])),
                      training=False)
    evil = project([("in", "Input", {"shape": [3]}), ("x", "Linear", {"out_features": 2})],
                   name='Bad"""\nimport os\nos._exit(9)\n"""')
    evil["description"] = "line\n\"\"\"\nraise SystemExit(3)"
    src = export_script(entered(evil), training=False)
    namespace = {}
    exec(compile(src, "exported.py", "exec"), namespace)  # defines classes only; nothing injected runs
    model = namespace[class_name(evil["name"])]()
    assert model(torch.zeros(1, 3)).shape == (1, 2)


@pytest.mark.parametrize("name, expected", [("SimpleNet on digits", "SimpleNetOnDigits"), ("3 layers", "Model3Layers"),
                                            ("LeNet-style CNN: convolutions see the strokes", "LeNetStyleCNN"),
                                            ("A small Transformer learns to reverse a sequence",
                                             "SmallTransformerLearnsReverse"),
                                            ("", "Model"), ("Add", "AddModel"), ("ünï cödé", "NCDModel")])
def test_class_name(name, expected):
    got = class_name(name)
    assert got.isidentifier()
    if expected != "NCDModel":
        assert got == expected


def test_unexportable_data_set_is_named(project):
    p = project([("in", "Input", {"shape": [3]}), ("out", "Linear", {"out_features": 2})],
                training={"dataset": "cifar10"})
    with pytest.raises(ValueError, match="training.dataset: the data set 'cifar10' cannot be written"):
        export_script(entered(p), training=True)
    assert "class Test" in export_script(entered(p), training=False)
    p["training"] = {"dataset": "csv", "dataset_options": {"target": "y"}}
    with pytest.raises(ValueError, match="the csv data set needs 'path' or 'text'"):
        export_script(entered(p), training=True)


@pytest.mark.parametrize("training, message", [
    ({"optimizer": [1]}, "training.optimizer: expected an object"),
    ({"loss": "KLDivLoss"}, "training.loss: 'KLDivLoss' cannot be exported"),
    ({"optimizer": {"type": "LBFGS"}}, "training.optimizer.type: 'LBFGS' cannot be exported"),
    ({"schedule": {"type": "warmup"}}, "training.schedule.type: 'warmup' cannot be exported"),
    ({"dataset": "moons", "loss": "CrossEntropyLoss", "dataset_options": {"autoencode": True}},
     "CrossEntropyLoss needs class labels"),
])
def test_training_settings_that_cannot_be_written_are_named(project, training, message):
    p = project([("in", "Input", {"shape": [2]}), ("out", "Linear", {"out_features": 2})], training=training)
    with pytest.raises(ValueError, match=message):
        export_script(entered(p), training=True)
