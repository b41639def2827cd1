"""Shape plumbing on a canvas value: view/reshape/flatten/squeeze/unsqueeze, permute/transpose, indexing the last
step of a sequence, and reductions (x.mean(1), x.mean([2, 3])). Sizes come from the two runs (fx_run), so
x.view(x.size(0), -1) and x.view(-1, 320) read the same."""
from __future__ import annotations

import torch

from i18n import _

from .fx_values import INDICES, Const, Multi, Unmapped, Val

RESHAPES = (torch.flatten, torch.reshape, torch.squeeze, torch.unsqueeze,
            "flatten", "view", "reshape", "squeeze", "unsqueeze", "view_as", "reshape_as")
PERMUTES = (torch.permute, torch.transpose, torch.swapaxes, "permute", "transpose", "swapaxes", "t")
ALIASES = ("contiguous", "clone", "detach", "to", "float", "cuda", "cpu", "type_as", "requires_grad_", torch.clone)
REDUCTIONS = {torch.mean: "mean", "mean": "mean", torch.amax: "max", "amax": "max", torch.max: "max", "max": "max"}
TUPLES = (torch.max, "max")  # with a dim, a (values, indices) tuple, not a tensor


def _source(w, n):
    src = n.args[0]
    return src, w.values[src], w.meta[src]


def sequence_pool(w, n, x: Val, mode: str) -> Val:
    return w.add(n, "SequencePool", {} if mode == "last" else {"mode": mode}, [x], axis=0)


def alias(w, n, args, kwargs):
    src, x, m = _source(w, n)
    out = w.meta[n]
    if out.dtype != m.dtype or out.sample() != m.sample():
        raise Unmapped(_("changes the dtype ({a} -> {b}); the canvas keeps float values after the first layer")
                       .format(a=m.dtype, b=out.dtype))
    return Val(x.nid, out.axis)


def reshape(w, n, args, kwargs):
    src, x, m = _source(w, n)
    out = w.meta[n]
    if out.mixed or out.axis is None:
        raise Unmapped(_("merges the batch axis with other axes ({a} -> {b} for a batch of {batch}); the canvas keeps "
                         "the samples apart: keep the batch as the first size, e.g. x.view(x.size(0), -1)").format(
            a=m.shown(), b=list(out.shape), batch=m.shape[m.axis] if m.axis is not None else "?"))
    if m.axis != 0 or out.axis != 0:
        raise Unmapped(_("reshapes a tensor whose batch is on axis {axis}: move the batch first with "
                         "x.transpose(0, {axis}) before reshaping").format(axis=m.axis or out.axis))
    before, after = m.sample(), out.sample()
    if after == before:
        return x
    if not after:  # (B, 1) -> (B,): squeeze(1), view(-1), flatten() of one number per sample
        return w.add(n, "Reshape", {"shape": []}, [x])
    if n.target in (torch.flatten, "flatten"):
        start = w.py(args[1]) if len(args) > 1 else kwargs.get("start_dim", 0)
        end = w.py(args[2]) if len(args) > 2 else kwargs.get("end_dim", -1)
        params = {k: v for k, v, d in (("start_dim", start, 1), ("end_dim", end, -1)) if v != d}
        return w.add(n, "Flatten", params, [x])
    if len(after) == 1 and len(before) > 1:
        return w.add(n, "Flatten", {}, [x])
    return w.add(n, "Reshape", {"shape": list(after)}, [x])


def _perm(w, n, args, rank: int) -> list[int]:
    target = n.target
    if target in ("t",):
        return [1, 0]
    if target in (torch.transpose, torch.swapaxes, "transpose", "swapaxes"):
        a, b = (w.py(d) % rank for d in args[1:3])
        order = list(range(rank))
        order[a], order[b] = order[b], order[a]
        return order
    dims = args[1] if len(args) == 2 and isinstance(args[1], (list, tuple)) else args[1:]
    return [w.py(d) % rank for d in dims]


def permute(w, n, args, kwargs):
    src, x, m = _source(w, n)
    order = _perm(w, n, args, len(m.shape))
    axis = order.index(m.axis)  # where the batch goes
    dims = [p - (p > m.axis) for p in order if p != m.axis]  # the same order over the sample's axes
    if dims == sorted(dims):  # only the batch moved: (T, B, F) -> (B, T, F) is no layer on a batch-first canvas
        return Val(x.nid, axis)
    return w.add(n, "Permute", {"dims": dims}, [x], axis=axis)


def _index(w, n, m) -> tuple:
    index = w.py(n.args[1])
    index = index if isinstance(index, tuple) else (index,)
    if Ellipsis in index:
        k = index.index(Ellipsis)
        index = index[:k] + (slice(None),) * (len(m.shape) - len(index) + 1) + index[k + 1:]
    return index + (slice(None),) * (len(m.shape) - len(index))


def getitem(w, n, args, kwargs):
    """out[:, -1] / x[:, 0] (batch first) or output[-1] / output[0] (sequence first): the last or first step of a
    [T, F] sequence (the first: a [CLS] token)."""
    src, x, m = _source(w, n)
    index = _index(w, n, m)
    full = [i for i, s in enumerate(index) if s != slice(None)]
    step = [i for i in full if i != m.axis]
    sample = m.sample()
    time_axis = 0 if m.axis != 0 else 1
    if len(sample) == 2 and full == [time_axis] and index[time_axis] in (-1, sample[0] - 1):
        return sequence_pool(w, n, x, "last")
    if len(sample) == 2 and full == [time_axis] and index[time_axis] in (0, -sample[0]):
        return sequence_pool(w, n, x, "first")
    if m.axis in full:
        raise Unmapped(_("indexes the batch axis; a canvas layer treats every sample alike"))
    raise Unmapped(_("picks part of a tensor ({index}); of that, the canvas has only the last or the first step "
                     "of a sequence (out[:, -1], out[:, 0])").format(index=_show(index) if step else "[...]"))


def _show(index) -> str:
    def one(s):
        if not isinstance(s, slice):
            return str(s)
        return ":".join("" if v is None else str(v) for v in (s.start, s.stop))
    return "[" + ", ".join(one(s) for s in index) + "]"


def reduce(w, n, args, kwargs):
    """x.mean(1) over a sequence's time axis -> SequencePool; x.mean([2, 3]) of an image -> AdaptiveAvgPool2d."""
    src, x, m = _source(w, n)
    mode = REDUCTIONS[n.target]
    dim = args[1] if len(args) > 1 else kwargs.get("dim")
    keep = args[2] if len(args) > 2 else kwargs.get("keepdim", False)
    if dim is None:
        raise Unmapped(_("reduces the whole tensor, batch included, to one number"))
    if isinstance(dim, (Val, Const)):  # torch.max(a, b): not a reduction
        raise Unmapped(_("takes the element-wise {mode} of two tensors, which no canvas layer computes").format(
            mode=mode))
    dims = {w.py(d) % len(m.shape) for d in (dim if isinstance(dim, (list, tuple)) else [dim])}
    if m.axis in dims:
        raise Unmapped(_("reduces over the batch axis; a canvas layer treats every sample alike"))
    sample_dims = {d - (d > m.axis) for d in dims}
    if len(m.sample()) == 2 and sample_dims == {0} and not keep:
        out = sequence_pool(w, n, x, mode)  # torch.max(x, 1) is (values, indices): .values or [0] is the pool
        return Multi(n.name, (out, INDICES)) if n.target in (torch.max, "max") else out
    if len(m.sample()) == 3 and sample_dims == {1, 2} and mode == "mean" and m.axis == 0:
        steps = [("AdaptiveAvgPool2d", {"output_size": 1})] + ([] if keep else [("Flatten", {})])
        return w.chain(n, steps, x)
    if len(m.sample()) == 2 and sample_dims == {0}:
        raise Unmapped(_("takes the {mode} over the time axis with keepdim=True; SequencePool removes that axis: "
                         "leave keepdim out (x.unsqueeze(1) after it gives the axis back)").format(mode=mode))
    if len(m.sample()) == 2:
        raise Unmapped(_("takes the {mode} over dims {dims} of the sequence {shape}; SequencePool reduces only its "
                         "time axis (dim {time})").format(mode=mode, dims=sorted(dims), shape=m.shown(),
                                                          time=1 if m.axis == 0 else 0))
    raise Unmapped(_("takes the {mode} over dims {dims} of {shape}: the canvas reduces only the time axis of a "
                     "sequence (SequencePool) and the height and width of an image (AdaptiveAvgPool2d)").format(
        mode=mode, dims=sorted(dims), shape=m.shown()))
