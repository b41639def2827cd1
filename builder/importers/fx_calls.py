"""A traced function or method call -> catalogue node(s): activations, dropout, pooling, arithmetic (residual adds,
x * c, torch.cat), F.linear / F.conv2d on the module's own parameters; shape plumbing is fx_plumbing's."""
from __future__ import annotations

import operator

import torch
import torch.nn.functional as F

from i18n import N_, _

from . import fx_plumbing as plumbing
from . import fx_state as state
from .fx_modules import canvas_dim
from .fx_trace import call_name
from .fx_values import STATIC, Const, Multi, State, Unmapped, Val
from .modules import _ints

ACTIVATIONS = {F.relu: "ReLU", torch.relu: "ReLU", "relu": "ReLU", F.relu6: "ReLU6", F.gelu: "GELU",
               torch.sigmoid: "Sigmoid", F.sigmoid: "Sigmoid", "sigmoid": "Sigmoid", torch.tanh: "Tanh",
               F.tanh: "Tanh", "tanh": "Tanh", F.silu: "SiLU", F.elu: "ELU", F.leaky_relu: "LeakyReLU",
               torch.softmax: "Softmax", F.softmax: "Softmax", "softmax": "Softmax", torch.log_softmax: "LogSoftmax",
               F.log_softmax: "LogSoftmax", "log_softmax": "LogSoftmax", "relu_": "ReLU", F.relu_: "ReLU"}
_ARGS = {"GELU": ("approximate", "none"), "ELU": ("alpha", 1.0), "LeakyReLU": ("negative_slope", 0.01),
         "Softmax": ("dim", None), "LogSoftmax": ("dim", None)}
ADDS = (operator.add, operator.iadd, torch.add, "add", "add_")
MULS = (operator.mul, operator.imul, torch.mul, "mul", "mul_")
DIVS = (operator.truediv, operator.itruediv, torch.div, "div", "div_")
CATS = (torch.cat, torch.concat, torch.concatenate)
POOLS = {F.max_pool1d: "MaxPool1d", F.max_pool2d: "MaxPool2d", F.avg_pool2d: "AvgPool2d"}
_POOL_ARGS = {"MaxPool1d": ("kernel_size", "stride", "padding", "dilation", "ceil_mode"),
              "MaxPool2d": ("kernel_size", "stride", "padding", "dilation", "ceil_mode"),
              "AvgPool2d": ("kernel_size", "stride", "padding", "ceil_mode", "count_include_pad", "divisor_override")}
ADVICE = {  # what would work instead, for calls people often write
    "numpy": N_("the computation leaves torch: keep it in torch (write torch.flatten(x, 1) instead of x.numpy())"),
    "item": N_("the computation leaves torch: keep it in torch"),
    "tolist": N_("the computation leaves torch: keep it in torch"),
    "matmul": N_("a hand-written attention or projection: use nn.MultiheadAttention or nn.Linear"),
    "bmm": N_("a hand-written attention: use nn.MultiheadAttention"),
    "masked_fill": N_("a hand-written attention mask: use nn.MultiheadAttention (without a mask)"),
    "interpolate": N_("upsampling: use nn.ConvTranspose2d"),
    "stack": N_("use torch.cat along an axis"),
}


def _arg(args, kwargs, i: int, name: str, default=None):
    return kwargs[name] if name in kwargs else (args[i] if len(args) > i else default)


def _activation(w, n, kind, args, kwargs):
    x, params = args[0], {}
    if kind in _ARGS:
        name, default = _ARGS[kind]
        value = w.py(_arg(args, kwargs, 1, name, default))
        if value is None:
            raise Unmapped(_("without dim: say which axis sums to 1 (dim=1 for class scores)"))
        if name == "dim":
            value = canvas_dim(value, len(w.meta[n.args[0]].shape), x.axis)
        if name == "dim" or value != default:
            params[name] = value
    return w.add(n, kind, params, [x], axis=x.axis)


def _dropout(w, n, kind, args, kwargs):
    if _arg(args, kwargs, 2, "training", True):
        raise Unmapped(_("without training=self.training drops values at evaluation too: write {call}(x, p, "
                         "training=self.training), or use nn.{kind}").format(call=call_name(n.target), kind=kind))
    x = args[0]
    if kind == "Dropout2d" and x.axis:
        raise Unmapped(_("drops channels of a tensor whose batch is not first"))
    return w.add(n, kind, {"p": float(_arg(args, kwargs, 1, "p", 0.5))}, [x], axis=x.axis)


def _pool(w, n, kind, args, kwargs):
    names = _POOL_ARGS[kind]
    given = {name: w.py(_arg(args, kwargs, i + 1, name)) for i, name in enumerate(names)}
    given = {k: _ints(v) for k, v in given.items() if v is not None}
    if given.get("dilation", 1) != 1 or not given.get("count_include_pad", True) or given.get("divisor_override"):
        raise Unmapped(_("with {setting}: the catalogue's {kind} does not offer it").format(
            kind=kind, setting=", ".join(
                f"{k}={v}" for k, v in given.items() if k in ("dilation", "count_include_pad", "divisor_override"))))
    if given.get("stride") in (given["kernel_size"], []):
        del given["stride"]
    params = {k: v for k, v in given.items() if k in ("kernel_size", "stride", "padding", "ceil_mode")
              and v not in (0, False)}
    return w.add(n, kind, params, [args[0]])


def _add(w, n, args, kwargs):
    a, b = args[0], args[1] if len(args) > 1 else kwargs.get("other")
    if kwargs.get("alpha", 1) != 1:
        raise Unmapped(_("with alpha: no canvas layer scales one side of a sum"))
    if isinstance(a, Val) and isinstance(b, Val):
        if a.axis != b.axis:
            raise Unmapped(_("adds tensors whose batch axes differ"))
        return w.add(n, "Add", {}, [a, b], axis=a.axis)
    x, c = (a, b) if isinstance(a, Val) else (b, a)
    if isinstance(c, Const):
        return state.add_table(w, n, x, c)
    raise Unmapped(_("adds the constant {c}: no canvas layer adds a constant").format(c=c))


def _factor(c) -> float | None:
    if isinstance(c, (int, float)) and not isinstance(c, bool):
        return float(c)
    if isinstance(c, Const) and c.value is not None and c.value.numel() == 1 and not c.trainable:
        return float(c.value)
    return None


def _scale(w, n, args, kwargs, divide=False):
    a, b = args[0], args[1] if len(args) > 1 else kwargs.get("other")
    x, c = (a, b) if isinstance(a, Val) else (b, a)
    factor = _factor(c)
    if isinstance(c, Const) and c.name and factor is None:
        raise Unmapped(_("multiplies by the tensor '{name}' of the module; the canvas multiplies only by a constant "
                         "number (Scale)").format(name=c.name))
    if factor is None or (divide and not isinstance(a, Val)) or kwargs.get("rounding_mode"):
        raise Unmapped(_("multiplies two tensors; the canvas multiplies only by a constant number (Scale)"))
    if divide and factor == 0:
        raise Unmapped(_("divides by zero"))
    return w.add(n, "Scale", {"factor": 1.0 / factor if divide else factor}, [x], axis=x.axis)


def _cat(w, n, args, kwargs):
    xs = args[0]
    if not all(isinstance(v, Val) for v in xs) or len({v.axis for v in xs}) != 1:
        raise Unmapped(_("joins tensors that are not all computed from the input the same way"))
    dim = canvas_dim(w.py(_arg(args, kwargs, 1, "dim", 0)), len(w.meta[n].shape), xs[0].axis)
    dim = dim - 1 if dim > 0 else dim  # Concat counts the sample's axes
    return w.add(n, "Concat", {} if dim in (-1, len(w.meta[n].shape) - 2) else {"dim": dim}, list(xs),
                 axis=xs[0].axis)


def _functional_layer(w, n, args, kwargs):
    """F.linear(x, self.weight, self.bias) / F.conv2d(x, self.weight, ...): a layer with the module's parameters."""
    weight, bias = args[1], _arg(args, kwargs, 2, "bias")
    for p in (weight, bias):
        if p is not None and not (isinstance(p, Const) and p.trainable):
            raise Unmapped(_("works on a tensor that is not one of the module's parameters"))
        if p is not None and p.name in w.shared:
            raise Unmapped(_("uses '{name}' a second time; canvas nodes never share weights").format(name=p.name))
    w.shared.update(p.name for p in (weight, bias) if p is not None)
    shape = weight.value.shape
    weights = {"weight": weight.value.clone()} | ({"bias": bias.value.clone()} if bias is not None else {})
    if n.target is F.linear:
        return w.add(n, "Linear", {"out_features": int(shape[0]), "bias": bias is not None}, [args[0]],
                     weights, axis=args[0].axis)
    names = ("stride", "padding", "dilation", "groups")
    given = {k: _ints(w.py(_arg(args, kwargs, i + 3, k))) for i, k in enumerate(names)}
    if isinstance(given["padding"], str):
        raise Unmapped(_("uses padding='{p}': give the padding as numbers").format(p=given["padding"]))
    params = {"out_channels": int(shape[0]), "kernel_size": _ints(tuple(shape[2:])), "bias": bias is not None}
    params |= {k: v for k, v in given.items() if v is not None and v != (0 if k == "padding" else 1)}
    return w.add(n, "Conv2d" if n.target is F.conv2d else "Conv1d", params, [args[0]], weights)


def _dispatch(w, n, args, kwargs):
    t = n.target
    table = [(ACTIVATIONS, lambda: _activation(w, n, ACTIVATIONS[t], args, kwargs)),
             ((F.dropout,), lambda: _dropout(w, n, "Dropout", args, kwargs)),
             ((F.dropout2d,), lambda: _dropout(w, n, "Dropout2d", args, kwargs)),
             (POOLS, lambda: _pool(w, n, POOLS[t], args, kwargs)),
             ((F.adaptive_avg_pool2d,), lambda: w.add(n, "AdaptiveAvgPool2d", {
                 "output_size": _ints(w.py(_arg(args, kwargs, 1, "output_size")))}, [args[0]])),
             (ADDS, lambda: _add(w, n, args, kwargs)), (MULS, lambda: _scale(w, n, args, kwargs)),
             (DIVS, lambda: _scale(w, n, args, kwargs, divide=True)),
             ((operator.neg, torch.neg, "neg"), lambda: w.add(n, "Scale", {"factor": -1.0}, [args[0]],
                                                              axis=args[0].axis)),
             (CATS, lambda: _cat(w, n, args, kwargs)),
             ((F.linear, F.conv2d, F.conv1d), lambda: _functional_layer(w, n, args, kwargs)),
             (plumbing.ALIASES, lambda: plumbing.alias(w, n, args, kwargs)),
             (plumbing.RESHAPES, lambda: plumbing.reshape(w, n, args, kwargs)),
             (plumbing.PERMUTES, lambda: plumbing.permute(w, n, args, kwargs)),
             ((operator.getitem,), lambda: plumbing.getitem(w, n, args, kwargs)),
             (plumbing.REDUCTIONS, lambda: plumbing.reduce(w, n, args, kwargs))]
    for targets, handle in table:
        if _has(targets, t):
            return handle()
    name = call_name(t)
    advice = ADVICE.get(name.rsplit(".", 1)[-1]) or N_("no catalogue layer computes it")
    raise Unmapped(_("has no canvas layer: {advice}").format(advice=advice))


def _has(targets, t) -> bool:
    try:
        return t in targets
    except TypeError:  # an unhashable target
        return any(t is x for x in targets)


def _flat(values):
    for v in values:
        if isinstance(v, (list, tuple)) and not isinstance(v, State):
            yield from _flat(v)
        else:
            yield v


def call(w, n):
    args, kwargs = [w.value(a) for a in n.args], {k: w.value(v) for k, v in n.kwargs.items()}
    every = list(_flat(args + list(kwargs.values())))
    src = args[0] if args else None
    if isinstance(src, (Multi, State)):
        if n.target is operator.getitem:
            return state.item(w, n, src, w.py(n.args[1]))
        if n.target is getattr and isinstance(src, Multi) and args[1] in ("values", "indices"):  # torch.max's tuple
            return state.item(w, n, src, args[1] if args[1] == "values" else 1)
        if isinstance(src, State):
            return state.state_call(w, n, src, args)
    if any(isinstance(v, (Multi, State)) for v in every):
        bad = next(v for v in every if isinstance(v, (Multi, State)))
        raise Unmapped(_("uses the state that module '{path}' returns; the canvas keeps only its output "
                         "(element 0) and h_n[-1]").format(path=bad.path))
    if not any(isinstance(v, Val) for v in every):
        return state.constant_call(w, n, args, kwargs)
    m = w.meta[n]
    if not m.tensor and not _has(plumbing.TUPLES, n.target):
        return STATIC  # x.size(0), x.shape, x.dim(): sizes, read from the runs where needed
    return _dispatch(w, n, args, kwargs)
