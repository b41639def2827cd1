"""DATASETS: every built-in data set keyed by the name saved in projects, and the cached loader."""
import functools
import inspect
import json
import os

from i18n import N_

from ..errors import TrainingError, unknown
from . import idx, images, series, tabular, tokens, toy2d
from .base import Dataset
from .bounds import check_data, check_options
from .csv import load_csv

DATASETS = {
    "digits": tabular.digits,
    "iris": tabular.iris,
    "wine": tabular.wine,
    "breast_cancer": tabular.breast_cancer,
    "diabetes": tabular.diabetes,
    "moons": toy2d.moons,
    "circles": toy2d.circles,
    "spiral": toy2d.spiral,
    "xor": toy2d.xor,
    "gaussians": toy2d.gaussians,
    "sine": series.sine,
    "stocks": series.stocks,
    "adding": series.adding,
    "reverse": tokens.reverse,
    "sort": tokens.sort,
    "copy": tokens.copy,
    "recall": tokens.recall,
    "csv": load_csv,
    "images": images.images,
    "mnist": idx.mnist,
    "fashion_mnist": idx.fashion_mnist,
}
COMMON_OPTIONS = ("autoencode",)  # any float data set: the target is the input (reconstruction)


def dataset_options(name: str) -> dict:
    """{option: default} a data set accepts, for inspectors."""
    if name not in DATASETS:
        raise unknown("data set", name, DATASETS, "training.dataset")
    params = inspect.signature(DATASETS[name]).parameters.values()
    return {p.name: (None if p.default is inspect.Parameter.empty else p.default) for p in params}


def describe(name: str) -> str:
    """The first line of the loader's docstring, for the UI."""
    return (inspect.getdoc(DATASETS[name]) or name).splitlines()[0]


def _check(name: str, options: dict) -> None:
    """Unknown names and options raise TrainingError listing the choices; values are bounded (bounds.py)."""
    if name not in DATASETS:
        raise unknown("data set", name, DATASETS, "training.dataset")
    allowed = dataset_options(name)
    for key in options:
        if key not in allowed and key not in COMMON_OPTIONS:
            raise unknown(f"option for data set '{name}'", key, list(allowed) + list(COMMON_OPTIONS),
                          f"training.dataset_options.{key}")
    check_options(name, options)  # before any allocation or file access


def load_dataset(name: str, **options) -> Dataset:
    """A (cached) Dataset. Unknown names and options raise TrainingError listing the choices."""
    _check(name, options)
    stamp = None
    if name == "csv" and options.get("path") and os.path.exists(options["path"]):
        stamp = os.path.getmtime(options["path"])  # reload an edited file
    return _cached(name, json.dumps(options, sort_keys=True, default=str), stamp)


OUTLINES = {"images": images.outline}  # data sets whose shapes and classes are known without loading them


def load_outline(name: str, **options) -> Dataset:
    """The data set as checks need it (shapes, task, classes), never dearer than its headers: pictures are not
    decoded (their x is a zero-filled view), any other set is load_dataset()'s. Same refusals as load_dataset."""
    if name not in OUTLINES:
        return load_dataset(name, **options)
    _check(name, options)
    autoencode = options.pop("autoencode", False)
    return _autoencoded(name, OUTLINES[name](**options), autoencode, copy=False)  # a view: no memory


@functools.lru_cache(maxsize=16)
def _cached(name: str, options_json: str, stamp) -> Dataset:
    options = json.loads(options_json)
    autoencode = options.pop("autoencode", False)
    try:
        data = DATASETS[name](**options)
    except TypeError as exc:  # a wrong option type, e.g. n_samples="many"
        raise TrainingError(N_("training.dataset_options: {name}: {exc}", name=name, exc=exc)) from None
    check_data(data)
    return _autoencoded(name, data, autoencode)


def _autoencoded(name: str, data: Dataset, autoencode, copy: bool = True) -> Dataset:
    """The data set itself, or with autoencode its own inputs (a copy) as regression targets."""
    if not autoencode:
        return data
    if data.dtype != "float":
        raise TrainingError(N_("training.dataset_options.autoencode: '{name}' holds token ids, not values",
                               name=name))
    return Dataset(name, data.kind, "regression", data.x, data.x.clone() if copy else data.x,
                   feature_names=data.feature_names,
                   standardise=data.standardise, image_shape=data.image_shape)
