"""What happens inside the layers, from snapshot probes: activations over time, boundary, confusion, pictures."""
from __future__ import annotations

import numpy as np
import plotly.graph_objects as go
from plotly.subplots import make_subplots

from .theme import DIVERGING, HEAT, SERIES, empty, style

BINS = 40


def activation_over_time(history: list[dict], node: str) -> go.Figure:
    """Heatmap: x = probe step, y = activation value, colour = share of units there (one column per probe).

    history: [{"step": int, "activations": {node: {"hist": {"edges", "counts"}, ...}}}] oldest first.
    Each probe has its own adaptive range; they are re-binned onto one common grid.
    """
    cols = [(h["step"], h["activations"][node]["hist"]) for h in history
            if node in h.get("activations", {}) and _finite_hist(h["activations"][node].get("hist"))]
    if not cols:
        return empty(f"{node}: activations appear after the first probe")
    lo = min(hist["edges"][0] for _, hist in cols)
    hi = max(hist["edges"][-1] for _, hist in cols)
    hi = hi if hi > lo else lo + 1.0
    grid = np.linspace(lo, hi, BINS + 1)
    z = np.zeros((BINS, len(cols)))
    for j, (_, hist) in enumerate(cols):
        edges, counts = np.asarray(hist["edges"], float), np.asarray(hist["counts"], float)
        centres = (edges[:-1] + edges[1:]) / 2
        column, _ = np.histogram(centres, bins=grid, weights=counts)
        z[:, j] = column / max(column.sum(), 1.0)
    fig = go.Figure(go.Heatmap(x=[s for s, _ in cols], y=(grid[:-1] + grid[1:]) / 2, z=z, colorscale=HEAT,
                               colorbar=dict(title="share", tickformat=".0%"),
                               hovertemplate="step %{x}<br>value %{y:.3g}<br>share %{z:.1%}<extra></extra>"))
    fig.update_xaxes(title="step")
    fig.update_yaxes(title="activation value")
    return style(fig, f"{node}: activation distribution over time", height=320)


def _finite_hist(hist) -> bool:
    edges = (hist or {}).get("edges") or []
    return bool((hist or {}).get("counts")) and all(isinstance(e, (int, float)) and np.isfinite(e) for e in edges)


def activation_histograms(probes: dict, max_layers: int = 12) -> go.Figure:
    """Latest histogram of every layer, in graph order, with mean and dead-unit share in the title."""
    acts = probes.get("activations") or {}
    nodes = [n for n in probes.get("order", []) if n in acts][:max_layers]
    if not nodes:
        return empty("Activation histograms appear after the first probe")
    cols = min(4, len(nodes))
    rows = -(-len(nodes) // cols)

    def title(n):
        a = acts[n]
        dead, mean = a.get("dead_fraction"), a.get("mean")
        return (f"{n} · mean {mean:.2g}" if mean is not None else f"{n} · not finite") + (
            f" · dead {dead:.0%}" if dead is not None else "")

    fig = make_subplots(rows=rows, cols=cols, subplot_titles=[title(n) for n in nodes],
                        horizontal_spacing=0.06, vertical_spacing=0.18 if rows > 1 else 0.1)
    for i, n in enumerate(nodes):
        hist = acts[n].get("hist") or {}
        edges = hist.get("edges") or [0, 1]
        centres = [(a + b) / 2 for a, b in zip(edges, edges[1:])]
        fig.add_bar(x=centres, y=hist.get("counts", []), row=i // cols + 1, col=i % cols + 1, showlegend=False,
                    marker_color=SERIES[i % len(SERIES)], name=n)
    fig.update_layout(bargap=0)
    fig.update_annotations(font_size=14)
    return style(fig, height=230 * rows + 40)


def dead_units_figure(history: list[dict]) -> go.Figure:
    """Share of ReLU-family units that never fire on the probe batch, per layer, over time."""
    fig = go.Figure()
    nodes = []
    for h in history:
        nodes += [n for n, a in h.get("activations", {}).items() if a.get("dead_fraction") is not None and n not in nodes]
    for i, n in enumerate(nodes):
        pts = [(h["step"], h["activations"][n]["dead_fraction"]) for h in history if n in h.get("activations", {})]
        fig.add_scatter(x=[p[0] for p in pts], y=[p[1] for p in pts], mode="lines+markers", name=n,
                        line=dict(color=SERIES[i % len(SERIES)], width=2.5))
    if not fig.data:
        return empty("No ReLU-family layers: no dead units to count")
    fig.update_xaxes(title="step")
    fig.update_yaxes(title="dead units", range=[0, 1], tickformat=".0%")
    return style(fig, "Dead units per layer")


def boundary_figure(probes: dict) -> go.Figure:
    """The model's output over the 2-D input plane with the training points on top."""
    b = probes.get("boundary")
    if not b:
        return empty("The decision boundary is drawn for 2-D inputs")
    z = b.get("value") or b.get("predicted")
    fig = go.Figure(go.Heatmap(x=b["x"], y=b["y"], z=z, colorscale=DIVERGING, opacity=0.75, showscale=False,
                               hoverinfo="skip", zsmooth="best"))
    pts = b.get("points") or {}
    labels = pts.get("label", [])
    ints = all(isinstance(v, int) for v in labels)
    fig.add_scatter(x=pts.get("x", []), y=pts.get("y", []), mode="markers", showlegend=False,
                    marker=dict(size=8, color=labels, colorscale="Portland" if ints else DIVERGING,
                                line=dict(width=1, color="white")),
                    hovertemplate="(%{x:.2f}, %{y:.2f}) label %{marker.color}<extra></extra>")
    fig.update_xaxes(title="x₁", range=[b["x"][0], b["x"][-1]])
    fig.update_yaxes(title="x₂", range=[b["y"][0], b["y"][-1]], scaleanchor="x")
    return style(fig, "Decision boundary", height=420)


def confusion_figure(probes: dict) -> go.Figure:
    c = probes.get("confusion")
    if not c:
        return empty("The confusion matrix is drawn for classification")
    m = np.asarray(c["matrix"], float)
    share = m / np.maximum(m.sum(axis=1, keepdims=True), 1)
    labels = [str(s) for s in c["labels"]]
    fig = go.Figure(go.Heatmap(z=share, x=labels, y=labels, colorscale="Blues", zmin=0, zmax=1,
                               text=m.astype(int), texttemplate="%{text}" if len(labels) <= 15 else None,
                               colorbar=dict(title="of row", tickformat=".0%"),
                               hovertemplate="true %{y} → predicted %{x}: %{text}<extra></extra>"))
    fig.update_xaxes(title="predicted", type="category")
    fig.update_yaxes(title="true", type="category", autorange="reversed")
    return style(fig, "Confusion matrix (validation)", height=420)


def sample_images_figure(probes: dict) -> go.Figure | None:
    """Image samples with prediction and truth as titles (green when right); None when samples are not images."""
    samples = [s for s in probes.get("samples") or [] if s.get("kind") == "image"]
    if not samples:
        return None

    def title(s):
        mark = "✓" if s.get("correct") else ("✗" if s.get("correct") is False else "")
        pred = s.get("prediction_name") if s.get("prediction_name") is not None else s.get("prediction")
        true = s.get("target_name") if s.get("target_name") is not None else s.get("target")
        if isinstance(pred, list):
            return "input / reconstruction"
        return f"{mark} {pred} (true {true})"

    fig = make_subplots(rows=1, cols=len(samples), subplot_titles=[title(s) for s in samples], horizontal_spacing=0.02)
    for i, s in enumerate(samples):
        fig.add_heatmap(z=s["input"], colorscale="Greys", showscale=False, row=1, col=i + 1)
    fig.update_xaxes(visible=False)
    fig.update_yaxes(visible=False, autorange="reversed", scaleanchor="x")
    fig.update_annotations(font_size=14)
    return style(fig, height=220)


def feature_maps_figure(probes: dict, node: str) -> go.Figure:
    fm = (probes.get("feature_maps") or {}).get(node)
    if not fm:
        return empty(f"{node}: no feature maps")
    chans = fm["channels"]
    fig = make_subplots(rows=1, cols=len(chans), subplot_titles=[f"ch {i}" for i in range(len(chans))],
                        horizontal_spacing=0.02)
    for i, ch in enumerate(chans):
        fig.add_heatmap(z=ch, colorscale=HEAT, zmin=fm["min"], zmax=fm["max"], showscale=i == 0, row=1, col=i + 1)
    fig.update_xaxes(visible=False)
    fig.update_yaxes(visible=False, autorange="reversed", scaleanchor="x")
    return style(fig, f"{node}: feature maps {fm['shape']}", height=230)


def hidden_states_figure(probes: dict, node: str) -> go.Figure:
    hs = (probes.get("hidden_states") or {}).get(node)
    if not hs:
        return empty(f"{node}: no hidden states")
    fig = go.Figure(go.Heatmap(z=np.asarray(hs["values"]).T.tolist(), y=[f"unit {u}" for u in hs["units"]],
                               colorscale=DIVERGING, zmid=0, colorbar=dict(title="value")))
    fig.update_xaxes(title="time step")
    return style(fig, f"{node}: hidden state over time (sample 0)", height=320)


def attention_figure(probes: dict, node: str) -> go.Figure:
    att = (probes.get("attention") or {}).get(node)
    if not att:
        return empty(f"{node}: no attention weights")
    heads = att["weights"]
    ticks = [str(t) for t in att["tokens"]] if att.get("tokens") else None
    fig = make_subplots(rows=1, cols=len(heads), subplot_titles=[f"head {i}" for i in range(len(heads))],
                        horizontal_spacing=0.04)
    for i, w in enumerate(heads):
        fig.add_heatmap(z=w, colorscale=HEAT, zmin=0, zmax=1, showscale=i == 0, row=1, col=i + 1,
                        hovertemplate="query %{y} → key %{x}: %{z:.2f}<extra></extra>")
    fig.update_xaxes(title="key")
    fig.update_yaxes(title="query", autorange="reversed", scaleanchor="x")
    if ticks and len(ticks) == len(heads[0]):
        fig.update_xaxes(tickvals=list(range(len(ticks))), ticktext=ticks)
        fig.update_yaxes(tickvals=list(range(len(ticks))), ticktext=ticks)
    return style(fig, f"{node}: attention weights (sample 0)", height=320)
