"""Traced values that are not a canvas node's output: a module's tuple and a recurrent state (h_n[-1]), tensors
without a batch axis (parameters, buffers, positions from torch.arange, masks), zeros for an initial state, and
the position tables a model adds to a sequence, which become PositionalEncoding nodes."""
from __future__ import annotations

import torch
from torch import nn

from i18n import _

from ..layers import PositionalEncoding
from .fx_values import INDICES, STATIC, ZEROS, Const, Multi, State, Table, Unmapped, Val, prefix_rows, table_of

ZERO_MAKERS = (torch.zeros, torch.zeros_like, "new_zeros", "zero_")
_SAME_VALUES = ("to", "cuda", "cpu", "float", "contiguous", "detach", "requires_grad_", "type_as")


def attribute(w, n):
    """self.pos_embedding, self.mask, self.fc.weight: a tensor of the module, without a batch axis."""
    obj = w.gm
    for part in n.target.split("."):
        obj = getattr(obj, part)
    if not isinstance(obj, torch.Tensor):
        return STATIC
    trainable = isinstance(obj, nn.Parameter) and obj.requires_grad
    return Const(obj.detach(), table_of(obj, n.target, trainable), name=n.target, trainable=trainable)


def constant_module(w, n, sub, args):
    """A module called on no input-derived value: the position Embedding of nanoGPT (wpe(torch.arange(t)))."""
    m = w.meta[n]
    if not m.tensor:
        return STATIC
    if m.axis is not None or m.mixed:
        raise Unmapped(_("is called on a tensor that is not computed from forward's input")
                       .format(path=n.target))
    x = args[0] if args else None
    if isinstance(sub, nn.Embedding) and isinstance(x, Const) and x.positions:
        return Const(m.value, Table(n.target, sub.weight.detach(), sub.weight.requires_grad), name=n.target)
    return Const(m.value)


def constant_call(w, n, args, kwargs):
    """A call on constants and sizes only: a Python value, a new constant tensor, or zeros with the batch size."""
    m, target = w.meta[n], n.target
    if not m.tensor:
        return STATIC
    first = args[0] if args else None
    if m.axis is not None or m.mixed:  # made with the batch size: torch.zeros(layers, x.size(0), hidden)
        if target in ZERO_MAKERS or (target in _SAME_VALUES and first == ZEROS):
            return ZEROS
        raise Unmapped(_("makes a tensor of the batch's size that is not computed from the input (random noise, "
                         "a tensor of ones): a canvas layer computes only from its input"))
    table = next((a.table for a in list(args) + list(kwargs.values()) if isinstance(a, Const) and a.table), None)
    value = m.value
    if table is not None and (value is None or prefix_rows(value, table) is None):
        table = None
    positions = value is not None and value.dim() == 1 and not value.is_floating_point() and \
        torch.equal(value, torch.arange(value.numel(), dtype=value.dtype))
    return Const(value, table, positions)


def _last_step(w, n, state: State):
    from .fx_plumbing import sequence_pool
    return sequence_pool(w, n, state.out, "last")


def item(w, n, src, index):
    """Element `index` of a module's tuple or of a recurrent state."""
    if isinstance(src, Multi):
        if index in (0, -len(src.items), "values"):
            return src.items[0]
        if src.items[1] == INDICES:
            raise Unmapped(_("uses the indices of the max (where each maximum is); the canvas keeps its values: "
                             "torch.max(x, 1).values"))
        if src.items[1] is None:
            raise Unmapped(_("uses the attention weights that module '{path}' returns; the canvas keeps only its "
                             "output (element 0)").format(path=src.path))
        return src.items[1]
    if src.part == "hc":
        if index not in (0, 1, -1, -2):
            raise Unmapped(_("reads index {i} of the (h_n, c_n) state of module '{path}'").format(
                i=index, path=src.path))
        return State(src.path, src.out, "hc"[index], src.layers, src.dirs)
    return _final_state(w, n, src, index)


def _final_state(w, n, state: State, index):
    if state.part == "c":
        raise Unmapped(_("uses the cell state c_n of module '{path}'; the canvas keeps only the LSTM's output: "
                         "use h_n[-1] or out[:, -1]").format(path=state.path))
    k = index[0] if isinstance(index, tuple) and all(i == slice(None) for i in index[1:]) else index
    total = state.layers * state.dirs
    if not isinstance(k, int) or not -total <= k < total:
        raise Unmapped(_("indexes the final state h_n of module '{path}' by {index}; h_n[-1] (the last layer) "
                         "imports").format(path=state.path, index=index))
    if state.dirs == 2:
        raise Unmapped(_("reads h_n[{k}] of the bidirectional module '{path}', one direction's final state, which no "
                         "canvas layer gives; out[:, -1] (both directions at the last step) or out.mean(1) import, "
                         "but change the model").format(k=k, path=state.path))
    if k % total != total - 1:
        raise Unmapped(_("reads h_n[{k}] of module '{path}', the state of layer {layer} of {layers}; the canvas keeps "
                         "the last layer's output: use h_n[-1]").format(k=k, path=state.path, layer=k % total + 1,
                                                                         layers=total))
    return _last_step(w, n, state)


def state_call(w, n, state: State, args):
    """A method on a recurrent state: h_n.squeeze(0) of a one-layer RNN is its last step; the rest is refused."""
    if n.target in ("squeeze", torch.squeeze) and state.part == "h" and state.layers * state.dirs == 1 \
            and args[1:] in ((), (0,)):
        return _last_step(w, n, state)
    if n.target in ("contiguous",) + _SAME_VALUES[:2]:
        return state
    raise Unmapped(_("uses the state that module '{path}' returns; the canvas keeps only its output (element 0) "
                     "and h_n[-1]").format(path=state.path))


def add_table(w, n, x: Val, c: Const):
    """x + the first T rows of a (L, D) table: a learned (parameter, Embedding) or sinusoidal PositionalEncoding."""
    table, sample = c.table, w.sample(next(a for a in n.all_input_nodes if w.values.get(a) == x))
    if table is None:
        what = f"'{c.name}'" if c.name else _("a constant tensor")
        raise Unmapped(_("adds {what}, which is not a (positions × features) table matching the input: only a "
                         "position table added to a sequence has a canvas layer (PositionalEncoding)").format(
            what=what))
    if len(sample) != 2 or prefix_rows(c.value, table) != sample[0] or table.full.shape[1] != sample[1]:
        raise Unmapped(_("adds rows of '{name}' that are not its first {t} (a sequence [{t}, {d}] takes rows "
                         "0..{t}−1 of a position table)").format(name=table.name, t=sample[0], d=sample[-1]))
    if table.name in w.shared:
        raise Unmapped(_("uses '{name}' a second time; canvas nodes never share weights").format(name=table.name))
    w.shared.add(table.name)
    length, dim = (int(s) for s in table.full.shape)
    if table.trainable:
        return w.add(table.name, "PositionalEncoding", {"kind": "learned", "max_len": length}, [x],
                     {"pe": table.full.clone()}, axis=x.axis)
    if dim % 2 == 0 and torch.allclose(PositionalEncoding(dim, "sinusoidal", length).pe, table.full.float(), atol=1e-5):
        return w.add(table.name, "PositionalEncoding", {"max_len": length}, [x], {}, axis=x.axis)
    raise Unmapped(_("adds the fixed table '{name}', which is not the sinusoidal encoding of Vaswani et al.; make "
                     "it an nn.Parameter (a learned table) or use the sinusoidal formula").format(name=table.name))
