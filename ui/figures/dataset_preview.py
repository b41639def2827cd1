"""A look at the chosen data set before training: images, 2-D points, a table head, a series or token rows."""
from __future__ import annotations

import numpy as np
import pandas as pd

from i18n import _

from .theme import SERIES, figure, grid, layout

N_IMAGES = 16


def image_grid(x: np.ndarray, labels, names=None) -> dict:
    """x: (N, H, W) images; two rows of up to 16 with their labels as titles."""
    n = min(N_IMAGES, len(x))
    cols = (n + 1) // 2
    titles = [str(names[int(v)]) if names else str(v) for v in labels[:n]]
    axes, refs, notes = grid(n, cols, titles, hgap=0.01, vgap=0.14, square=True)
    for name, ax in axes.items():
        ax.update(visible=False)
        if name.startswith("yaxis"):
            ax["autorange"] = "reversed"
    data = [dict(type="heatmap", z=x[i].tolist(), colorscale="Greys", showscale=False, hoverinfo="skip",
                 xaxis=refs[i][0], yaxis=refs[i][1]) for i in range(n)]
    return figure(data, {**layout(height=260, annotations=notes), **axes})


def scatter2d(x: np.ndarray, y: np.ndarray) -> dict:
    data = []
    for i, label in enumerate(np.unique(y)[:12]):
        pts = x[y == label]
        data.append(dict(type="scatter", x=pts[:, 0].tolist(), y=pts[:, 1].tolist(), mode="markers",
                         name=_("class {label}").format(label=label),
                         marker=dict(size=6, color=SERIES[i % len(SERIES)], line=dict(width=0.5, color="white"))))
    return figure(data, layout(height=320, yaxis=dict(scaleanchor="x")))


def series_plot(x: np.ndarray, y: np.ndarray) -> dict:
    """x: (N, T, F) windows; draws the first feature of a few windows and the value to predict."""
    data = []
    for i in range(min(3, len(x))):
        data.append(dict(type="scatter", x=list(range(x.shape[1])), y=x[i, :, 0].tolist(), mode="lines",
                         name=_('window {i}').format(i=i), line=dict(color=SERIES[i], width=2.5)))
        data.append(dict(type="scatter", x=[x.shape[1]], y=[float(np.ravel(y[i])[0])], mode="markers",
                         showlegend=False, marker=dict(size=12, symbol="star", color=SERIES[i])))
    return figure(data, layout(height=280, xaxis=dict(title=dict(text=_("time step (★ = value to predict)")))))


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
