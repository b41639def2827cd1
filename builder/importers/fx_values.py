"""What a traced value stands for while a model is mapped: a canvas node's output, a module's tuple, a recurrent
state, a tensor without a batch axis (a parameter table, positions, a mask), zeros, or a plain Python value."""
from __future__ import annotations

from dataclasses import dataclass

import torch


class Unmapped(ValueError):
    """A call with no catalogue mapping; the message (translated) says why and what would work instead."""


@dataclass(frozen=True)
class Val:
    """The output of canvas node `nid`; `axis` is where the batch sits in the model's tensor (1: sequence-first)."""

    nid: str
    axis: int = 0


@dataclass(frozen=True)
class Table:
    """A (L, D) table whose first T rows a model adds to a (T, D) sequence: a learned or fixed position table."""

    name: str  # the parameter, buffer or Embedding it comes from ('pos_embedding', 'transformer.wpe')
    full: torch.Tensor  # (L, D)
    trainable: bool


@dataclass(frozen=True)
class Const:
    """A tensor without a batch axis; `table` when it is the first rows of a Table, `positions` for arange(n)."""

    value: torch.Tensor | None
    table: Table | None = None
    positions: bool = False
    name: str | None = None  # the module's attribute it is ('fc.weight', 'mask'), if it is one
    trainable: bool = False  # an nn.Parameter


@dataclass(frozen=True)
class State:
    """h_n, c_n or (h_n, c_n) of recurrent node `nid` (module `path`), whose full output is `out`."""

    path: str
    out: Val
    part: str  # "h", "c" or "hc"
    layers: int
    dirs: int


@dataclass(frozen=True)
class Multi:
    """A module's tuple result: (output, state) of an RNN/LSTM/GRU, (output, weights) of attention."""

    path: str
    items: tuple


class _Static:
    def __repr__(self):
        return "STATIC"


STATIC = _Static()  # sizes, devices, dtypes, None: Python values that make no node
ZEROS = "zeros"  # torch.zeros(...) with the batch size: only an RNN's initial state may be made of it
INDICES = "indices"  # where torch.max(x, dim) found its values (element 1 of its result): no canvas layer gives it


def table_of(tensor: torch.Tensor, name: str, trainable: bool) -> Table | None:
    """The (L, D) table of a parameter or buffer shaped (L, D), (1, L, D) or (L, 1, D)."""
    t = tensor.detach()
    while t.dim() > 2 and 1 in t.shape:
        t = t.squeeze(list(t.shape).index(1))
    return Table(name, t, trainable) if t.dim() == 2 else None


def prefix_rows(value: torch.Tensor, table: Table) -> int | None:
    """T when `value` (any broadcast layout) holds exactly the first T rows of the table, else None."""
    v = value.detach()
    while v.dim() > 2 and 1 in v.shape:
        v = v.squeeze(list(v.shape).index(1))
    if v.dim() != 2 or v.shape[1] != table.full.shape[1] or v.shape[0] > table.full.shape[0]:
        return None
    return v.shape[0] if torch.equal(v, table.full[: v.shape[0]].to(v.dtype)) else None
