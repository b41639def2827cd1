"""Data-set options and data checked before any work: bounds from builder.limits, no server paths from outside."""
from __future__ import annotations

import math

import torch

from builder.limits import PATH_OPTIONS, current
from i18n import N_

from ..errors import TrainingError

SIZE_OPTIONS = ("n_samples", "n_points", "length", "window")  # their product bounds the values generated
_local_paths = False  # set only by the command line, never by anything a browser can reach


def allow_local_paths(allowed: bool = True) -> None:
    """The command line (a person at the server) may name files: csv `path`, mnist `root` and `download`."""
    global _local_paths
    _local_paths = allowed


def local_paths_allowed() -> bool:
    return _local_paths


def _number(key: str, value, low, high) -> None:
    field = f"training.dataset_options.{key}"
    integral = isinstance(low, int)
    if isinstance(value, bool) or not isinstance(value, (int, float)) or (integral and not isinstance(value, int)):
        kind = N_("an integer") if integral else N_("a number")
        raise TrainingError(N_("{field}: expected {kind} from {low} to {high}, got {value!r}",
            field=field, kind=kind, low=low, high=high, value=value))
    if not math.isfinite(value) or not low <= value <= high:
        raise TrainingError(N_("{field}: {value!r} is outside the allowed range {low} to {high}",
            field=field, value=value, low=low, high=high))


def check_options(name: str, options: dict) -> None:
    """Raise TrainingError naming the option that is out of bounds, or that names a server path from outside."""
    for key in PATH_OPTIONS:
        if key in options and options[key] not in (None, False) and not _local_paths:
            raise TrainingError(N_("training.dataset_options.{key}: a file or folder on the server can be named "
                                  "only from the command line; upload the data instead", key=key))
    bounds = current().dataset_options
    for key, value in options.items():
        if key in bounds and value is not None:
            _number(key, value, *bounds[key])
    sizes = [options[k] for k in SIZE_OPTIONS if isinstance(options.get(k), int)]
    limit = current().dataset_values
    if sizes and 2 * math.prod(sizes) > limit:
        raise TrainingError(N_("training.dataset_options: {what} would generate about {n:,} values, above the limit "
                              "of {limit:,}", what=" × ".join(f"{k} {options[k]}" for k in SIZE_OPTIONS
                                                                      if k in options), n=2 * math.prod(sizes),
                                                     limit=limit))


def check_data(data) -> None:
    """Raise TrainingError naming a data problem (too few rows, NaN or inf, too many values), not a training one."""
    if len(data) < 2:
        raise TrainingError(N_("data set '{name}' has {n} sample(s): training needs at least two (one to learn from, "
                              "one to validate)", name=data.name, n=len(data)))
    limit = current().dataset_values
    if data.x.numel() + data.y.numel() > limit:
        raise TrainingError(N_("data set '{name}' holds {n:,} values, above the limit of {limit:,}",
            name=data.name, n=data.x.numel() + data.y.numel(), limit=limit))
    for part, tensor in ((N_("inputs"), data.x), (N_("targets"), data.y)):
        if tensor.is_floating_point() and not bool(torch.isfinite(tensor).all()):
            bad = int((~torch.isfinite(tensor)).sum())
            raise TrainingError(N_("data set '{name}': its {part} hold {bad:,} NaN or infinite value(s); this is a "
                                  "problem in the data, fix it there (a lower learning rate will not help)",
                name=data.name, part=part, bad=bad))
