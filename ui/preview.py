"""A look at the chosen data set before training: images, 2-D points, a table head, a series or token rows."""
from __future__ import annotations

import numpy as np
import pandas as pd
import plotly.graph_objects as go
from plotly.subplots import make_subplots

from .theme import SERIES, style

N_IMAGES = 16


def image_grid(x: np.ndarray, labels, names=None) -> go.Figure:
    """x: (N, H, W) images; one row of up to 16 with their labels as titles."""
    n = min(N_IMAGES, len(x))
    titles = [str(names[int(v)]) if names else str(v) for v in labels[:n]]
    fig = make_subplots(rows=2, cols=(n + 1) // 2, subplot_titles=titles, horizontal_spacing=0.01,
                        vertical_spacing=0.12)
    for i in range(n):
        fig.add_heatmap(z=x[i], colorscale="Greys", showscale=False, row=i // ((n + 1) // 2) + 1,
                        col=i % ((n + 1) // 2) + 1, hoverinfo="skip")
    fig.update_xaxes(visible=False)
    fig.update_yaxes(visible=False, autorange="reversed", scaleanchor="x")
    return style(fig, height=240)


def scatter2d(x: np.ndarray, y: np.ndarray) -> go.Figure:
    fig = go.Figure()
    for i, label in enumerate(np.unique(y)[:12]):
        pts = x[y == label]
        fig.add_scatter(x=pts[:, 0], y=pts[:, 1], mode="markers", name=f"class {label}",
                        marker=dict(size=6, color=SERIES[i % len(SERIES)], line=dict(width=0.5, color="white")))
    fig.update_yaxes(scaleanchor="x")
    return style(fig, height=320)


def series_plot(x: np.ndarray, y: np.ndarray) -> go.Figure:
    """x: (N, T, F) windows; draws the first feature of a few windows and the value to predict."""
    fig = go.Figure()
    for i in range(min(3, len(x))):
        t = list(range(x.shape[1]))
        fig.add_scatter(x=t, y=x[i, :, 0], mode="lines", name=f"window {i}", line=dict(color=SERIES[i], width=2.5))
        fig.add_scatter(x=[x.shape[1]], y=[float(np.ravel(y[i])[0])], mode="markers", showlegend=False,
                        marker=dict(size=12, symbol="star", color=SERIES[i]))
    fig.update_xaxes(title="time step (★ = value to predict)")
    return style(fig, height=280)


def token_rows(x: np.ndarray, y: np.ndarray, n: int = 6) -> pd.DataFrame:
    return pd.DataFrame({"input tokens": [" ".join(map(str, r)) for r in x[:n]],
                         "target": [" ".join(map(str, np.ravel(r))) for r in y[:n]]})


def table_head(x: np.ndarray, y: np.ndarray, features=None, n: int = 8) -> pd.DataFrame:
    flat = x.reshape(len(x), -1)[:n]
    cols = list(features) if features and len(features) == flat.shape[1] else [f"x{i}" for i in range(flat.shape[1])]
    frame = pd.DataFrame(flat, columns=cols)
    frame.insert(0, "target", [np.ravel(v).tolist()[0] if np.ndim(v) else v for v in y[:n]])
    return frame


def preview(data):
    """('figure', Figure) or ('table', DataFrame) for a trainers Dataset."""
    x, y = data.x.cpu().numpy(), data.y.cpu().numpy()
    if data.image_shape:
        return "figure", image_grid(x[:N_IMAGES].reshape(-1, *data.image_shape), y[:N_IMAGES], data.class_names)
    if data.kind == "points2d":
        return "figure", scatter2d(x[:600], y[:600])
    if data.kind == "series":
        return "figure", series_plot(x, y)
    if data.kind == "tokens":
        return "table", token_rows(x, y)
    return "table", table_head(x, y, data.feature_names)
