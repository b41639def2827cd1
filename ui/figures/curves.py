"""Training curves from a TrainingJob snapshot (docs/snapshot.md): loss, accuracy, gradients, metrics CSV."""
from __future__ import annotations

import io

import pandas as pd

from i18n import _

from .theme import SERIES, TRAIN, VAL, empty, figure, layout


def _has(values) -> bool:
    return any(v is not None for v in values or [])


def _mode(epochs: dict) -> str:
    return "lines+markers" if len(epochs.get("epoch", [])) <= 30 else "lines"  # dots only while they read


def loss_figure(snap: dict, overlays: list[dict] | None = None) -> dict:
    """Per-step training loss, per-epoch validation loss (x = step), and earlier runs dashed for comparison.

    overlays: [{"label": str, "snapshot": snapshot dict}] drawn under the current run.
    """
    data = []
    for i, other in enumerate(overlays or []):
        steps = other["snapshot"].get("steps") or {}
        data.append(dict(type="scatter", x=steps.get("step", []), y=steps.get("loss", []), mode="lines",
                         name=other["label"], opacity=0.8,
                         line=dict(color=SERIES[(i + 2) % len(SERIES)], width=2, dash="dash")))
    steps = snap.get("steps") or {}
    if not _has(steps.get("loss")) and not overlays:
        return empty(_("The loss curve appears here once training starts"))
    data.append(dict(type="scatter", x=steps.get("step", []), y=steps.get("loss", []), mode="lines",
                     name=_("train loss (per step)"), line=dict(color=TRAIN, width=2.5)))
    epochs, per = snap.get("epochs") or {}, (snap.get("progress") or {}).get("steps_per_epoch") or 0
    if per and _has(epochs.get("val_loss")):
        data.append(dict(type="scatter", x=[e * per for e in epochs.get("epoch", [])], y=epochs.get("val_loss"),
                         mode=_mode(epochs), name=_("validation loss"), line=dict(color=VAL, width=3),
                         marker=dict(size=9)))
    return figure(data, layout(_("Loss"), xaxis=dict(title=dict(text=_("step"))),
                               yaxis=dict(title=dict(text=_("loss")), rangemode="tozero")))


def metric_figure(snap: dict, overlays: list[dict] | None = None) -> dict:
    """Accuracy (classification) or R² (regression) per epoch, train vs validation; compared runs dashed."""
    epochs = snap.get("epochs") or {}
    x = epochs.get("epoch", [])
    task = (snap.get("dataset") or {}).get("task")  # known before the first epoch: no R² promise on classes
    if task == "classification" or (task is None and ("val_accuracy" in epochs or "train_accuracy" in epochs)):
        title, pairs = _("Accuracy"), [("train_accuracy", _("train"), TRAIN), ("val_accuracy", _("validation"), VAL)]
        yaxis = dict(title=dict(text=_("accuracy")), range=[0, 1.02], tickformat=".0%")
    else:
        title, pairs = _("Validation R²"), [("val_r2", _("validation R²"), VAL)]
        yaxis = dict(title=dict(text="R²"))
    data = [dict(type="scatter", x=x, y=epochs[key], mode=_mode(epochs), name=name,
                 line=dict(color=colour, width=3), marker=dict(size=9))
            for key, name, colour in pairs if _has(epochs.get(key))]
    key = pairs[-1][0]  # the validation metric of each compared run
    data[:0] = [dict(type="scatter", x=(o["snapshot"].get("epochs") or {}).get("epoch", []),
                     y=(o["snapshot"].get("epochs") or {}).get(key, []), mode="lines", name=o["label"], opacity=0.8,
                     line=dict(color=SERIES[(i + 2) % len(SERIES)], width=2, dash="dash"))
                for i, o in enumerate(overlays or []) if _has((o["snapshot"].get("epochs") or {}).get(key))]
    if not data:
        return empty(_('{title} appears after the first epoch').format(title=title))
    xaxis = dict(title=dict(text=_("epoch")), **({"dtick": 1} if len(x) <= 20 else {}))
    return figure(data, layout(title, xaxis=xaxis, yaxis=yaxis))


def gradient_figure(snap: dict) -> dict:
    """Gradient L2 norm per layer over time on a log scale: vanishing or exploding gradients stand out."""
    probes = snap.get("probes") or {}
    hist = probes.get("gradient_history") or {}
    norms = hist.get("grad_norm") or {}
    order = [n for n in probes.get("order", []) if n in norms] + [n for n in norms if n not in probes.get("order", [])]
    data = [dict(type="scatter", x=hist.get("step", []), y=[y if y and y > 0 else None for y in norms[node]],
                 mode="lines", name=node, line=dict(color=SERIES[i % len(SERIES)], width=2.5))
            for i, node in enumerate(order)]
    if not data:
        return empty(_("Gradient norms appear after the first probe"))
    return figure(data, layout(_("Gradient norm per layer (log scale)"), xaxis=dict(title=dict(text=_("step"))),
                               yaxis=dict(title=dict(text=_("‖gradient‖")), type="log")))


def metrics_frames(snap: dict) -> tuple[pd.DataFrame, pd.DataFrame]:
    """(per-epoch table, per-step table) of a snapshot."""
    epochs = {k: v for k, v in (snap.get("epochs") or {}).items() if isinstance(v, list)}
    steps = {k: v for k, v in (snap.get("steps") or {}).items() if isinstance(v, list)}
    return pd.DataFrame(epochs), pd.DataFrame(steps)


def metrics_csv(snap: dict) -> str:
    """One CSV: the per-epoch table, then the per-step table; a `table` column tells them apart."""
    by_epoch, by_step = metrics_frames(snap)
    frame = pd.concat([by_epoch.assign(table="epoch"), by_step.assign(table="step")], ignore_index=True)
    cols = ["table"] + [c for c in frame.columns if c != "table"]
    buf = io.StringIO()
    frame[cols].to_csv(buf, index=False)
    return buf.getvalue()
