"""A traced function or method call (torch.relu, x + y, x.view(...), out[:, -1]) -> a catalogue type."""
from __future__ import annotations

import operator

import torch
import torch.nn.functional as F

ALIAS = "alias"  # the call passes its input through unchanged (x.contiguous())

_ACTIVATIONS = {torch.relu: "ReLU", F.relu: "ReLU", "relu": "ReLU", torch.sigmoid: "Sigmoid", F.sigmoid: "Sigmoid",
                "sigmoid": "Sigmoid", torch.tanh: "Tanh", F.tanh: "Tanh", "tanh": "Tanh", F.gelu: "GELU",
                F.silu: "SiLU", F.elu: "ELU", F.leaky_relu: "LeakyReLU", torch.softmax: "Softmax",
                F.softmax: "Softmax", "softmax": "Softmax"}
_ACT_ARGS = {"GELU": ("approximate", "none"), "ELU": ("alpha", 1.0), "LeakyReLU": ("negative_slope", 0.01),
             "Softmax": ("dim", None)}
_ADD = (operator.add, operator.iadd, torch.add, "add")
_RESHAPE = (torch.flatten, torch.reshape, "flatten", "view", "reshape")
_REDUCE = {"mean": "mean", torch.mean: "mean", "amax": "max", torch.amax: "max"}


def _arg(node, i: int, name: str, default=None):
    """Positional argument i of a call (after the tensor for methods), or keyword `name`."""
    if name in node.kwargs:
        return node.kwargs[name]
    return node.args[i] if len(node.args) > i else default


def _shape(n):
    meta = n.meta.get("tensor_meta") if hasattr(n, "meta") else None
    return tuple(meta.shape) if meta is not None and hasattr(meta, "shape") else None


def _activation(kind: str, node) -> tuple[str, dict]:
    if kind not in _ACT_ARGS:
        return kind, {}
    name, default = _ACT_ARGS[kind]
    value = _arg(node, 1, name, default)
    if kind == "Softmax" and value is None:
        raise ValueError("softmax without dim")
    return kind, ({} if value == default and kind != "Softmax" else {name: value})


def _time_index(index) -> bool:
    """out[:, -1] (or out[:, -1, :]): the last step of a (B, T, F) sequence."""
    if not isinstance(index, tuple) or len(index) not in (2, 3) or index[1] != -1:
        return False
    return all(isinstance(s, slice) and s == slice(None) for s in (index[0], *index[2:]))


def map_call(node, tensor_inputs: list) -> tuple[str, dict] | str:
    """(type, params), or ALIAS; raises ValueError with the reason when the call has no catalogue type."""
    target, ins = node.target, [_shape(n) for n in tensor_inputs]
    out = _shape(node)
    if target in _ACTIVATIONS:
        return _activation(_ACTIVATIONS[target], node)
    if target in _ADD and len(tensor_inputs) == 2:
        return "Add", {}
    if target is torch.cat:
        dim = _arg(node, 1, "dim", 0)
        if dim == 0:
            raise ValueError("torch.cat over the batch axis")
        dim = dim - 1 if dim > 0 else dim  # the catalogue counts axes without the batch
        return "Concat", {} if dim == -1 else {"dim": dim}
    if target in _RESHAPE and out is not None and ins[0] is not None and out[0] == ins[0][0]:
        if len(out) == 2 and len(ins[0]) > 2:
            return "Flatten", {}
        return "Reshape", {"shape": list(out[1:])}
    if target is operator.getitem and ins[0] is not None and len(ins[0]) == 3 and _time_index(node.args[1]):
        return "SequencePool", {}
    if target in _REDUCE and ins[0] is not None and len(ins[0]) == 3 and _arg(node, 1, "dim") in (1, -2, (1,)):
        if not _arg(node, 2, "keepdim", False):
            return "SequencePool", {"mode": _REDUCE[target]}
    if target in ("contiguous", torch.Tensor.contiguous):
        return ALIAS
    if target is F.dropout:
        return "Dropout", {"p": _arg(node, 1, "p", 0.5)}
    raise ValueError("no catalogue layer")
