"""Hand-written modules (MLP, CNN with BatchNorm, LSTM classifier) through torch.fx and ONNX; refusals name the culprit."""
import json
from pathlib import Path

import pytest
import torch
import torch.nn.functional as F
from torch import nn

import builder
from builder.layout import auto_layout
from builder.importers import ImportProblem, import_module, import_onnx
from import_models import (HAND_WRITTEN, CustomFunction, Unsupported, canonical, onnx_bytes, outputs,
                           same_graph)


def _model(name):
    cls, shape = HAND_WRITTEN[name]
    torch.manual_seed(0)
    model = cls().eval()
    for m in model.modules():  # trained-looking statistics, so BatchNorm is not the identity
        if isinstance(m, nn.BatchNorm2d):
            m.running_mean.uniform_(-1, 1)
            m.running_var.uniform_(0.5, 2)
    return model, shape


TYPES = {"MLP": ["Input", "Linear", "ReLU", "Linear", "Tanh", "Linear"],
         "SmallCNN": ["Input", "Conv2d", "BatchNorm2d", "ReLU", "MaxPool2d", "Conv2d", "BatchNorm2d", "ReLU",
                      "AdaptiveAvgPool2d", "Flatten", "Linear"],
         "LSTMClassifier": ["Input", "LSTM", "SequencePool", "Linear"]}


@pytest.mark.parametrize("name", list(HAND_WRITTEN))
def test_hand_written_module_through_fx_and_onnx(name):
    model, shape = _model(name)
    x = torch.randn(4, *shape)
    traced, state = import_module(model, shape)
    assert [n["type"] for n in traced["graph"]["nodes"]] == TYPES[name]
    with torch.no_grad():
        torch.testing.assert_close(outputs(traced, state, x), model(x))
    from_onnx, onnx_state = import_onnx(onnx_bytes(model, shape, preserve=True))
    assert same_graph(canonical(traced, inference=True), canonical(from_onnx, inference=True))
    with torch.no_grad():
        torch.testing.assert_close(outputs(from_onnx, onnx_state, x), model(x))


def test_onnx_with_batchnorm_folded_into_conv_keeps_the_outputs():
    model, shape = _model("SmallCNN")
    x = torch.randn(4, *shape)
    imported, state = import_onnx(onnx_bytes(model, shape))  # torch.onnx's default eval export folds BN
    assert "BatchNorm2d" not in [n["type"] for n in imported["graph"]["nodes"]]
    with torch.no_grad():
        torch.testing.assert_close(outputs(imported, state, x), model(x), atol=1e-5, rtol=1e-4)


def test_layout_is_computed():
    imported, _ = import_module(_model("MLP")[0], (20,))
    assert imported["graph"] == auto_layout(imported["graph"])  # builder's own layout, every node placed
    assert len({tuple(n["pos"]) for n in imported["graph"]["nodes"]}) == 6


def test_unsupported_module_is_named():
    with pytest.raises(ImportProblem) as e:
        import_module(Unsupported(), (8,))
    assert "bil" in str(e.value) and "Bilinear" in str(e.value) and e.value.where == "bil"


def test_unsupported_function_is_named_in_both_paths():
    with pytest.raises(ImportProblem, match=r"line \d+ of import_models.py \(`return self.fc\(torch.cumsum\(x, dim=1\)\)`\): "
                                             r"torch.cumsum has no canvas layer"):
        import_module(CustomFunction(), (8,))
    with pytest.raises(ImportProblem, match=r"CumSum"):
        import_onnx(onnx_bytes(CustomFunction(), (8,)))


def test_onnx_garbage_is_refused():
    with pytest.raises(ImportProblem, match="not a readable ONNX model"):
        import_onnx(b"\x08\x07garbage" * 100, where="bad.onnx")


@pytest.fixture
def cli(tmp_path, monkeypatch, capsys):
    """`python -m builder import ARGS` in tmp_path, in this process: (exit code, stderr)."""
    from builder.cli import main
    monkeypatch.chdir(tmp_path)

    def run(*args):
        code = main(["import", *args])
        return code, capsys.readouterr().err
    return run


def test_cli_imports_a_class_with_weights_and_an_onnx_file(tmp_path, cli):
    src = (Path(__file__).parent / "import_models.py").read_text()
    (tmp_path / "models.py").write_text(src.replace("import builder\n", ""))
    model, shape = _model("SmallCNN")
    torch.save(model.state_dict(), tmp_path / "cnn.pt")
    code, err = cli("models.py:SmallCNN", "--input-shape", "3,16,16", "--weights", "cnn.pt", "-o", "cnn.json")
    assert code == 0, err
    data = json.loads((tmp_path / "cnn.json").read_text())
    state = torch.load(tmp_path / "cnn.pt", weights_only=True)
    x = torch.randn(2, *shape)
    with torch.no_grad():
        torch.testing.assert_close(outputs(data, state, x), model(x))
    (tmp_path / "m.onnx").write_bytes(onnx_bytes(*_model("MLP")))
    code, err = cli("m.onnx", "-o", "m.json")
    assert code == 0, err
    assert builder.check(builder.load_project(str(tmp_path / "m.json"))).ok


def test_cli_refusals_are_one_line(tmp_path, cli):
    src = (Path(__file__).parent / "import_models.py").read_text().replace("import builder\n", "")
    (tmp_path / "models.py").write_text(src)
    (tmp_path / "bad.onnx").write_bytes(b"not onnx")
    for args in (["models.py:Unsupported", "--input-shape", "8"], ["bad.onnx"], ["models.py:Nope"],
                 ["models.py:MLP", "--input-shape", "a,b"], ["missing.py:X", "--input-shape", "3"]):
        code, err = cli(*args)
        assert code == 2 and "Traceback" not in err and err.startswith("error: ") and err.count("\n") == 1, (args, err)


class _SharedLayer(nn.Module):
    def __init__(self):
        super().__init__()
        self.fc = nn.Linear(4, 4)

    def forward(self, x):
        return self.fc(self.fc(x))


class _UsesState(nn.Module):
    def __init__(self):
        super().__init__()
        self.rnn = nn.LSTM(3, 5, batch_first=True)

    def forward(self, x):
        _out, (_h, c) = self.rnn(x)
        return c[-1]


class _RawParameter(nn.Module):
    def __init__(self):
        super().__init__()
        self.w = nn.Parameter(torch.ones(4))

    def forward(self, x):
        return x * self.w


class _SeqFirst(nn.Module):
    def __init__(self):
        super().__init__()
        self.lstm = nn.LSTM(3, 5)

    def forward(self, x):
        return self.lstm(x)[0]


@pytest.mark.parametrize("module, shape, words", [
    (_SharedLayer(), (4,), ["module 'fc'", "second time", "has weights", "self.fc(self.fc(x))"]),
    (_UsesState(), (6, 3), ["cell state c_n of module 'rnn'", "h_n[-1]", "return c[-1]"]),
    (_RawParameter(), (4,), ["'w'", "x * self.w", "constant number"]),
    (_SeqFirst(), (6, 3), ["_SeqFirst.forward", "batch is on axis 1", "out.transpose(0, 1)"]),
])
def test_what_a_canvas_cannot_hold_is_refused_by_name(module, shape, words):
    with pytest.raises(ImportProblem) as e:
        import_module(module, shape)
    for w in words:
        assert w in str(e.value)


def test_onnx_limits_and_external_weights(monkeypatch):
    import onnx
    data = onnx_bytes(*_model("MLP"))
    monkeypatch.setenv("NEUROCANVAS_ONNX_BYTES", str(len(data) - 1))
    with pytest.raises(ImportProblem, match="m.onnx: larger than"):
        import_onnx(data, where="m.onnx")
    monkeypatch.undo()
    proto = onnx.load_from_string(data)
    proto.graph.initializer[0].data_location = onnx.TensorProto.EXTERNAL
    with pytest.raises(ImportProblem, match="keeps its data in an external file"):
        import_onnx(proto.SerializeToString(), where="m.onnx")
    proto = onnx.load_from_string(data)
    proto.graph.input[0].type.tensor_type.shape.dim[1].dim_param = "features"
    with pytest.raises(ImportProblem, match="needs fixed sizes after the batch axis"):
        import_onnx(proto.SerializeToString(), where="m.onnx")


class _Functional(nn.Module):
    """Functions the catalogue has layers for: cat, activations with arguments, pooling over time, add."""

    def __init__(self):
        super().__init__()
        self.a = nn.Linear(6, 8)
        self.b = nn.Linear(6, 8)
        self.gru = nn.GRU(16, 8, batch_first=True, bidirectional=True)
        self.head = nn.Linear(16, 3)

    def forward(self, x):  # (B, T, 6)
        h = torch.cat([F.gelu(self.a(x)), F.leaky_relu(self.b(x), 0.2)], dim=-1)
        seq = self.gru(h)[0]
        pooled = seq.mean(dim=1) + F.elu(seq[:, -1], alpha=0.5)
        return F.softmax(self.head(pooled), dim=-1)


def test_functional_calls_map_onto_catalogue_layers():
    model = _Functional().eval()
    x = torch.randn(3, 5, 6)
    data, state = import_module(model, (5, 6))
    types = sorted(n["type"] for n in data["graph"]["nodes"])
    assert types == sorted(["Input", "Linear", "Linear", "GELU", "LeakyReLU", "Concat", "GRU", "SequencePool",
                            "SequencePool", "ELU", "Add", "Linear", "Softmax"])
    with torch.no_grad():
        torch.testing.assert_close(outputs(data, state, x), model(x))
    from_onnx, onnx_state = import_onnx(onnx_bytes(model, (5, 6)))
    with torch.no_grad():
        torch.testing.assert_close(outputs(from_onnx, onnx_state, x), model(x))


def test_a_bare_sequential_gets_identifier_ids_both_ways():
    model = nn.Sequential(nn.Linear(4, 3), nn.ReLU(), nn.Linear(3, 2)).eval()
    for data, _ in (import_module(model, (4,)), import_onnx(onnx_bytes(model, (4,)))):
        ids = [n["id"] for n in data["graph"]["nodes"]]
        assert ids == ["input", "layer_0", "layer_1", "layer_2"]
