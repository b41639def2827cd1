"""Data-set options and data checked before any work: bounds from builder.limits, no server paths from outside."""
from __future__ import annotations

import math

import torch

from builder.limits import PATH_OPTIONS, current
from i18n import _

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
        kind = _("an integer") if integral else _("a number")
        raise TrainingError(_("{field}: expected {kind} from {low} to {high}, got {value!r}").format(
            field=field, kind=kind, low=low, high=high, value=value))
    if not math.isfinite(value) or not low <= value <= high:
        raise TrainingError(_("{field}: {value!r} is outside the allowed range {low} to {high}").format(
            field=field, value=value, low=low, high=high))


def check_options(name: str, options: dict) -> None:
    """Raise TrainingError naming the option that is out of bounds, or that names a server path from outside."""
    for key in PATH_OPTIONS:
        if key in options and options[key] not in (None, False) and not _local_paths:
            raise TrainingError(_("training.dataset_options.{key}: a file or folder on the server can be named "
                                  "only from the command line; upload the data instead").format(key=key))
    bounds = current().dataset_options
    for key, value in options.items():
        if key in bounds and value is not None:
            _number(key, value, *bounds[key])
    sizes = [options[k] for k in SIZE_OPTIONS if isinstance(options.get(k), int)]
    limit = current().dataset_values
    if sizes and 2 * math.prod(sizes) > limit:
        raise TrainingError(_("training.dataset_options: {what} would generate about {n:,} values, above the limit "
                              "of {limit:,}").format(what=" × ".join(f"{k} {options[k]}" for k in SIZE_OPTIONS
                                                                      if k in options), n=2 * math.prod(sizes),
                                                     limit=limit))


def check_data(data) -> None:
    """Raise TrainingError naming a data problem (too few rows, NaN or inf, too many values), not a training one."""
    if len(data) < 2:
        raise TrainingError(_("data set '{name}' has {n} sample(s): training needs at least two (one to learn from, "
                              "one to validate)").format(name=data.name, n=len(data)))
    limit = current().dataset_values
    if data.x.numel() + data.y.numel() > limit:
        raise TrainingError(_("data set '{name}' holds {n:,} values, above the limit of {limit:,}").format(
            name=data.name, n=data.x.numel() + data.y.numel(), limit=limit))
    for part, tensor in ((_("inputs"), data.x), (_("targets"), data.y)):
        if tensor.is_floating_point() and not bool(torch.isfinite(tensor).all()):
            bad = int((~torch.isfinite(tensor)).sum())
            raise TrainingError(_("data set '{name}': its {part} hold {bad:,} NaN or infinite value(s); this is a "
                                  "problem in the data, fix it there (a lower learning rate will not help)").format(
                name=data.name, part=part, bad=bad))
