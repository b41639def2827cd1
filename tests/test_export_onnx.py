"""ONNX export: checked by onnx.checker, run in onnxruntime against PyTorch; a node that cannot export is named."""
import pytest
import torch
from torch import nn

from builder import build_model, check, load_project
from export.onnx import OnnxExportError, export_onnx
from export_graphs import GRAPHS, entered

ort = pytest.importorskip("onnxruntime")


def _inputs(project, batch):
    report = check(project)
    shape, dtype = report.shapes[report.input_node], report.dtypes[report.input_node]
    return torch.randint(0, 10, (batch, *shape)) if dtype == "long" else torch.randn(batch, *shape)


def _compare(data, model, x):
    session = ort.InferenceSession(data, providers=["CPUExecutionProvider"])
    assert [i.name for i in session.get_inputs()] == ["input"]
    got = session.run(["output"], {"input": x.numpy()})[0]
    with torch.no_grad():
        expected = model.eval()(x)
    torch.testing.assert_close(torch.from_numpy(got), expected, rtol=1e-4, atol=1e-5)


@pytest.mark.parametrize("kind", list(GRAPHS))
def test_onnx_matches_pytorch(kind):
    torch.manual_seed(0)
    torch.set_num_threads(1)
    project = load_project(GRAPHS[kind])
    model = build_model(project)
    if kind == "cnn":  # non-trivial running statistics, so eval-mode BatchNorm is really exercised
        model.train()(torch.randn(64, 1, 8, 8) * 3 + 1)
    data = export_onnx(entered(project), model)
    assert model.training  # the caller's model is left as it was (a copy is exported)
    _compare(data, model, _inputs(project, 7))  # traced with batch 2: the batch axis is dynamic


@pytest.mark.slow
@pytest.mark.parametrize("kind", ["residual", "upsampler", "causal", "binary"])
def test_dynamo_exporter_matches_pytorch(kind, tmp_path):
    project = load_project(GRAPHS[kind])
    model = build_model(project)
    data = export_onnx(entered(project), model, path=tmp_path / "m.onnx", exporter="dynamo")
    assert (tmp_path / "m.onnx").read_bytes() == data
    _compare(data, model, _inputs(project, 3))


class _NoOnnx(nn.Module):
    """Stands for an operation with no ONNX equivalent: refuses while being exported."""

    def forward(self, x):
        if torch.onnx.is_in_onnx_export() or torch.jit.is_tracing():
            raise RuntimeError("aten::made_up_op has no ONNX symbolic")
        return x


def test_the_node_that_cannot_export_is_named():
    project = load_project(GRAPHS["residual"])
    model = build_model(project)
    model.b = _NoOnnx()  # node "b" (GELU) replaced
    with pytest.raises(OnnxExportError) as err:
        export_onnx(entered(project), model)
    assert err.value.node == "b"
    assert str(err.value).startswith("node 'b' (GELU) cannot be exported to ONNX: RuntimeError: aten::made_up_op")


def test_invalid_graph_is_refused_with_its_problems(project):
    from builder import GraphError
    bad = project([("in", "Input", {"shape": [4]}), ("conv", "Conv2d", {"out_channels": 2, "kernel_size": 3})])
    with pytest.raises(GraphError, match="conv: Conv2d expects"):
        export_onnx(entered(bad))
