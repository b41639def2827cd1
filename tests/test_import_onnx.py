"""Idioms beyond the zoo through both torch.onnx exporters and opsets 14-20: parity, or a sentence that says why.

Parity as in tests/zoo_parity.py: the parameter count, outputs within 1e-5 after loading the imported weights.
Sequence-first models take (T, B, F); the imported project is batch-first, so it is fed x.transpose(0, 1).
"""
import copy
import logging
import subprocess
import sys
import warnings
from pathlib import Path

import pytest
import torch
import torch.nn.functional as F
from torch import nn

import builder
from builder.importers import ImportProblem
from builder.importers.onnx_import import import_onnx_file
from import_models import outputs

pytestmark = pytest.mark.slow  # every case exports through torch.onnx (the dynamo one takes seconds)
ROOT = Path(__file__).resolve().parents[1]


class SeqFirstTransformer(nn.Module):
    def __init__(self):
        super().__init__()
        self.emb = nn.Linear(6, 32)
        self.enc = nn.TransformerEncoder(nn.TransformerEncoderLayer(32, 4, 64, dropout=0.0), 2)
        self.fc = nn.Linear(32, 3)

    def forward(self, x):  # (T, B, 6)
        return self.fc(self.enc(self.emb(x))[-1])


class ConvMeanOverLength(nn.Module):
    def __init__(self):
        super().__init__()
        self.conv = nn.Conv1d(3, 6, 3, groups=3)
        self.pool = nn.MaxPool1d(2, ceil_mode=True)

    def forward(self, x):
        return F.relu(self.pool(self.conv(x))).mean(-1)


class ConvFeaturesIntoLSTM(nn.Module):
    """A CNN's feature map read as a sequence: x.flatten(2).transpose(1, 2), which TorchScript folds into the LSTM's
    own input transpose ([2, 0, 1]); flatten(2) keeps the channels (Concat(Shape(x)[0:2], [-1]))."""

    def __init__(self):
        super().__init__()
        self.conv = nn.Conv2d(1, 4, 3)
        self.lstm = nn.LSTM(4, 5, batch_first=True)
        self.fc = nn.Linear(5, 3)

    def forward(self, x):
        out, _ = self.lstm(torch.relu(self.conv(x)).flatten(2).transpose(1, 2))
        return self.fc(out[:, -1])


class BiLSTMLastState(nn.Module):
    def __init__(self):
        super().__init__()
        self.lstm = nn.LSTM(5, 8, batch_first=True, bidirectional=True)
        self.fc = nn.Linear(8, 2)

    def forward(self, x):
        _, (h, _c) = self.lstm(x)
        return self.fc(h[-1])


class Clamp01(nn.Module):
    def __init__(self):
        super().__init__()
        self.fc = nn.Linear(4, 4)

    def forward(self, x):
        return torch.clamp(self.fc(x), 0, 1)


class Gated(nn.Module):
    def __init__(self):
        super().__init__()
        self.a, self.b = nn.Linear(4, 4), nn.Linear(4, 4)

    def forward(self, x):
        return self.a(x) * torch.sigmoid(self.b(x))


class SmallNet(nn.Module):
    """Conv + BatchNorm (folded by both exporters), a residual relu(out + x), LayerNorm and an LSTM's h_n[-1]."""

    def __init__(self):
        super().__init__()
        self.conv = nn.Conv2d(2, 2, 3, padding=1, bias=False)
        self.bn = nn.BatchNorm2d(2)
        self.lstm = nn.LSTM(8, 12, batch_first=True)
        self.norm = nn.LayerNorm(12)
        self.fc = nn.Linear(12, 3)

    def forward(self, x):  # (B, 2, 4, 4)
        x = F.relu(self.bn(self.conv(x)) + x)
        x = x.view(x.size(0), 4, 8)
        _, (h, _c) = self.lstm(x)
        return F.log_softmax(self.fc(self.norm(h[-1])), dim=1)


def _example(shape, batch: int, tokens: bool) -> torch.Tensor:
    return torch.randint(0, 10, (batch, *shape)) if tokens else torch.randn(batch, *shape)


def _export(model, shape, exporter, folder: Path, opset=None, batch_first=True, tokens=False) -> Path:
    """`torch.onnx.export` with a batch of 2 (token ids 0..9 where `tokens`), the batch axis dynamic."""
    x = _example(shape, 2, tokens)
    x = x if batch_first else x.transpose(0, 1).contiguous()
    axis, path = 0 if batch_first else 1, folder / "m.onnx"
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        logging.getLogger("torch.onnx").setLevel(logging.ERROR)
        if exporter == "dynamo":
            torch.onnx.export(model, (x,), str(path), dynamo=True, opset_version=opset, verbose=False,
                              dynamic_shapes=({axis: torch.export.Dim("batch")},))
        else:
            torch.onnx.export(model, (x,), str(path), dynamo=False, opset_version=opset, input_names=["input"],
                              dynamic_axes={"input": {axis: "batch"}})
    return path


def _parity(model, data, state, shape, batch_first=True, tokens=False):
    report = builder.check(builder.load_project(data))
    assert report.total_params == sum(p.numel() for p in model.parameters())
    x = _example(shape, 3, tokens)
    with torch.no_grad():
        want = model(x if batch_first else x.transpose(0, 1))
    torch.testing.assert_close(outputs(data, state, x), want, atol=1e-5, rtol=1e-5)


def _model(cls, *args):
    torch.manual_seed(0)
    model = cls(*args).eval()
    for m in model.modules():
        if isinstance(m, nn.BatchNorm2d):
            m.running_mean.uniform_(-0.5, 0.5)
            m.running_var.uniform_(0.5, 2)
    return model


@pytest.mark.parametrize("exporter", ["torchscript", "dynamo"])
@pytest.mark.parametrize("cls, shape, batch_first, types", [
    (SeqFirstTransformer, (10, 6), False, ["Input", "Linear", "TransformerEncoderLayer", "TransformerEncoderLayer",
                                           "SequencePool", "Linear"]),
    (ConvMeanOverLength, (3, 11), True, ["Input", "Conv1d", "MaxPool1d", "ReLU", "Permute", "SequencePool"]),
    (ConvFeaturesIntoLSTM, (1, 7, 8), True, ["Input", "Conv2d", "ReLU", "Reshape", "Permute", "LSTM", "SequencePool",
                                             "Linear"]),
])
def test_idioms_come_in_with_parity(tmp_path, exporter, cls, shape, batch_first, types):
    model = _model(cls)
    data, state = import_onnx_file(_export(model, shape, exporter, tmp_path, batch_first=batch_first))
    assert [n["type"] for n in data["graph"]["nodes"]] == types
    _parity(model, data, state, shape, batch_first)


@pytest.mark.parametrize("exporter", ["torchscript", "dynamo"])
@pytest.mark.parametrize("cls, shape, words", [
    (BiLSTMLastState, (7, 5), ["h_n[-1] of a bidirectional layer", "use output[:, -1]"]),
    (Clamp01, (4,), ["clamping to [0.0, 1.0]", "ReLU6 clamps to [0, 6]"]),
    (Gated, (4,), ["element by element (gating)", "Scale multiplies by a constant"]),
])
def test_what_cannot_map_says_why_and_what_would(tmp_path, exporter, cls, shape, words):
    with pytest.raises(ImportProblem) as e:
        import_onnx_file(_export(_model(cls), shape, exporter, tmp_path))
    for w in words:
        assert w in str(e.value)
    if exporter == "dynamo":  # the module path or call, and the user's own line
        assert "line " in str(e.value) and ("call '" in str(e.value) or "module '" in str(e.value))


@pytest.mark.parametrize("exporter, opset", [("torchscript", 14), ("torchscript", 17), ("torchscript", 18),
                                             ("dynamo", 14), ("dynamo", 17), ("dynamo", 18), ("dynamo", None)])
def test_both_exporters_and_their_opsets(tmp_path, exporter, opset):
    model = _model(SmallNet)
    notes = []
    data, state = import_onnx_file(_export(model, (2, 4, 4), exporter, tmp_path, opset), notes)
    assert [n["type"] for n in data["graph"]["nodes"]] == ["Input", "Conv2d", "BatchNorm2d", "Add", "ReLU",
                                                          "Reshape", "LSTM", "SequencePool", "LayerNorm",
                                                          "Linear", "LogSoftmax"]
    _parity(model, data, state, (2, 4, 4))
    assert len(notes) == 1 and "BatchNorm" in notes[0]  # the folded one, said before anyone trains


def test_the_command_line_imports_a_dynamo_export_and_says_what_it_restored(tmp_path):
    path = _export(_model(SmallNet), (2, 4, 4), "dynamo", tmp_path)
    assert (tmp_path / "m.onnx.data").is_file()
    done = subprocess.run([sys.executable, "-m", "builder", "import", str(path), "-o", str(tmp_path / "m.json")],
                          cwd=ROOT, capture_output=True, text=True, timeout=300)
    assert done.returncode == 0, done.stderr
    assert (tmp_path / "m.json").is_file() and (tmp_path / "m.pt").is_file()
    assert "warning: node 'bn': a BatchNorm that the exporter folded into conv is restored as 'bn'" in done.stderr


class FirstToken(nn.Module):
    """BERT reads its [CLS] token: hidden[:, 0]."""

    def __init__(self):
        super().__init__()
        self.emb = nn.Embedding(10, 16)
        self.enc = nn.TransformerEncoderLayer(16, 2, 32, dropout=0.0, batch_first=True)
        self.fc = nn.Linear(16, 3)

    def forward(self, idx):
        return self.fc(self.enc(self.emb(idx))[:, 0])


class SeqFirstFirstStep(nn.Module):
    def __init__(self):
        super().__init__()
        self.lstm = nn.LSTM(5, 8)
        self.fc = nn.Linear(8, 2)

    def forward(self, x):  # (T, B, 5)
        return self.fc(self.lstm(x)[0][0])


class OneNumber(nn.Module):
    """A (B, 1) logit as one number per sample, the ways published code writes it."""

    def __init__(self, how, bias=False):
        super().__init__()
        self.how = how
        self.conv = nn.Conv2d(2, 1, 4, bias=bias)  # DCGAN's last convolution has no bias
        if bias:  # a bias of zeros, which dynamo's optimizer leaves out of the file: it comes back
            nn.init.zeros_(self.conv.bias)

    def forward(self, x):
        y = torch.sigmoid(self.conv(x))  # (B, 1, 1, 1)
        return {"squeeze": lambda: y.view(-1, 1).squeeze(1), "view": lambda: y.view(-1),
                "flatten": lambda: y.flatten()}[self.how]()


@pytest.mark.parametrize("exporter", ["torchscript", "dynamo"])
@pytest.mark.parametrize("cls, shape, batch_first, tokens", [(FirstToken, (6,), True, True),
                                                             (SeqFirstFirstStep, (7, 5), False, False)])
def test_the_first_step_is_sequence_pool_first(tmp_path, exporter, cls, shape, batch_first, tokens):
    model = _model(cls)
    data, state = import_onnx_file(_export(model, shape, exporter, tmp_path, batch_first=batch_first,
                                           tokens=tokens))
    assert [n["params"] for n in data["graph"]["nodes"] if n["type"] == "SequencePool"] == [{"mode": "first"}]
    _parity(model, data, state, shape, batch_first, tokens)


@pytest.mark.parametrize("exporter, how, bias", [("dynamo", "squeeze", False), ("dynamo", "view", False),
                                                 ("dynamo", "flatten", False), ("dynamo", "view", True),
                                                 ("torchscript", "view", False), ("torchscript", "flatten", False)])
def test_one_number_per_sample_is_reshape_to_nothing(tmp_path, exporter, how, bias):
    model = _model(OneNumber, how, bias)
    data, state = import_onnx_file(_export(model, (2, 4, 4), exporter, tmp_path))
    assert [n["type"] for n in data["graph"]["nodes"]][-1:] == ["Reshape"]
    assert data["graph"]["nodes"][-1]["params"] == {"shape": []}
    assert builder.check(builder.load_project(data)).shapes[data["graph"]["nodes"][-1]["id"]] == ()
    _parity(model, data, state, (2, 4, 4))  # also: the convolution's bias (or none) comes back as written


def test_torchscripts_squeeze_stays_refused_before_parsing(tmp_path):
    with pytest.raises(ImportProblem) as e:  # its If holds two graphs: issue 18 refuses any before parsing
        import_onnx_file(_export(_model(OneNumber, "squeeze"), (2, 4, 4), "torchscript", tmp_path))
    for words in ("(If)", "holds a graph", "x.squeeze(dim)", "export with dynamo=True", "x.flatten(1)"):
        assert words in str(e.value), str(e.value)


def test_a_middle_step_stays_refused(tmp_path):
    class Middle(FirstToken):
        def forward(self, idx):
            return self.fc(self.enc(self.emb(idx))[:, 2])
    with pytest.raises(ImportProblem) as e:
        import_onnx_file(_export(_model(Middle), (6,), "dynamo", tmp_path, tokens=True))
    assert "picking step 2 of the sequence" in str(e.value) and "x[:, 0]" in str(e.value), str(e.value)


@pytest.mark.parametrize("exporter", ["torchscript", "dynamo"])
@pytest.mark.parametrize("kind", ["causal", "cls", "binary"])
def test_our_own_export_of_issue_20s_layers_comes_back(exporter, kind):
    from export.onnx import export_onnx
    from export_graphs import GRAPHS, entered
    from import_models import canonical, same_graph
    from builder.importers import import_onnx
    torch.manual_seed(2)
    project = builder.load_project(GRAPHS[kind])
    original, report, notes = builder.build_model(project).eval(), builder.check(project), []
    imported, state = import_onnx(export_onnx(entered(GRAPHS[kind]), original, exporter=exporter), notes=notes)
    want = copy.deepcopy(GRAPHS[kind])
    if exporter == "dynamo" and kind == "causal":  # dynamo cuts the learned table (32 rows) to the 6 it uses
        for node in (n for n in want["graph"]["nodes"] if n["type"] == "PositionalEncoding"):
            node["params"]["max_len"] = report.shapes[report.input_node][0]
        assert any("rows of the position table this input uses" in n for n in notes), notes
    assert same_graph(canonical(want, inference=True), canonical(imported, inference=True))
    shape = report.shapes[report.input_node]
    x = torch.randint(0, 8, (3, *shape)) if report.dtypes[report.input_node] == "long" else torch.randn(3, *shape)
    with torch.no_grad():
        torch.testing.assert_close(outputs(imported, state, x), original(x), atol=1e-5, rtol=1e-5)


def test_a_transposed_feature_map_at_opset_13_says_to_export_at_14(tmp_path):
    """Shape inference at opset 13 leaves the reshaped map's shape open: the LSTM's input order cannot be followed."""
    with pytest.raises(ImportProblem) as e:
        import_onnx_file(_export(_model(ConvFeaturesIntoLSTM), (1, 7, 8), "torchscript", tmp_path, opset=13))
    assert "module 'lstm'" in str(e.value) and "opset_version=14 or later" in str(e.value)
    data, state = import_onnx_file(_export(_model(ConvFeaturesIntoLSTM), (1, 7, 8), "torchscript", tmp_path, opset=14))
    _parity(_model(ConvFeaturesIntoLSTM), data, state, (1, 7, 8))
