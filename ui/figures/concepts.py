"""Pictures on the concept cards, computed by torch itself: an activation and its derivative, a loss against
the error, a learning-rate schedule over epochs. Pure: a concept name in, plain points or a plotly spec out."""
from __future__ import annotations

import functools

import torch
from torch import nn

from i18n import _
from trainers.losses import CLASS_INDEX_LOSSES, LOSSES
from trainers.schedules import make_schedule

from .theme import SERIES, TRAIN, VAL, figure, layout

EPOCHS, STEPS_PER_EPOCH, LR = 30, 10, 0.1  # the schedule picture: a short run at lr 0.1


@functools.lru_cache(maxsize=64)
def activation_points(name: str, lo: float = -4.0, hi: float = 4.0, n: int = 161) -> dict:
    """{"x", "y", "dy"}: torch.nn.<name> on a grid and its derivative by autograd."""
    x = torch.linspace(lo, hi, n, dtype=torch.float64, requires_grad=True)
    y = getattr(nn, name)()(x)
    (dy,) = torch.autograd.grad(y.sum(), x)
    return {"x": x.detach().tolist(), "y": y.detach().tolist(), "dy": dy.tolist()}


@functools.lru_cache(maxsize=64)
def loss_points(name: str, lo: float = -3.0, hi: float = 3.0, n: int = 121) -> dict:
    """{"x", "y", "axis"}: the loss of one sample. Regression losses: against the error (prediction − target).
    Class losses: against the score of the right class, the other score 0 (a margin)."""
    x = torch.linspace(lo, hi, n, dtype=torch.float64)
    fn = LOSSES[name](reduction="none")
    if name in CLASS_INDEX_LOSSES:
        scores = torch.stack([x, torch.zeros_like(x)], dim=1)  # (n, 2): class 0 is right
        scores = scores.log_softmax(dim=1) if name == "NLLLoss" else scores
        y, axis = fn(scores, torch.zeros(n, dtype=torch.long)), "margin"
    elif name == "BCEWithLogitsLoss":
        y, axis = fn(x, torch.ones(n, dtype=torch.float64)), "margin"
    else:
        y, axis = fn(x, torch.zeros(n, dtype=torch.float64)), "error"
    return {"x": x.tolist(), "y": y.tolist(), "axis": axis}


def schedule_points(name: str, options: dict | None = None) -> dict:
    """{"epoch", "lr"}: the learning rate at the start of each epoch, stepped by trainers' own scheduler."""
    weight = torch.zeros(1, requires_grad=True)
    opt = torch.optim.SGD([weight], lr=LR)
    total = EPOCHS * STEPS_PER_EPOCH
    scheduler = make_schedule({"type": name, **(options or {})}, opt, total, STEPS_PER_EPOCH)
    lrs = []
    for step in range(total):
        if step % STEPS_PER_EPOCH == 0:
            lrs.append(opt.param_groups[0]["lr"])
        opt.step()
        if scheduler is not None:
            scheduler.step()
    return {"epoch": list(range(1, EPOCHS + 1)), "lr": lrs}


def concept_figure(picture: str, name: str) -> dict | None:
    """The card's picture as a plotly spec, or None when its kind has none."""
    if picture == "activation":
        p = activation_points(name)
        data = [dict(type="scatter", x=p["x"], y=p["y"], name=name, line=dict(color=TRAIN, width=3)),
                dict(type="scatter", x=p["x"], y=p["dy"], name=_("derivative"),
                     line=dict(color=VAL, width=2, dash="dash"))]
        return figure(data, layout(height=280, xaxis=dict(title=dict(text="x"))))
    if picture == "loss":
        p = loss_points(name)
        label = _("score of the right class") if p["axis"] == "margin" else _("error (prediction − target)")
        data = [dict(type="scatter", x=p["x"], y=p["y"], name=name, line=dict(color=SERIES[0], width=3))]
        return figure(data, layout(height=280, xaxis=dict(title=dict(text=label)),
                                   yaxis=dict(title=dict(text=_("loss")))))
    if picture == "schedule":
        p = schedule_points(name)
        data = [dict(type="scatter", x=p["epoch"], y=p["lr"], name=name, mode="lines+markers",
                     line=dict(color=SERIES[2], width=3))]
        return figure(data, layout(height=280, xaxis=dict(title=dict(text=_("epoch"))),
                                   yaxis=dict(title=dict(text=_("learning rate")))))
    return None
