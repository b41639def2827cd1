"""A table added to a sequence: a learned positional embedding or fixed sinusoids, as PositionalEncoding.

Published code writes `x + self.pos_embedding[:, :x.size(1)]` (an nn.Parameter (1, L, D)) or nanoGPT's
`wte(idx) + wpe(torch.arange(T))`; exporters turn the slice or the lookup into nodes over the table (or fold
them into a constant). The table is found by walking back to the weight, and the layer is verified to add
exactly what the file adds.
"""
from __future__ import annotations

import re

import numpy as np

from i18n import _

from .onnx_layers import Layer, first
from .onnx_verify import first_match

_THROUGH = {"Slice", "Unsqueeze", "Squeeze", "Reshape", "Identity", "Cast", "Gather"}


def _table_of(m, name: str, steps: int = 12):
    """The weight a tensor is cut from (Slice/Gather/Unsqueeze... of it), as (L, D); None if there is none."""
    for _step in range(steps):
        node = m.producer.get(name)
        if node is None or node.op_type not in _THROUGH or not node.input:
            break
        name = node.input[0]
    value = m.const(name)
    if value is None:
        return None
    value = np.asarray(value)
    while value.ndim > 2 and value.shape[0] == 1:
        value = value[0]
    return value if value.ndim == 2 else None


def add_table(g, m):
    node = first(g, "Add")
    x = g.sources[0]
    other = next(i for i in node.input if i != x)
    sample = m.sample(x)
    if not sample or len(sample) != 2:
        raise ValueError(_("adding a constant to a tensor of shape {shape} has no catalogue layer (a learned "
                           "positional table added to a (B, T, D) sequence has: PositionalEncoding)").format(
            shape=sample))
    t, d = sample
    table = _table_of(m, other)
    if table is None or table.shape[1] != d or table.shape[0] < t:
        raise ValueError(_("the added constant is not a table of positions ({t} or more rows of {d}); a learned "
                           "bias added to every position has no catalogue layer").format(t=t, d=d))
    from ..layers import PositionalEncoding
    max_len = int(table.shape[0])
    cands = []
    if d % 2 == 0 and np.allclose(PositionalEncoding(d, "sinusoidal", max_len).pe.numpy(), table, atol=1e-5):
        cands.append(("PositionalEncoding", {"max_len": max_len}, {}))
    cands.append(("PositionalEncoding", {"kind": "learned", "max_len": max_len}, {"pe": table}))
    found = first_match(m, g, cands)
    if found is None:
        raise ValueError(_("the table is added at positions other than 0..T-1; PositionalEncoding adds rows "
                           "0..T-1 of its table"))
    if found == "unverified":
        value = m.const(other)
        if value is None or not np.allclose(np.asarray(value).reshape(-1, d)[:t], table[:t]):
            raise ValueError(_("the rows of the table that are added cannot be checked"))
        found = cands[-1]
    layer = Layer(*found)
    if found[1].get("kind") == "learned" and max_len == t and not _named(m, other):
        layer.note = _("the file holds only the {t} rows of the position table this input uses (the exporter cut "
                       "it to the example's length); longer sequences need a longer table").format(t=t)
    return layer


def _named(m, name: str) -> bool:
    """Whether the table is a module's own weight (`pos_embedding`, `wpe.weight`), not an exporter's constant."""
    for _step in range(12):
        node = m.producer.get(name)
        if node is None or node.op_type not in _THROUGH or not node.input:
            break
        name = node.input[0]
    return not (name.startswith(("val_", "onnx::")) or re.fullmatch(r"[a-z_]+_\d+", name))  # slice_1, embedding_1
