"""Generated 2-D point sets in the style of the classic playground: moons, circles, spiral, xor, gaussians."""
import math

import numpy as np
import torch
from sklearn import datasets as skd

from .base import Dataset


def _points(name, x, y, n_classes) -> Dataset:
    return Dataset(name, "points2d", "classification", torch.as_tensor(x, dtype=torch.float32),
                   torch.as_tensor(y, dtype=torch.long), n_classes, [str(i) for i in range(n_classes)], ["x", "y"])


def moons(n_samples: int = 1000, noise: float = 0.1, seed: int = 0) -> Dataset:
    x, y = skd.make_moons(n_samples, noise=noise, random_state=seed)
    return _points("moons", x, y, 2)


def circles(n_samples: int = 1000, noise: float = 0.05, factor: float = 0.5, seed: int = 0) -> Dataset:
    x, y = skd.make_circles(n_samples, noise=noise, factor=factor, random_state=seed)
    return _points("circles", x, y, 2)


def gaussians(n_samples: int = 1000, noise: float = 1.0, classes: int = 3, seed: int = 0) -> Dataset:
    x, y = skd.make_blobs(n_samples, centers=classes, cluster_std=noise, center_box=(-5, 5), random_state=seed)
    return _points("gaussians", x / 3.0, y, classes)  # /3: keep coordinates about unit scale


def xor(n_samples: int = 1000, noise: float = 0.05, seed: int = 0) -> Dataset:
    rng = np.random.default_rng(seed)
    x = rng.uniform(-1, 1, size=(n_samples, 2))
    x += np.sign(x) * 0.05  # a small gap at the axes so the classes are separable at zero noise
    y = (x[:, 0] * x[:, 1] > 0).astype(np.int64)
    return _points("xor", x + rng.normal(0, noise, x.shape), y, 2)


def spiral(n_samples: int = 1000, noise: float = 0.05, classes: int = 2, turns: float = 1.5, seed: int = 0) -> Dataset:
    """Interleaved arms, one per class, each turning `turns` times around the origin."""
    rng = np.random.default_rng(seed)
    per = n_samples // classes
    xs, ys = [], []
    for c in range(classes):
        r = np.linspace(0.05, 1.0, per)
        t = r * turns * 2 * math.pi + c * 2 * math.pi / classes
        pts = np.stack([r * np.sin(t), r * np.cos(t)], axis=1)
        xs.append(pts + rng.normal(0, noise, pts.shape))
        ys.append(np.full(per, c))
    return _points("spiral", np.concatenate(xs), np.concatenate(ys), classes)
