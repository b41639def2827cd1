"""A traced module call -> catalogue node(s): the module's settings (modules.map_module), where its batch axis must
be, what its tuple result holds; nn.TransformerEncoder becomes its stack of layers."""
from __future__ import annotations

from torch import nn

from i18n import _

from ..catalogue import LAYERS
from . import fx_masks as masks
from .fx_values import STATIC, ZEROS, Multi, State, Unmapped, Val
from .modules import map_module

RECURRENT = ("RNN", "LSTM", "GRU")
DIMMED = ("Softmax", "LogSoftmax")  # a dim argument that counts the batch axis
AXIS_FREE = {"Linear", "Embedding", "Dropout", "LayerNorm", "Scale"} | {  # per value or along the last axis
    name for name, spec in LAYERS.items() if spec.category == "activation" and name not in DIMMED}


def canvas_dim(dim: int, rank: int, axis: int) -> int:
    """A torch dim of a tensor with its batch on `axis` -> the same dim once the batch is first (dims count it)."""
    d = dim % rank
    if d == axis:
        raise Unmapped(_("works across the samples of a batch (dim {dim} is the batch axis), which no canvas layer "
                         "does").format(dim=dim))
    return dim if axis == 0 else (d + 1 if d < axis else d)


def _none(v) -> bool:
    return v is None or v is STATIC or v is False


def _extra_args(path: str, args: list, kwargs: dict, allowed=()) -> None:
    extra = [v for v in args[1:]] + [v for k, v in kwargs.items() if k not in allowed]
    if not all(_none(v) for v in extra):
        raise Unmapped(_("is called with more than its input; a canvas node reads one value")
                       .format(path=path))


def _shared(w, n, sub) -> None:
    if not sub.state_dict():  # no weights, no running statistics: each call is a node of its own
        return
    if n.target in w.stateful:
        raise Unmapped(_("is called a second time, and it has weights: canvas nodes never share "
                         "weights, so give each call a module of its own").format(path=n.target))
    w.stateful.add(n.target)


def _axis_wanted(path: str, kind: str, x: Val, batch_first: bool) -> int:
    want = 0 if batch_first else 1
    if x.axis != want:
        raise Unmapped(_("({kind}, batch_first={bf}) gets a tensor whose batch is on axis {axis}: "
                         "pass x.transpose(0, 1), or build it with batch_first={other}").format(
            path=path, kind=kind, bf=batch_first, axis=x.axis, other=not batch_first))
    return want


def _recurrent(w, n, sub, kind, params, args, kwargs) -> Multi:
    x = args[0]
    axis = _axis_wanted(n.target, kind, x, sub.batch_first)
    h0 = args[1] if len(args) > 1 else kwargs.get("hx")
    zeros = h0 == ZEROS or (isinstance(h0, tuple) and all(h == ZEROS for h in h0))
    if not _none(h0) and not zeros:
        raise Unmapped(_("is given an initial state that is not zeros; the canvas's {kind} starts "
                         "from zeros: leave the state out").format(path=n.target, kind=kind))
    out = w.add(n.target, kind, params, [x], sub.state_dict(), axis=axis)
    state = State(n.target, out, "hc" if kind == "LSTM" else "h", sub.num_layers, 2 if sub.bidirectional else 1)
    return Multi(n.target, (out, state))


def _steps(w, n) -> int:
    """T of the (T, E) sequence an attention call reads."""
    return w.sample(next(a for a in n.all_input_nodes if isinstance(w.values.get(a), Val)))[0]


def _attention(w, n, sub, params, args, kwargs):
    qkv = (args + [kwargs.get(k) for k in ("query", "key", "value")][len(args):])[:3]
    if len({id(v) for v in qkv}) != 1 or not isinstance(qkv[0], Val):
        raise Unmapped(_("is not called as self-attention attn(x, x, x)").format(path=n.target))
    axis = _axis_wanted(n.target, "MultiheadAttention", qkv[0], sub.batch_first)
    if masks.causal(n.target, masks.bound(masks.MHA, args[3:], kwargs), "attn_mask", _steps(w, n)):
        params = params | {"is_causal": True}
    out = w.add(n.target, "MultiheadAttention", params, [qkv[0]], sub.state_dict(), axis=axis)
    return Multi(n.target, (out, None))


def _encoder_layers(w, n, sub, args, kwargs):
    """TransformerEncoderLayer, or a TransformerEncoder: its N layers, then its final norm."""
    x = args[0]
    stack = isinstance(sub, nn.TransformerEncoder)
    given = masks.bound(masks.ENCODER if stack else masks.LAYER, args[1:], kwargs)
    layers = list(sub.layers) if stack else [sub]
    axis = _axis_wanted(n.target, "TransformerEncoderLayer", x, layers[0].self_attn.batch_first)
    causal = masks.causal(n.target, given, "mask" if stack else "src_mask", _steps(w, n))
    for i, layer in enumerate(layers):
        path = f"{n.target}.layers.{i}" if layer is not sub else n.target
        kind, params = map_module(path, layer)
        params = params | ({"is_causal": True} if causal else {})
        x = w.add(path, kind, params, [x], layer.state_dict(), axis=axis)
    if getattr(sub, "norm", None) is not None:
        kind, params = map_module(f"{n.target}.norm", sub.norm)
        x = w.add(f"{n.target}.norm", kind, params, [x], sub.norm.state_dict(), axis=axis)
    return x


def call(w, n):
    from .fx_state import constant_module
    sub = w.gm.get_submodule(n.target)
    args, kwargs = [w.value(a) for a in n.args], {k: w.value(v) for k, v in n.kwargs.items()}
    ins = [v for v in args if isinstance(v, Val)]
    if not ins and not any(isinstance(v, Val) for v in kwargs.values()):
        return constant_module(w, n, sub, args)
    _shared(w, n, sub)
    if isinstance(sub, (nn.TransformerEncoder, nn.TransformerEncoderLayer)):
        return _encoder_layers(w, n, sub, args, kwargs)
    kind, params = map_module(n.target, sub)
    if kind in RECURRENT:
        return _recurrent(w, n, sub, kind, params, args, kwargs)
    if kind == "MultiheadAttention":
        return _attention(w, n, sub, params, args, kwargs)
    if LAYERS[kind].inputs != "many":
        _extra_args(n.target, args, kwargs)
    x = ins[0]
    if kind in DIMMED and x.axis:
        params = params | {"dim": canvas_dim(sub.dim, len(w.meta[n.args[0]].shape), x.axis)}
    elif kind not in AXIS_FREE and any(v.axis for v in ins):
        raise Unmapped(_("({kind}) gets a tensor whose batch is on axis {axis}: it needs the batch "
                         "first").format(path=n.target, kind=kind, axis=x.axis))
    return w.add(n.target, kind, params, ins, sub.state_dict(), axis=x.axis)
