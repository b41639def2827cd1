"""ONNX groups without weights: activations, Add/Concat, Flatten/Reshape, sequence pooling."""
from __future__ import annotations

from .onnx_layers import attr, first, only, short

ALIAS = "alias"  # Identity, Dropout (inference graphs): the input passes through


def passthrough(g, m):
    for n in g.nodes:
        attr(n, "seed")  # a Dropout's random seed: nothing at inference
    return ALIAS


def activation(g, m):
    ops = {n.op_type for n in g.nodes}
    if "Gelu" in ops:
        approx = attr(first(g, "Gelu"), "approximate", "none")
        return "GELU", ({} if approx == "none" else {"approximate": approx}), {}
    if "Erf" in ops:
        return "GELU", {}, {}
    if "Sigmoid" in ops and "Mul" in ops:
        return "SiLU", {}, {}
    if "Tanh" in ops and "Pow" in ops:
        return "GELU", {"approximate": "tanh"}, {}
    for op, kind, name, default in (("LeakyRelu", "LeakyReLU", "negative_slope", 0.01),
                                    ("Elu", "ELU", "alpha", 1.0)):
        if op in ops:
            value = short(attr(first(g, op), "alpha", default))
            return kind, ({} if value == default else {name: value}), {}
    if "Softmax" in ops:
        return "Softmax", {"dim": int(attr(first(g, "Softmax"), "axis", -1))}, {}
    for op in ("Relu", "Sigmoid", "Tanh"):
        if op in ops:
            return {"Relu": "ReLU"}.get(op, op), {}, {}
    raise ValueError("no activation")


def _rank(m, name):
    shape = m.shapes.get(name)
    return len(shape) if shape is not None else None


def reshape(g, m):
    node = first(g, "Flatten", "Reshape")
    if node.op_type == "Flatten":
        if attr(node, "axis", 1) != 1:
            raise ValueError(f"axis={attr(node, 'axis')}")
        return "Flatten", {}, {}
    only(node, "allowzero", 0, 0)
    out = m.shapes.get(g.outputs[0])
    target = [int(d) for d in out[1:]] if out is not None and None not in out[1:] else _target(node, m)
    if len(target) == 1 and (_rank(m, g.sources[0]) or 0) > 2:
        return "Flatten", {}, {}
    return "Reshape", {"shape": target}, {}


def _target(node, m) -> list[int]:
    """x.view(x.size(0), ...): the shape is Concat(batch size, constants); the constants are the sample's shape."""
    shape = node.input[1]
    if shape in m.consts:
        return [int(d) for d in m.consts[shape].reshape(-1)[1:]]
    cat = next((n for n in m.proto.graph.node if shape in n.output and n.op_type == "Concat"), None)
    if cat is None or any(i not in m.consts for i in cat.input[1:]):
        raise ValueError("reshape to a size that is not a constant")
    return [int(d) for i in cat.input[1:] for d in m.consts[i].reshape(-1)]


def merge(g, m):
    node = first(g, "Add", "Concat")
    if node.op_type == "Add":
        return "Add", {}, {}
    axis = int(attr(node, "axis", -1))
    if axis == 0:
        raise ValueError("concatenation over the batch axis")
    dim = axis - 1 if axis > 0 else axis  # the catalogue counts axes without the batch
    return "Concat", ({} if dim == -1 else {"dim": dim}), {}


def sequence_pool(g, m):
    node = first(g, "Gather", "ReduceMean", "ReduceMax")
    if _rank(m, g.sources[0]) not in (3, None):
        raise ValueError("pooling of something that is not a (B, T, F) sequence")
    if node.op_type == "Gather":
        index = m.consts.get(node.input[1])
        if attr(node, "axis", 0) != 1 or index is None or index.size != 1 or int(index) != -1:
            raise ValueError("indexing other than out[:, -1]")
        return "SequencePool", {}, {}
    only(node, "noop_with_empty_axes", 0, 0)
    axes = attr(node, "axes") or (list(m.consts[node.input[1]]) if len(node.input) > 1 else None)
    if [int(a) for a in axes or []] not in ([1], [-2]) or attr(node, "keepdims", 1):
        raise ValueError("a reduction other than over the time axis")
    return "SequencePool", {"mode": "mean" if node.op_type == "ReduceMean" else "max"}, {}
