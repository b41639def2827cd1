"""Per-node activation capture (forward hooks on node submodules) and summary statistics."""
import torch
from torch import nn

from ..metrics import plain

HIST_BINS = 30
DEAD_TYPES = (nn.ReLU, nn.ReLU6)  # units that output exactly 0 for every input are "dead"


def first_tensor(output):
    """RNN/LSTM/GRU and attention return tuples: their first element is the sequence output."""
    while isinstance(output, (tuple, list)):
        output = output[0]
    return output if isinstance(output, torch.Tensor) else None


class Capture:
    """Records each node's output during one probe forward pass; remove() detaches the hooks."""

    def __init__(self, nodes: dict):
        self.outputs: dict[str, torch.Tensor] = {}
        self.handles = [m.register_forward_hook(self._hook(nid)) for nid, m in nodes.items()]

    def _hook(self, nid):
        def hook(module, args, output):
            tensor = first_tensor(output)
            if tensor is not None:
                self.outputs[nid] = tensor.detach()
        return hook

    def remove(self) -> None:
        for h in self.handles:
            h.remove()
        self.handles = []


def activation_stats(x: torch.Tensor, module: nn.Module | None = None) -> dict:
    """mean/std/min/max, a histogram over the batch's own range, and the dead-unit share for ReLUs."""
    v = x.detach().float()
    finite = v[torch.isfinite(v)]  # a diverging model may hold inf/NaN: describe the finite part
    if finite.numel() == 0:
        return {"shape": list(v.shape[1:]), "mean": None, "std": None, "min": None, "max": None,
                "dead_fraction": None, "hist": {"edges": [], "counts": []}}
    lo, hi = float(finite.min()), float(finite.max())
    if hi - lo < 1e-12:  # constant output: a visible single bar rather than an empty range
        lo, hi = lo - 0.5, hi + 0.5
    counts = torch.histc(finite, bins=HIST_BINS, min=lo, max=hi)
    step = (hi - lo) / HIST_BINS
    dead = None
    if isinstance(module, DEAD_TYPES) and v.dim() > 1:
        dead = float((~(v > 0).any(0)).float().mean())  # units never positive over the batch
    return {"shape": list(v.shape[1:]), "mean": plain(v.mean()), "std": plain(v.std()) if v.numel() > 1 else 0.0,
            "min": plain(v.min()), "max": plain(v.max()), "dead_fraction": dead,
            "hist": {"edges": [lo + i * step for i in range(HIST_BINS + 1)], "counts": [int(c) for c in counts]}}
