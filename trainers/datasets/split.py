"""Train/validation split, standardisation fitted on the train split, tensors moved to the device once."""
import functools
from dataclasses import dataclass

import torch

from .base import Dataset


@dataclass(eq=False)
class Split:
    dataset: Dataset
    x_train: torch.Tensor     # (N_train, *input_shape) on the training device
    y_train: torch.Tensor
    x_val: torch.Tensor       # (N_val, *input_shape); empty when val_fraction == 0
    y_val: torch.Tensor
    target_scale: float = 1.0  # std of a standardised regression target (to report MAE in its units)

    def info(self) -> dict:
        return {**self.dataset.info(), "input_shape": list(self.x_train.shape[1:]),
                "n_train": len(self.x_train), "n_val": len(self.x_val)}


def split(dataset: Dataset, input_shape, val_fraction: float, seed: int, device, node: str = "input",
          input_dtype: str | None = None) -> Split:
    """Cached per (data set, shape, split, device): a live UI restarting a run reuses the tensors."""
    return _split(dataset, tuple(input_shape), float(val_fraction), int(seed), str(device), node, input_dtype)


@functools.lru_cache(maxsize=8)
def _split(dataset, input_shape, val_fraction, seed, device, node, input_dtype) -> Split:
    x = dataset.adapt(input_shape, node, input_dtype)
    y = dataset.y
    n = len(x)
    n_val = int(round(n * val_fraction)) if val_fraction > 0 else 0
    n_val = min(n_val, n - 1)
    if dataset.ordered:  # forecasting: validate on the latest part, never on the past
        order = torch.arange(n)
    else:
        order = torch.randperm(n, generator=torch.Generator().manual_seed(seed))
    train, val = order[: n - n_val], order[n - n_val:]
    x_train, x_val, y_train, y_val = x[train], x[val], y[train], y[val]
    if dataset.standardise and x.dtype.is_floating_point:
        mean, std = x_train.mean(0), x_train.std(0).clamp_min(1e-6)
        x_train, x_val = (x_train - mean) / std, (x_val - mean) / std
    scale = 1.0
    if dataset.standardise_target and dataset.task == "regression":
        mean, std = y_train.mean(0), y_train.std(0).clamp_min(1e-6)
        y_train, y_val = (y_train - mean) / std, (y_val - mean) / std
        scale = float(std.mean())
    move = lambda t: t.contiguous().to(device)  # noqa: E731
    return Split(dataset, move(x_train), move(y_train), move(x_val), move(y_val), scale)
