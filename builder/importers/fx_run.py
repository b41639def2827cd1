"""Run a traced model on two batch sizes: each node's shape, its batch axis (the one axis that follows the batch
size) and, for a tensor without a batch axis (a parameter, positions, a mask), its value."""
from __future__ import annotations

import warnings
from dataclasses import dataclass

import torch
from torch import fx

from i18n import _

from .errors import ImportProblem
from .fx_trace import where

BATCHES = (2, 3)  # two sizes, so the batch axis is the one that differs; never 1, which squeeze would drop
MAX_VALUE = 1 << 22  # values kept for batch-free tensors (tables, masks, positions): enough for real tables


@dataclass(frozen=True)
class Meta:
    """What one run pair says about a node's result."""

    shape: tuple | None  # with the batch axis, from the first run; None: not a tensor
    dtype: torch.dtype | None
    axis: int | None  # the batch axis; None: no batch axis (or not a tensor)
    mixed: bool = False  # a tensor whose sizes follow the batch on no single axis (x.view(-1, N) across samples)
    value: torch.Tensor | None = None  # batch-free tensors only
    py: tuple | None = None  # a Python result (a size, a shape) from both runs: (first, second)

    @property
    def tensor(self) -> bool:
        return self.shape is not None

    def shown(self) -> str:
        """(B, 1, 28, 28): the shape with its batch axis named."""
        dims = ["B" if i == self.axis else str(d) for i, d in enumerate(self.shape)]
        return "(" + ", ".join(dims) + ("," if len(dims) == 1 else "") + ")"

    def sample(self) -> tuple:
        """The shape of one sample: without the batch axis."""
        return tuple(d for i, d in enumerate(self.shape) if i != self.axis)


def example(shape, dtype: str, batch: int, axis: int) -> torch.Tensor:
    full = list(shape)
    full.insert(axis, batch)
    return torch.zeros(full, dtype=torch.long) if dtype == "long" else torch.randn(full)


class _Recorder(fx.Interpreter):
    def __init__(self, gm):
        super().__init__(gm)
        self.extra_traceback = False  # the refusal names the user's line; fx's node dump is no help to a person
        self.seen = {}

    def run_node(self, n):
        try:
            result = super().run_node(n)
        except ImportProblem:
            raise
        except Exception as e:  # the model's own code fails on what it gets: name its line, not the fx node
            why = str(e).strip().splitlines()[0][:240] if str(e).strip() else type(e).__name__
            raise ImportProblem(_("{where}: fails on the input shape given: {why}").format(where=where(n), why=why),
                                n.name) from None
        self.seen[n] = result
        return result


def _plain(v) -> bool:
    if isinstance(v, (tuple, list)):
        return all(_plain(x) for x in v)
    return v is None or isinstance(v, (int, float, bool))


def _meta(a, b) -> Meta:
    if not isinstance(a, torch.Tensor) or not isinstance(b, torch.Tensor):
        return Meta(None, None, None, py=(a, b) if _plain(a) and _plain(b) else None)
    shape = tuple(a.shape)
    if a.dim() != b.dim():
        return Meta(shape, a.dtype, None, mixed=True)
    diff = [i for i, (x, y) in enumerate(zip(a.shape, b.shape)) if x != y]
    if not diff:
        return Meta(shape, a.dtype, None, value=a.detach().clone() if a.numel() <= MAX_VALUE else None)
    if len(diff) == 1 and (a.shape[diff[0]], b.shape[diff[0]]) == BATCHES:
        return Meta(shape, a.dtype, diff[0])
    return Meta(shape, a.dtype, None, mixed=True)


def propagate(gm: fx.GraphModule, shape, dtype: str, axis: int) -> dict[fx.Node, Meta]:
    """fx node -> Meta; ImportProblem naming the user's line where the model fails on this input."""
    runs = []
    with torch.no_grad(), warnings.catch_warnings():
        warnings.simplefilter("ignore")  # the model's own warnings (an implicit softmax dim): its refusal says more
        for batch in BATCHES:
            rec = _Recorder(gm)
            torch.manual_seed(0)
            rec.run(example(shape, dtype, batch, axis))
            runs.append(rec.seen)
    return {n: _meta(runs[0][n], runs[1][n]) for n in runs[0]}
