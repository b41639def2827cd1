"""A finished run read back from a bundle or a short link, shaped like a TrainingJob that has ended."""
from __future__ import annotations

import copy

import torch


class RestoredJob:
    """Read-only: the weights, curves and last probes of a run trained elsewhere (or earlier)."""

    running = False

    def __init__(self, bundle):
        self._bundle = bundle
        self._snapshot = bundle.snapshot()

    @property
    def status(self) -> str:
        return self._snapshot["status"]

    def snapshot(self) -> dict:
        return copy.deepcopy(self._snapshot)

    def state_dict(self, timeout: float | None = None) -> dict:
        """A copy of the restored weights (fresh initial weights when the bundle had none)."""
        if self._bundle.state_dict is None:
            return {k: v.detach().clone() for k, v in self._bundle.model().state_dict().items()}
        return {k: v.clone() for k, v in self._bundle.state_dict.items()}

    @property
    def model(self) -> torch.nn.Module:
        return self._bundle.model()

    def join(self, timeout: float | None = None) -> bool:
        return True  # nothing runs
