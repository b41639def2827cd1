"""Forecasting windows: a noisy sine and plotly's bundled weekly stock prices (predict the next value)."""
import numpy as np
import torch

from .base import Dataset


def windows(series: np.ndarray, window: int) -> tuple[torch.Tensor, torch.Tensor]:
    """series (T,) -> x (N, window, 1) and the value right after each window y (N, 1)."""
    s = torch.as_tensor(np.asarray(series, dtype=np.float32))
    x = s.unfold(0, window, 1)[:-1]  # (T - window, window)
    y = s[window:].unsqueeze(1)
    return x.unsqueeze(-1).contiguous(), y


def sine(n_points: int = 2000, window: int = 20, noise: float = 0.05, seed: int = 0) -> Dataset:
    """Two mixed sine waves plus noise; the model sees `window` values and predicts the next one."""
    rng = np.random.default_rng(seed)
    t = np.arange(n_points) * 0.1
    s = np.sin(t) + 0.5 * np.sin(2.7 * t) + rng.normal(0, noise, n_points)
    x, y = windows(s, window)
    return Dataset("sine", "series", "regression", x, y, feature_names=["value"], ordered=True)


def stocks(window: int = 10, symbols: tuple | list | None = None) -> Dataset:
    """plotly.data.stocks(): 105 weekly closes of six tech stocks (normalised to 1 at the start).

    Each stock is cut into windows separately and the windows are put side by side in time order,
    so a chronological split validates on the last weeks of every stock.
    """
    import plotly.data
    frame = plotly.data.stocks()
    symbols = list(symbols or [c for c in frame.columns if c != "date"])
    parts = [windows(frame[s].to_numpy(), window) for s in symbols]
    # interleave by time: (stocks, N, ...) -> (N * stocks, ...)
    x = torch.stack([p[0] for p in parts], 1).reshape(-1, window, 1)
    y = torch.stack([p[1] for p in parts], 1).reshape(-1, 1)
    return Dataset("stocks", "series", "regression", x, y, feature_names=["close"], ordered=True)


def adding(n_samples: int = 4000, length: int = 50, seed: int = 0) -> Dataset:
    """The adding problem (Hochreiter & Schmidhuber): sum the two values marked in a long sequence.

    x (N, length, 2): column 0 random values in [0, 1], column 1 marks exactly two steps
    (one in each half); y (N, 1) the sum of the marked values. Plain RNNs struggle as length grows.
    """
    g = torch.Generator().manual_seed(seed)
    values = torch.rand(n_samples, length, generator=g)
    first = torch.randint(0, length // 2, (n_samples,), generator=g)
    second = torch.randint(length // 2, length, (n_samples,), generator=g)
    marks = torch.zeros(n_samples, length)
    rows = torch.arange(n_samples)
    marks[rows, first] = 1.0
    marks[rows, second] = 1.0
    y = (values * marks).sum(1, keepdim=True)
    return Dataset("adding", "series", "regression", torch.stack([values, marks], -1), y,
                   feature_names=["value", "marker"])
