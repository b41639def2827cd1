"""Export a project's model to ONNX (batch axis dynamic), checked by onnx.checker; failures name the node."""
from __future__ import annotations

import contextlib
import copy
import io
import logging
import warnings

import torch
from torch import nn

from builder.catalogue import LAYERS
from builder.checked_project import Checked
from builder.compile import GraphError, build_model

EXPORTERS = ("torchscript", "dynamo")  # torch.onnx's legacy tracer (fast) and the torch.export-based one


class OnnxExportError(ValueError):
    """The model cannot be written as ONNX; `.node` is the node id at fault when one could be found."""

    def __init__(self, message: str, node: str | None = None):
        super().__init__(message)
        self.node = node


class _Call(nn.Module):
    """One node's module called the way the compiled graph calls it (for finding the node that fails)."""

    def __init__(self, module, call):
        super().__init__()
        self.module, self.call = module, call

    def forward(self, *xs):
        return self.call.run(self.module, *xs)


def example_input(shape, dtype: str, batch: int = 2) -> torch.Tensor:
    """A batch to trace with: random floats, or token id 0 (valid for any vocabulary)."""
    if dtype == "long":
        return torch.zeros(batch, *shape, dtype=torch.long)
    return torch.randn(batch, *shape)


@contextlib.contextmanager
def _quiet():
    """The exporters warn about deprecation and print optional-package notices; the caller gets errors."""
    logger = logging.getLogger("torch.onnx")
    level = logger.level
    logger.setLevel(logging.ERROR)
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            yield
    finally:
        logger.setLevel(level)


def _export(module: nn.Module, inputs: tuple, exporter: str, opset: int | None) -> bytes:
    names = [f"input{i}" if len(inputs) > 1 else "input" for i in range(len(inputs))]
    with _quiet():  # not no_grad: it would send TransformerEncoderLayer down its fused fast path (no ONNX)
        if exporter == "dynamo":
            batch = torch.export.Dim("batch", min=1)
            program = torch.onnx.export(module, inputs, dynamo=True, input_names=names, output_names=["output"],
                                        dynamic_shapes=tuple({0: batch} for _ in inputs), opset_version=opset,
                                        verbose=False)
            return program.model_proto.SerializeToString()
        buf = io.BytesIO()
        axes = {n: {0: "batch"} for n in names + ["output"]}
        torch.onnx.export(module, inputs, buf, dynamo=False, input_names=names, output_names=["output"],
                          dynamic_axes=axes, opset_version=opset)
        return buf.getvalue()


def _reason(e: Exception) -> str:
    lines = [ln.strip() for ln in str(e).splitlines() if ln.strip()]
    return f"{type(e).__name__}: {lines[0][:300] if lines else 'no detail'}"


def _find_failing_node(model, source: Checked, exporter: str, opset) -> tuple[str, str] | None:
    """Export each node's module alone; the first one that fails and why."""
    report = source.report
    for nid in report.order:
        spec = LAYERS[source.graph.node(nid).type]
        if spec.cls is None:
            continue
        module = _Call(getattr(model, model.node_modules[nid]), spec.call_of(report.params[nid])).eval()
        inputs = tuple(example_input(report.shapes[s], report.dtypes[s]) for s in report.inputs[nid])
        try:
            _checked(_export(module, inputs, exporter, opset))
        except Exception as e:  # any exporter failure: this is the node to name
            return nid, _reason(e)
    return None


def _checked(data: bytes) -> bytes:
    import onnx
    onnx.checker.check_model(onnx.load_from_string(data), full_check=True)
    return data


def export_onnx(source: Checked, model: nn.Module | None = None, path=None, exporter: str = "torchscript",
                opset: int | None = None) -> bytes:
    """ONNX bytes of the project's model (`model`: trained weights to use; default fresh ones).

    The graph has one input "input" (B, *Input.shape) and one output "output"; the batch axis is dynamic.
    Raises GraphError for an invalid graph and OnnxExportError naming the node that cannot be exported.
    """
    if exporter not in EXPORTERS:
        raise ValueError(f"exporter must be one of {', '.join(EXPORTERS)}, got {exporter!r}")
    report, graph = source.report, source.graph
    if not report.ok:
        raise GraphError(report)
    # a copy on the CPU in eval mode: the live model may be training in another thread
    model = copy.deepcopy(model).to("cpu").eval() if model is not None else build_model(source).eval()
    x = example_input(report.shapes[report.input_node], report.dtypes[report.input_node])
    try:
        data = _checked(_export(model, (x,), exporter, opset))
    except Exception as e:
        found = _find_failing_node(model, source, exporter, opset)
        if found:
            nid, why = found
            raise OnnxExportError(f"node '{nid}' ({graph.node(nid).type}) cannot be exported to ONNX: {why}",
                                  nid) from None
        raise OnnxExportError(f"the model cannot be exported to ONNX: {_reason(e)}") from None
    if path is not None:
        with open(path, "wb") as f:
            f.write(data)
    return data
