"""MNIST and Fashion-MNIST from local IDX files (optionally downloaded once when the network allows)."""
import gzip
import os
import struct
import urllib.request
from pathlib import Path

import numpy as np
import torch

from i18n import N_

from ..errors import TrainingError
from .base import Dataset

_DTYPES = {0x08: np.uint8, 0x09: np.int8, 0x0B: ">i2", 0x0C: ">i4", 0x0D: ">f4", 0x0E: ">f8"}
FILES = {"images": "train-images-idx3-ubyte", "labels": "train-labels-idx1-ubyte"}
MIRRORS = {
    "mnist": "https://ossci-datasets.s3.amazonaws.com/mnist/",
    "fashion_mnist": "http://fashion-mnist.s3-website.eu-central-1.amazonaws.com/",
}
CLASS_NAMES = {
    "mnist": [str(i) for i in range(10)],
    "fashion_mnist": ["T-shirt/top", "Trouser", "Pullover", "Dress", "Coat", "Sandal", "Shirt", "Sneaker",
                      "Bag", "Ankle boot"],
}


def read_idx(path) -> np.ndarray:
    """Parse one IDX file (plain or .gz): 2 zero bytes, a dtype code, the rank, big-endian int32 dims."""
    opener = gzip.open if str(path).endswith(".gz") else open
    with opener(path, "rb") as f:
        data = f.read()
    zero, code, rank = struct.unpack(">HBB", data[:4])
    if zero != 0 or code not in _DTYPES:
        raise TrainingError(N_("{path}: not an IDX file", path=path))
    dims = struct.unpack(f">{rank}i", data[4:4 + 4 * rank])
    return np.frombuffer(data, dtype=_DTYPES[code], offset=4 + 4 * rank).reshape(dims)


def write_idx(path, array: np.ndarray) -> None:
    """Write a uint8 array as IDX (used by tests and to cache downloads)."""
    array = np.ascontiguousarray(array, dtype=np.uint8)
    header = struct.pack(">HBB", 0, 0x08, array.ndim) + struct.pack(f">{array.ndim}i", *array.shape)
    opener = gzip.open if str(path).endswith(".gz") else open
    with opener(path, "wb") as f:
        f.write(header + array.tobytes())


def data_root(name: str, root: str | None = None) -> Path:
    base = root or os.environ.get("NEUROCANVAS_DATA") or Path.home() / ".cache" / "neurocanvas"
    return Path(base) / name


def _find(folder: Path, stem: str) -> Path | None:
    for candidate in (folder / stem, folder / f"{stem}.gz"):
        if candidate.is_file():
            return candidate
    return None


def _download(name: str, folder: Path) -> None:
    folder.mkdir(parents=True, exist_ok=True)
    for stem in FILES.values():
        try:
            urllib.request.urlretrieve(MIRRORS[name] + stem + ".gz", folder / f"{stem}.gz")
        except OSError as exc:
            raise TrainingError(N_("{name}: download from {value} failed ({exc}); put {stem}.gz into {folder} instead",
                                   name=name, value=MIRRORS[name], exc=exc, stem=stem, folder=folder)) from None


def load_idx_images(name: str, root: str | None = None, download: bool = False, n_samples: int | None = None) -> Dataset:
    folder = data_root(name, root)
    paths = {k: _find(folder, stem) for k, stem in FILES.items()}
    if None in paths.values() and download:
        _download(name, folder)
        paths = {k: _find(folder, stem) for k, stem in FILES.items()}
    if None in paths.values():
        need = ", ".join(FILES.values())
        raise TrainingError(N_("data set '{name}' is not on this machine: put {need} (or .gz) into {folder}, or set "
                               "dataset_options.download to true when online",
                               name=name, need=need, folder=folder))
    images, labels = read_idx(paths["images"]), read_idx(paths["labels"])
    if n_samples:
        images, labels = images[:n_samples], labels[:n_samples]
    x = torch.as_tensor(images.astype(np.float32) / 255.0).unsqueeze(1)  # (N, 1, H, W)
    y = torch.as_tensor(labels.astype(np.int64))
    return Dataset(name, "image", "classification", x, y, 10, CLASS_NAMES[name], image_shape=tuple(images.shape[1:]))


def mnist(root: str | None = None, download: bool = False, n_samples: int | None = None) -> Dataset:
    return load_idx_images("mnist", root, download, n_samples)


def fashion_mnist(root: str | None = None, download: bool = False, n_samples: int | None = None) -> Dataset:
    return load_idx_images("fashion_mnist", root, download, n_samples)
