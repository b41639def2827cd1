"""ONNX groups without weights of their own: activations, shape plumbing, merges, scaling, pooling and picking.

Axes are the file's; `m.axis(tensor, a)` turns one into the batch-first axis of the project (a sequence-first
model's batch is ONNX axis 1), so `output[-1]` of a (T, B, H) LSTM output is the last time step, as in torch.
"""
from __future__ import annotations

import numpy as np

from i18n import _

from .onnx_attrs import attr
from .onnx_layers import Layer, first, only, short

ALIAS = "alias"  # Identity, Dropout (inference graphs), a reshape that changes nothing: the input passes through


def passthrough(g, m):
    for n in g.nodes:
        attr(n, "seed")  # a Dropout's random seed: nothing at inference
    return ALIAS


def _softmax(node, m, kind):
    dim = m.axis(node.input[0], int(attr(node, "axis", -1)))
    rank = m.rank(node.input[0])
    return Layer(kind, {"dim": dim - rank} if dim - rank != -1 else {})


def _clip(node, m):
    lo, hi = (attr(node, "min"), attr(node, "max")) if len(node.input) < 2 else \
        tuple(None if len(node.input) <= k or not node.input[k] else m.const(node.input[k]) for k in (1, 2))
    lo, hi = (None if v is None else float(np.asarray(v).reshape(-1)[0]) for v in (lo, hi))
    if (lo, hi) == (0.0, 6.0):
        return Layer("ReLU6", {})
    if (lo, hi) == (0.0, None):
        return Layer("ReLU", {})
    raise ValueError(_("clamping to [{lo}, {hi}] has no catalogue layer (ReLU6 clamps to [0, 6], ReLU to "
                       "[0, ∞))").format(lo=lo, hi=hi))


def activation(g, m):
    ops = {n.op_type for n in g.nodes}
    if "Gelu" in ops:
        approx = attr(first(g, "Gelu"), "approximate", "none")
        return Layer("GELU", {} if approx == "none" else {"approximate": approx})
    if "Erf" in ops:
        return Layer("GELU", {})
    if "Sigmoid" in ops and "Mul" in ops:
        return Layer("SiLU", {})
    if "Tanh" in ops and "Pow" in ops:
        return Layer("GELU", {"approximate": "tanh"})
    for op, kind, name, default in (("LeakyRelu", "LeakyReLU", "negative_slope", 0.01), ("Elu", "ELU", "alpha", 1.0)):
        if op in ops:
            value = short(attr(first(g, op), "alpha", default))
            return Layer(kind, {} if value == default else {name: value})
    for op, kind in (("Softmax", "Softmax"), ("LogSoftmax", "LogSoftmax")):
        if op in ops:
            return _softmax(first(g, op), m, kind)
    if "Clip" in ops:
        return _clip(first(g, "Clip"), m)
    for op in ("Relu", "Sigmoid", "Tanh"):
        if op in ops:
            return Layer({"Relu": "ReLU"}.get(op, op), {})
    raise ValueError(_("no activation"))


def reshape(g, m):
    """Flatten, Reshape, Squeeze, Unsqueeze on data: the catalogue's Flatten or Reshape to the file's shape."""
    node = next(n for n in g.nodes if n.op_type in ("Flatten", "Reshape", "Squeeze", "Unsqueeze"))
    import math
    for n in g.nodes:
        if n.op_type == "Reshape":
            target = m.const(n.input[1])
            only(n, "allowzero", attr(n, "allowzero", 0) if target is None or target.all() else 0, 0)
        elif n.op_type in ("Flatten", "Squeeze", "Unsqueeze"):
            attr(n, "axis" if n.op_type == "Flatten" else "axes")
    source, output = g.sources[0], g.outputs[0]
    if source in m.states:
        return m.states[source].squeezed(node, m)
    src, out = m.sample(source), m.sample(output)
    if m.batch_axis(source) != 0 or m.batch_axis(output) not in (0, None):
        raise ValueError(_("a reshape that moves or mixes the batch axis (as view(-1, n) of a sequence-first "
                           "tensor does) has no catalogue layer; keep the batch axis first and whole"))
    if out is None and node.op_type == "Reshape" and src:
        out = _target(node, m, g, src)
    shape = m.shapes.get(output)
    if out is None and shape and all(isinstance(d, int) for d in shape[1:]):
        out = list(shape[1:])  # the batch size is what the -1 leaves
    if out is None or not src or math.prod(out) != math.prod(src):
        raise ValueError(_("its output size is not known from the file, or mixes samples of the batch (reshape to "
                           "a size computed from the data); write x.flatten(1) or x.view(x.size(0), -1)"))
    if src == out:
        return ALIAS
    if not out:  # (B, 1) -> (B,): squeeze(1), view(-1), flatten() of one number per sample
        return Layer("Reshape", {"shape": []})
    if len(out) == 1 and len(src) > 1:
        return Layer("Flatten", {})
    return Layer("Reshape", {"shape": out})


def _target(node, m, g, src: list) -> list | None:
    """x.view(x.size(0), ...): the shape is (batch, constants...) or Concat(batch, constants); -1 filled in.
    TorchScript's x.flatten() is Concat(Shape(x)[0:0], [-1]): its first part is empty and the -1 takes the batch."""
    import math

    from .onnx_verify import static_value
    shape = node.input[1]
    if m.const(shape) is not None:
        dims = [int(d) for d in m.const(shape).reshape(-1)[1:]]
    else:
        cat = m.producer.get(shape)
        if cat is None or cat.op_type != "Concat" or any(m.const(i) is None for i in cat.input[1:]):
            return None
        dims = [int(d) for i in cat.input[1:] for d in m.const(i).reshape(-1)]
        head = static_value(m, g, cat.input[0])
        if head is not None and head.size == 0:
            if not dims or dims[0] != -1:
                return None
            dims = dims[1:]
        elif head is not None:  # x.flatten(2) is Concat(Shape(x)[0:2], [-1]): the batch (2 in the evaluation), then C
            if head.ndim != 1 or int(head[0]) != 2:
                return None
            dims = [int(d) for d in head[1:]] + dims
    if dims.count(-1) == 1:
        rest = math.prod(d for d in dims if d != -1)
        dims[dims.index(-1)] = math.prod(src) // rest if rest else 0
    return dims if all(d > 0 for d in dims) and math.prod(dims) == math.prod(src) else None


def transpose(g, m):
    node = first(g, "Transpose")
    src, dst = node.input[0], node.output[0]
    perm = attr(node, "perm") or list(reversed(range(m.rank(src) or 0)))
    b_in, b_out = m.batch_axis(src), m.batch_axis(dst)
    if b_in is None or b_out is None or perm[b_out] != b_in:
        raise ValueError(_("a transpose whose batch axis cannot be followed"))
    ours_in = [b_in] + [a for a in range(len(perm)) if a != b_in]  # file axes, batch first
    order = [ours_in.index(perm[k]) for k in [b_out] + [a for a in range(len(perm)) if a != b_out]]
    dims = [d - 1 for d in order[1:]]
    return ALIAS if dims == sorted(dims) else Layer("Permute", {"dims": dims})


def merge(g, m):
    node = first(g, "Add", "Concat")
    if node.op_type == "Add":
        return Layer("Add", {})
    dim = m.axis(node.input[0], int(attr(node, "axis", -1))) - 1  # the catalogue counts axes without the batch
    rank = len(m.sample(node.input[0]) or []) or (m.rank(node.input[0]) or 1) - 1
    return Layer("Concat", {} if dim == rank - 1 else {"dim": dim})


def scale(g, m):
    node = first(g, "Mul", "Div")
    data = [i for i in node.input if m.const(i) is None]
    const = [m.const(i) for i in node.input if m.const(i) is not None]
    if len(data) != 1 or len(const) != 1 or const[0].size != 1:
        raise ValueError(_("a product with a tensor that is not one constant number has no catalogue layer (Scale "
                           "multiplies by a constant, e.g. x * math.sqrt(d))"))
    c = float(const[0].reshape(-1)[0])
    if node.op_type == "Div":
        if node.input[0] != data[0]:
            raise ValueError(_("a constant divided by the data has no catalogue layer"))
        c = 1.0 / c
    return Layer("Scale", {"factor": short(c)})


def select(g, m):
    """Gather of one index on the time axis: `out[:, -1]`, `output[-1]` (sequence-first), an LSTM's `h_n[-1]`."""
    node = first(g, "Gather")
    index = m.const(node.input[1])
    src = node.input[0]
    if index is None or index.size != 1:
        raise ValueError(_("indexing with a tensor of positions has no catalogue layer"))
    axis = int(attr(node, "axis", 0))
    state = m.states.get(src)
    if state is not None:  # h_n of an LSTM/GRU: (layers * directions, B, H)
        return state.last(int(index.reshape(-1)[0]), axis)
    if (m.sample(src) and len(m.sample(src)) != 2) or m.axis(src, axis) != 1:
        raise ValueError(_("picking one element of an axis other than the time axis of a (B, T, F) sequence has no "
                           "catalogue layer"))
    t, i = (m.sample(src)[0] if m.sample(src) else None), int(index.reshape(-1)[0])
    if i in (0, -t if t else 0):  # x[:, 0]: a [CLS] token; output[0] of a sequence-first model
        return Layer("SequencePool", {"mode": "first"})
    if i not in (-1, (t or 0) - 1):
        raise ValueError(_("picking step {i} of the sequence has no catalogue layer (the first step, x[:, 0], and "
                           "the last, out[:, -1], map onto SequencePool)").format(i=i))
    return Layer("SequencePool", {})


def _axes(node, m):
    axes = attr(node, "axes")
    if axes is None and len(node.input) > 1 and node.input[1]:
        value = m.const(node.input[1])
        if value is None:
            raise ValueError(_("reduction axes computed from the data"))
        axes = value.reshape(-1).tolist()
    return sorted(m.axis(node.input[0], int(a)) for a in axes or [])


def reduce(g, m):
    """ReduceMean/ReduceMax: over time of (B, T, F) -> SequencePool; over (H, W) of (B, C, H, W) -> a global pool."""
    node = first(g, "ReduceMean", "ReduceMax")
    only(node, "noop_with_empty_axes", 0, 0)
    keep = bool(attr(node, "keepdims", 1))
    axes, rank = _axes(node, m), m.rank(node.input[0])
    mode = "mean" if node.op_type == "ReduceMean" else "max"
    if rank == 3 and axes in ([1], [2]) and not keep:  # over time of (B, T, F); over L of (B, C, L): time last
        pool = Layer("SequencePool", {"mode": mode})
        return pool if axes == [1] else [Layer("Permute", {"dims": [1, 0]}), pool]
    if rank == 4 and axes == [2, 3] and mode == "mean":
        pool = Layer("AdaptiveAvgPool2d", {"output_size": 1})
        return pool if keep else [pool, Layer("Flatten", {})]
    raise ValueError(_("a {op} over axes {axes} of a {rank}-D tensor has no catalogue layer (the mean over time of "
                       "(B, T, F), or over height and width of (B, C, H, W), does)").format(
        op=node.op_type, axes=axes, rank=rank))
