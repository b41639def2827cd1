"""One memory budget for a model and its training, checked before anything is allocated."""
from __future__ import annotations

import math

from i18n import N_

from .agree import Signature
from .limits import current
from .project import Project
from .report import Problem

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


def _batch(training) -> int:
    """The batch size the settings resolve to (a Signature from trainers); from a bare training section the one
    it names, else 1: builder does not know trainers' default, and at batch 1 the estimate is a lower bound."""
    if isinstance(training, Signature):
        return training.batch_size
    b = training.get("batch_size") if isinstance(training, dict) else None
    return b if isinstance(b, int) and not isinstance(b, bool) and b > 0 else 1


def _copies(training) -> int:
    if isinstance(training, Signature):
        name = training.optimizer
    else:
        opt = training.get("optimizer") if isinstance(training, dict) else None
        name = opt.get("type") if isinstance(opt, dict) else opt
    return STATE_COPIES.get(name, 2) if isinstance(name, str) else 2  # a malformed optimizer is named by settings


def estimate(report, training) -> dict:
    """Bytes of one training step: weights, gradients, optimizer state, buffers, activations kept for backward.

    `training`: a Signature (what trainers resolves the settings to) or a project's training section."""
    params = BYTES * report.total_params
    batch = _batch(training)
    parts = {"weights": params, "gradients": params, "optimizer_state": _copies(training) * params,
             "buffers": report.memory.get("buffers_bytes", 0),
             # forward values kept for backward plus their gradients, for every sample of a batch
             "activations": 2 * batch * report.memory.get("activation_bytes_per_sample", 0)}
    return {"batch_size": batch, "parts": parts, "total": sum(parts.values())}


def budget_problem(report, training):
    """The error naming both figures when training the checked model would exceed the memory budget, or None."""
    if not report.shapes or report.errors:  # a broken graph has no trustworthy estimate; its errors come first
        return None
    limits = current()
    est = estimate(report, training)
    if est["total"] <= limits.bytes_of_budget():
        return None
    parts = est["parts"]
    if parts["activations"] >= parts["weights"] + parts["buffers"]:
        node = max(report.shapes, key=lambda n: math.prod(report.shapes[n]))
    else:
        node = max(report.param_counts, key=report.param_counts.get) if report.param_counts else None
    return Problem(node, N_("training needs about {need:,.0f} MiB (weights {w:,.0f}, gradients and optimizer state "
                            "{g:,.0f}, fixed buffers {b:,.0f}, activations {a:,.0f} at batch size {batch}), above the "
                            "memory budget of {budget:,} MiB (NEUROCANVAS_MEMORY_BUDGET_MB): make the model or the "
                            "batch smaller",
                            need=est["total"] / 2**20, w=parts["weights"] / 2**20,
                            g=(parts["gradients"] + parts["optimizer_state"]) / 2**20, b=parts["buffers"] / 2**20,
                            a=parts["activations"] / 2**20, batch=est["batch_size"], budget=limits.memory_budget_mb),
                   rule="budget")
