"""Shape inference, one function per layer family: (input specs, params) -> output spec.

A spec is (shape, dtype): shape excludes the batch axis, dtype is "float" or "long" (token ids).
Each function raises ShapeError with a message that reads after "<node id>: ".
"""
from __future__ import annotations

import math

from i18n import N_


class ShapeError(Exception):
    pass


def fmt(shape) -> str:
    return "[" + ", ".join(str(d) for d in shape) + "]"


def shown(shape):
    """A sample's shape as a person reads it on the page: [] is one number per sample (torch's (B,))."""
    return N_("[] (one number)") if not tuple(shape) else fmt(shape)


def _one(ins, kind, want_dims=None, what=""):
    (shape, dtype), = ins
    if dtype != "float":
        raise ShapeError(f"{kind} needs float input but gets token ids (long): put an Embedding before it")
    if want_dims is not None and len(shape) != want_dims:
        raise ShapeError(f"{kind} expects {what}, got {fmt(shape)}")
    return shape


def _pair(v, n, kind="", name=""):
    if not isinstance(v, (list, tuple)):
        return (v,) * n
    if len(v) != n:  # torch rejects e.g. a [3, 3] kernel on Conv1d at forward time; say it here
        axes = "one integer" if n == 1 else f"one integer or {n} (one per spatial axis)"
        raise ShapeError(f"{kind} {name} takes {axes}, got {list(v)}")
    return tuple(v)


def _window(kind, axis, size, k, s, p, d=1):
    """Output length of a conv/pool window; names the formula when it drops below 1."""
    out = math.floor((size + 2 * p - d * (k - 1) - 1) / s + 1)
    if out < 1:
        dk = f"{d}·({k}-1)" if d != 1 else f"({k}-1)"
        raise ShapeError(f"{kind} {axis} becomes ({size} + 2·{p} − {dk} − 1)/{s} + 1 = {out} < 1: "
                         f"the kernel ({k}) is larger than the input ({size}{' + padding' if p else ''})")
    return out


def identity(ins, p, kind):
    return _one(ins, kind), "float"


def last_axis(ins, p, kind):
    """LayerNorm: per sample over its last axis, which one number per sample does not have."""
    shape = _one(ins, kind)
    if not shape:
        raise ShapeError(f"{kind} normalises each sample over its last axis, but [] (one number per sample) has none")
    return shape, "float"


def linear(ins, p, kind):
    shape = _one(ins, kind)
    if not shape:
        raise ShapeError(f"{kind} expects at least [features], got a scalar")
    return shape[:-1] + (p["out_features"],), "float"


def _groups(kind, p, channels):
    g = p.get("groups", 1)
    if channels % g:
        raise ShapeError(f"{kind} groups ({g}) must divide the input channels ({channels})")
    if p["out_channels"] % g:
        raise ShapeError(f"{kind} groups ({g}) must divide out_channels ({p['out_channels']})")


def conv(ins, p, kind):
    n = 1 if kind.endswith("1d") else 2
    what = "[C, L]" if n == 1 else "[C, H, W]"
    shape = _one(ins, kind, n + 1, what)
    _groups(kind, p, shape[0])
    k, s, pad, d = (_pair(p[x], n, kind, x) for x in ("kernel_size", "stride", "padding", "dilation"))
    axes = ("length",) if n == 1 else ("height", "width")
    out = tuple(_window(kind, axes[i], shape[1 + i], k[i], s[i], pad[i], d[i]) for i in range(n))
    return (p["out_channels"],) + out, "float"


def conv_transpose(ins, p, kind):
    """(H − 1)·stride − 2·padding + dilation·(k − 1) + output_padding + 1 per spatial axis."""
    shape = _one(ins, kind, 3, "[C, H, W]")
    _groups(kind, p, shape[0])
    k, s, pad, op, d = (_pair(p[x], 2, kind, x)
                        for x in ("kernel_size", "stride", "padding", "output_padding", "dilation"))
    out = []
    for i, axis in enumerate(("height", "width")):
        if op[i] >= max(s[i], d[i]):
            raise ShapeError(f"{kind} output_padding ({op[i]}) must be smaller than the stride ({s[i]}) "
                             f"or the dilation ({d[i]})")
        size = (shape[1 + i] - 1) * s[i] - 2 * pad[i] + d[i] * (k[i] - 1) + op[i] + 1
        if size < 1:
            raise ShapeError(f"{kind} {axis} becomes {size} < 1: the padding ({pad[i]}) crops more than the "
                             f"output has")
        out.append(size)
    return (p["out_channels"],) + tuple(out), "float"


def _pool_window(kind, axis, size, k, s, p, ceil):
    """torch's pooling size: with ceil_mode the last window may be partial, but must start inside the input."""
    if not ceil:
        return _window(kind, axis, size, k, s, p)
    out = math.floor((size + 2 * p - k + s - 1) / s) + 1  # ceil((size + 2p − k) / s) + 1
    if out < 1:
        return _window(kind, axis, size, k, s, p)  # smaller still without ceil_mode: raises, naming the formula
    return out - 1 if (out - 1) * s >= size + p else out


def pool(ins, p, kind):
    n = 1 if kind.endswith("1d") else 2
    what = "[C, L]" if n == 1 else "[C, H, W]"
    shape = _one(ins, kind, n + 1, what)
    k = _pair(p["kernel_size"], n, kind, "kernel_size")
    s = _pair(p["stride"] if p.get("stride") is not None else p["kernel_size"], n, kind, "stride")
    pad = _pair(p["padding"], n, kind, "padding")
    for i in range(n):
        if pad[i] > k[i] // 2:
            raise ShapeError(f"{kind} padding ({pad[i]}) must be at most half the kernel size ({k[i]})")
    axes = ("length",) if n == 1 else ("height", "width")
    ceil = p.get("ceil_mode", False)
    out = tuple(_pool_window(kind, axes[i], shape[1 + i], k[i], s[i], pad[i], ceil) for i in range(n))
    return (shape[0],) + out, "float"


def adaptive_pool(ins, p, kind):
    shape = _one(ins, kind, 3, "[C, H, W]")
    return (shape[0],) + _pair(p["output_size"], 2, kind, "output_size"), "float"


def batchnorm(ins, p, kind):
    (shape, dtype), = ins
    if kind == "BatchNorm2d":
        _one(ins, kind, 3, "[C, H, W]")
    elif len(shape) not in (1, 2):
        raise ShapeError(f"{kind} expects [C] or [C, L], got {fmt(shape)}")
    return _one(ins, kind), "float"


def flatten(ins, p, kind):
    (shape, dtype), = ins
    full = (None,) + tuple(shape)  # torch's dims count the batch axis
    n = len(full)
    for name in ("start_dim", "end_dim"):
        if not -n <= p[name] < n:
            raise ShapeError(f"Flatten {name} {p[name]} is out of range for {fmt(shape)}: with the batch axis "
                             f"it has dims 0..{n - 1} (or {-n}..-1)")
    start, end = p["start_dim"] % n, p["end_dim"] % n
    if start == 0:
        raise ShapeError("Flatten must keep the batch axis: start_dim must be ≥ 1")
    if start > end:
        raise ShapeError(f"Flatten start_dim {p['start_dim']} comes after end_dim {p['end_dim']} for {fmt(shape)}")
    out = full[:start] + (math.prod(full[start:end + 1]),) + full[end + 1:]
    return tuple(out[1:]), dtype


def reshape(ins, p, kind):
    (shape, dtype), = ins
    target = list(p["shape"])
    total = math.prod(shape)
    if target.count(-1) > 1:
        raise ShapeError(f"Reshape shape {target} may contain -1 only once")
    if any(d == 0 or d < -1 for d in target):
        raise ShapeError(f"Reshape shape {target} must hold positive sizes (or one -1)")
    if not target and total != 1:
        raise ShapeError(f"Reshape to [] keeps one number per sample, but {fmt(shape)} holds {total} values")
    if -1 in target:
        known = math.prod(d for d in target if d != -1)
        if total % known:
            raise ShapeError(f"Reshape cannot view {fmt(shape)} ({total} values) as {target}")
        target[target.index(-1)] = total // known
    if math.prod(target) != total:
        raise ShapeError(f"Reshape cannot view {fmt(shape)} ({total} values) as {fmt(target)} "
                         f"({math.prod(target)} values)")
    return tuple(target), dtype


def embedding(ins, p, kind):
    (shape, dtype), = ins
    if dtype != "long":
        raise ShapeError("Embedding needs token ids: set the Input's dtype to \"long\"")
    return tuple(shape) + (p["embedding_dim"],), "float"


def _sequence(ins, kind):
    return _one(ins, kind, 2, "a sequence [T, features]")


def recurrent(ins, p, kind):
    t, _ = _sequence(ins, kind)
    return (t, p["hidden_size"] * (2 if p["bidirectional"] else 1)), "float"


def attention(ins, p, kind):
    t, e = _sequence(ins, kind)
    heads = p["num_heads"] if "num_heads" in p else p["nhead"]
    if e % heads:
        raise ShapeError(f"{kind} needs the embedding size ({e}) divisible by the number of heads ({heads})")
    return (t, e), "float"


def positional(ins, p, kind):
    t, e = _sequence(ins, kind)
    if t > p["max_len"]:
        raise ShapeError(f"PositionalEncoding max_len ({p['max_len']}) is shorter than the sequence ({t})")
    if p["kind"] == "sinusoidal" and e % 2:
        raise ShapeError(f"sinusoidal PositionalEncoding needs an even embedding size, got {e}")
    return (t, e), "float"


def sequence_pool(ins, p, kind):
    t, f = _sequence(ins, kind)
    return (f,), "float"


def add(ins, p, kind):
    shapes = [s for s, _ in ins]
    if len(ins) < 2:
        raise ShapeError(f"Add needs at least two inputs, got {len(ins)}")
    if any(s != shapes[0] for s in shapes):
        raise ShapeError("Add needs inputs of the same shape, got " + " + ".join(fmt(s) for s in shapes))
    return shapes[0], "float" if all(d == "float" for _, d in ins) else "long"


def concat(ins, p, kind):
    shapes = [s for s, _ in ins]
    if len(ins) < 2:
        raise ShapeError(f"Concat needs at least two inputs, got {len(ins)}")
    rank = len(shapes[0])
    if any(len(s) != rank for s in shapes):
        raise ShapeError("Concat needs inputs of the same rank, got " + ", ".join(fmt(s) for s in shapes))
    dim = p["dim"]
    if not -rank <= dim < rank:
        raise ShapeError(f"Concat dim {dim} is out of range for {fmt(shapes[0])}")
    dim %= rank
    for s in shapes[1:]:
        if any(a != b for i, (a, b) in enumerate(zip(s, shapes[0])) if i != dim):
            raise ShapeError(f"Concat along dim {p['dim']} needs the other sizes equal, got "
                             + ", ".join(fmt(s) for s in shapes))
    out = list(shapes[0])
    out[dim] = sum(s[dim] for s in shapes)
    return tuple(out), ins[0][1]


def softmax(ins, p, kind):
    shape = _one(ins, kind)
    if not shape:
        raise ShapeError(f"{kind} over one number per sample ([]) would mix the samples of a batch: give it "
                         f"an axis of scores (e.g. Reshape to [1])")
    if not -len(shape) - 1 <= p["dim"] < len(shape) + 1:
        raise ShapeError(f"{kind} dim {p['dim']} is out of range for {fmt(shape)}")
    if p["dim"] % (len(shape) + 1) == 0:  # dim 0, or -(rank + 1): torch counts the batch axis
        raise ShapeError(f"{kind} over dim {p['dim']} mixes the samples of a batch (it is the batch axis): use dim=-1")
    return shape, "float"


def channels_dropout(ins, p, kind):
    return _one(ins, kind, 3, "[C, H, W] (it drops whole channels)"), "float"


def permute(ins, p, kind):
    (shape, dtype), = ins
    dims = list(p["dims"])
    if sorted(dims) != list(range(len(shape))):
        raise ShapeError(f"Permute dims {dims} must order the sample's axes 0..{len(shape) - 1} of {fmt(shape)}, "
                         f"each once (the batch axis is not counted)")
    return tuple(shape[d] for d in dims), dtype
