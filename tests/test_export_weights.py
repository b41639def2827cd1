"""Weights files (plain state_dict, weights_only) and the `python -m builder export` command."""
import json
import subprocess
import sys

import pytest
import torch

from builder import build_model, load_project
from builder.cli import main
from export.weights import WeightsError, load_weights, read_state_dict, weights_bytes
from export_graphs import GRAPHS


class _Payload:
    """Unpickling this would call open(marker, "w"): the classic pickle code-execution payload, made harmless."""

    def __init__(self, marker):
        self.marker = str(marker)

    def __reduce__(self):
        return open, (self.marker, "w")


@pytest.fixture
def mlp():
    project = load_project(GRAPHS["mlp"])
    return project, build_model(project)


def test_round_trip_keeps_every_tensor(mlp):
    project, model = mlp
    other = load_weights(build_model(project), weights_bytes(model))
    for key, value in model.state_dict().items():
        assert torch.equal(other.state_dict()[key], value)


def test_pickle_payload_is_refused_and_never_runs(mlp, tmp_path):
    project, model = mlp
    marker = tmp_path / "pwned"
    state = dict(model.state_dict(), **{"out.weight": _Payload(marker)})
    torch.save(state, tmp_path / "evil.pt")
    with pytest.raises(WeightsError, match=r"evil.pt: refused: the file holds Python objects"):
        load_weights(build_model(project), tmp_path / "evil.pt")
    assert not marker.exists()


@pytest.mark.parametrize("change, message", [
    (lambda s: s.update({"out.weight": torch.zeros(5, 32)}),
     r"weights: node 'out' \(out.weight\) has shape \[5, 32\], the graph needs \[10, 32\]"),
    (lambda s: s.pop("fc_1.bias"), r"weights: node 'fc_1' \(fc_1.bias\) is missing"),
    (lambda s: s.update({"extra.weight": torch.zeros(1)}), r"'extra.weight' matches no parameter of this graph"),
    (lambda s: s.update({"out.bias": torch.zeros(10, dtype=torch.long)}), r"node 'out' \(out.bias\) holds torch.int64"),
])
def test_weights_that_do_not_fit_name_the_node(mlp, change, message):
    project, model = mlp
    state = dict(model.state_dict())
    change(state)
    buf = __import__("io").BytesIO()
    torch.save(state, buf)
    with pytest.raises(WeightsError, match=message):
        load_weights(build_model(project), buf.getvalue())


@pytest.mark.parametrize("data, message", [
    (b"not a torch file", "not a readable PyTorch weights file"),
    (None, "expected a state_dict"),
])
def test_other_files_are_refused(data, message):
    if data is None:
        buf = __import__("io").BytesIO()
        torch.save([torch.zeros(2)], buf)
        data = buf.getvalue()
    with pytest.raises(WeightsError, match=message):
        read_state_dict(data)


def test_cli_exports_all_three_formats(tmp_path, capsys):
    src = tmp_path / "p.json"
    src.write_text(json.dumps(GRAPHS["concat"]))
    assert main(["export", str(src), "--format", "weights", "-o", str(tmp_path / "w.pt")]) == 0
    assert main(["export", str(src), "--format", "onnx", "--weights", str(tmp_path / "w.pt"),
                 "-o", str(tmp_path / "m.onnx")]) == 0
    assert main(["export", str(src), "-o", str(tmp_path / "m.py")]) == 0
    assert "class IrisConcat(nn.Module):" in (tmp_path / "m.py").read_text()
    assert "def load_data():" in (tmp_path / "m.py").read_text()
    assert main(["export", str(src), "--no-training", "-o", str(tmp_path / "bare.py")]) == 0
    assert "load_data" not in (tmp_path / "bare.py").read_text()
    out = capsys.readouterr().out
    assert out.count("wrote ") == 4
    # the project's seed makes the initial weights reproducible
    assert main(["export", str(src), "--format", "weights", "-o", str(tmp_path / "w2.pt")]) == 0
    a, b = (read_state_dict(tmp_path / n) for n in ("w.pt", "w2.pt"))
    assert all(torch.equal(a[k], b[k]) for k in a)


def test_cli_errors_are_one_line_each(tmp_path, capsys):
    bad = tmp_path / "bad.json"
    bad.write_text(json.dumps({**GRAPHS["mlp"], "graph": {"nodes": [{"id": "in", "type": "Input",
                                                                     "params": {"shape": [4]}},
                                                                    {"id": "c", "type": "Conv2d",
                                                                     "params": {"out_channels": 2, "kernel_size": 3}}],
                                                          "edges": [{"source": "in", "target": "c"}]}}))
    assert main(["export", str(bad), "-o", str(tmp_path / "x.py")]) == 1
    assert "error: c: Conv2d expects [C, H, W], got [4]" in capsys.readouterr().err
    good = tmp_path / "good.json"
    good.write_text(json.dumps(GRAPHS["mlp"]))
    torch.save({"out.weight": torch.zeros(1)}, tmp_path / "w.pt")
    assert main(["export", str(good), "--format", "onnx", "--weights", str(tmp_path / "w.pt"),
                 "-o", str(tmp_path / "m.onnx")]) == 2
    err = capsys.readouterr().err
    assert "is missing" in err and "Traceback" not in err and not (tmp_path / "m.onnx").exists()


@pytest.mark.slow
def test_module_entry_point(tmp_path):
    src = tmp_path / "p.json"
    src.write_text(json.dumps(GRAPHS["mlp"]))
    done = subprocess.run([sys.executable, "-m", "builder", "export", str(src), "--format", "pytorch",
                           "-o", str(tmp_path / "m.py")], capture_output=True, text=True, timeout=120)
    assert done.returncode == 0, done.stderr
    assert done.stdout.startswith(f"wrote {tmp_path / 'm.py'}")
