"""One memory budget for a model and its training, checked before anything is allocated."""
from __future__ import annotations

import math

from i18n import N_

from .limits import current
from .project import Project

DEFAULT_BATCH = 64  # trainers' default batch size, used when the project names none
# Optimizer state in copies of the weights: Adam keeps two moments, SGD (with momentum) and the rest one.
STATE_COPIES = {"Adam": 2, "AdamW": 2, "SGD": 1, "RMSprop": 2, "Adagrad": 1}
BYTES = 4  # float32


def training_of(source) -> dict:
    """The `training` section of a checked source, {} for a bare graph."""
    if isinstance(source, Project):
        return source.training
    if isinstance(source, dict) and isinstance(source.get("training"), dict):
        return source["training"]
    return {}


def _batch(training: dict) -> int:
    b = training.get("batch_size", DEFAULT_BATCH)
    return b if isinstance(b, int) and not isinstance(b, bool) and b > 0 else DEFAULT_BATCH


def _copies(training: dict) -> int:
    opt = training.get("optimizer")
    name = opt.get("type") if isinstance(opt, dict) else opt
    return STATE_COPIES.get(name, 2) if isinstance(name, str) else 2  # a malformed optimizer is named by settings


def estimate(report, training: dict) -> dict:
    """Bytes of one training step: weights, gradients, optimizer state, buffers, activations kept for backward."""
    params = BYTES * report.total_params
    batch = _batch(training)
    parts = {"weights": params, "gradients": params, "optimizer_state": _copies(training) * params,
             "buffers": report.memory.get("buffers_bytes", 0),
             # forward values kept for backward plus their gradients, for every sample of a batch
             "activations": 2 * batch * report.memory.get("activation_bytes_per_sample", 0)}
    return {"batch_size": batch, "parts": parts, "total": sum(parts.values())}


def check_budget(report, training: dict) -> None:
    """Add an error naming both figures when training the checked model would exceed the memory budget."""
    if not report.shapes or report.errors:  # a broken graph has no trustworthy estimate; its errors come first
        return
    limits = current()
    est = estimate(report, training if isinstance(training, dict) else {})
    if est["total"] <= limits.bytes_of_budget():
        return
    parts = est["parts"]
    if parts["activations"] >= parts["weights"] + parts["buffers"]:
        node = max(report.shapes, key=lambda n: math.prod(report.shapes[n]))
    else:
        node = max(report.param_counts, key=report.param_counts.get) if report.param_counts else None
    report.error(node, N_("training needs about {need:,.0f} MiB (weights {w:,.0f}, gradients and optimizer state "
                          "{g:,.0f}, fixed buffers {b:,.0f}, activations {a:,.0f} at batch size {batch}), above the "
                          "memory budget of {budget:,} MiB (NEUROCANVAS_MEMORY_BUDGET_MB): make the model or the "
                          "batch smaller",
                          need=est["total"] / 2**20, w=parts["weights"] / 2**20,
                          g=(parts["gradients"] + parts["optimizer_state"]) / 2**20, b=parts["buffers"] / 2**20,
                          a=parts["activations"] / 2**20, batch=est["batch_size"], budget=limits.memory_budget_mb))
