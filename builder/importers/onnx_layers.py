"""One group of ONNX nodes -> (catalogue type, params, weights by torch name) for the dense, conv and pool layers."""
from __future__ import annotations

import numpy as np

from .onnx_attrs import attr


def first(g, *ops):
    return next((n for n in g.nodes if n.op_type in ops), None)


def short(x: float) -> float:
    """ONNX keeps floats as float32: 9.99999974e-06 back to the 1e-05 that was written."""
    return float(f"{float(x):.6g}")


def ints(v):
    v = [int(x) for x in v]
    return v[0] if len(set(v)) == 1 else v


def only(node, name: str, supported, default=None):
    """Read an attribute the layer has no parameter for: ValueError unless it holds the one supported value."""
    value = attr(node, name, default)
    if value != supported:
        raise ValueError(f"{name}={value!r} (only {supported!r} maps onto the catalogue layer)")


def accept(g) -> None:
    """A composite module recognised whole (LSTM, attention, encoder layer): the exporter's own lowering of it,
    whose plumbing nodes (Transpose, Squeeze, Split ...) carry no choice of the user's; their output shapes are
    checked against the file's after the graph is built."""
    for n in g.nodes:
        for a in n.attribute:
            attr(n, a.name)


def _pads(node, n: int):
    only(node, "auto_pad", "NOTSET", "NOTSET")
    pads = list(attr(node, "pads", [0] * 2 * n))
    if pads[:n] != pads[n:]:
        raise ValueError(f"asymmetric pads {pads}")
    return ints(pads[:n])


def linear(g, m):
    """Gemm (2-D input) or MatMul + Add (sequences): W is (out, in) for Gemm transB=1, (in, out) for MatMul."""
    node = first(g, "Gemm", "MatMul")
    if node.op_type == "Gemm":
        for name, supported in (("alpha", 1.0), ("beta", 1.0), ("transA", 0)):
            only(node, name, supported, supported)
    w = m.consts[node.input[1]]
    if node.op_type == "MatMul" or not attr(node, "transB", 0):
        w = w.T
    if node.op_type == "Gemm":
        bias = m.consts.get(node.input[2]) if len(node.input) > 2 and node.input[2] else None
    else:
        add = first(g, "Add")
        bias = next((m.consts[i] for i in add.input if i in m.consts), None) if add else None
    weights = {"weight": w} | ({"bias": bias} if bias is not None else {})
    return "Linear", {"out_features": int(w.shape[0])} | ({} if bias is not None else {"bias": False}), weights


def conv(g, m):
    node = first(g, "Conv")
    if attr(node, "group", 1) != 1:
        raise ValueError(f"group={attr(node, 'group')}")
    w = m.consts[node.input[1]]
    n = len(attr(node, "kernel_shape", w.shape[2:]))
    params = {"out_channels": int(w.shape[0]), "kernel_size": ints(w.shape[2:]),
              "stride": ints(attr(node, "strides", [1] * n)), "padding": _pads(node, n),
              "dilation": ints(attr(node, "dilations", [1] * n))}
    bias = m.consts[node.input[2]] if len(node.input) > 2 and node.input[2] else None
    if bias is None:
        params["bias"] = False
    return f"Conv{n}d", params, {"weight": w} | ({"bias": bias} if bias is not None else {})


def pool(g, m):
    node = first(g, "MaxPool", "AveragePool", "GlobalAveragePool")
    if node.op_type == "GlobalAveragePool":
        return "AdaptiveAvgPool2d", {"output_size": 1}, {}
    if attr(node, "ceil_mode", 0):
        raise ValueError("ceil_mode=1")
    k = attr(node, "kernel_shape")
    n = len(k)
    stride = ints(attr(node, "strides", [1] * n))
    if node.op_type == "MaxPool":
        only(node, "dilations", [1] * n, [1] * n)
        only(node, "storage_order", 0, 0)
    params = {"kernel_size": ints(k), "stride": None if stride == ints(k) else stride, "padding": _pads(node, n)}
    if node.op_type == "AveragePool":
        if n != 2 or not attr(node, "count_include_pad", 0):
            raise ValueError("count_include_pad=0" if n == 2 else "1-D average pooling")
        return "AvgPool2d", params, {}
    return f"MaxPool{n}d", params, {}


def batchnorm(g, m):
    node = first(g, "BatchNormalization")
    rank = len(m.shapes.get(node.input[0]) or (0, 0, 0, 0))
    only(node, "training_mode", 0, 0)
    scale, bias, mean, var = (m.consts[i] for i in node.input[1:5])
    params = {"eps": short(attr(node, "epsilon", 1e-5)), "momentum": short(1 - attr(node, "momentum", 0.9))}
    weights = {"weight": scale, "bias": bias, "running_mean": mean, "running_var": var,
               "num_batches_tracked": np.array(0, dtype=np.int64)}
    return ("BatchNorm2d" if rank == 4 else "BatchNorm1d"), params, weights


def layernorm(g, m):
    node = first(g, "LayerNormalization")
    if attr(node, "axis", -1) != -1:
        raise ValueError(f"axis={attr(node, 'axis')}")
    attr(node, "stash_type")  # the precision of the mean and variance: float32 either way on the CPU
    weights = {"weight": m.consts[node.input[1]]}
    if len(node.input) > 2 and node.input[2]:
        weights["bias"] = m.consts[node.input[2]]
    else:
        weights["bias"] = np.zeros_like(weights["weight"])
    return "LayerNorm", {"eps": short(attr(node, "epsilon", 1e-5))}, weights


def embedding(g, m):
    node = first(g, "Gather")
    only(node, "axis", 0, 0)
    table = m.consts[node.input[0]]
    return "Embedding", {"num_embeddings": int(table.shape[0]), "embedding_dim": int(table.shape[1])}, \
        {"weight": table}
