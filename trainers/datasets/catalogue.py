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


def load_dataset(name: str, **options) -> Dataset:
    """A (cached) Dataset. Unknown names and options raise TrainingError listing the choices."""
    if name not in DATASETS:
        raise unknown("data set", name, DATASETS, "training.dataset")
    allowed = dataset_options(name)
    for key in options:
        if key not in allowed and key not in COMMON_OPTIONS:
            raise unknown(f"option for data set '{name}'", key, list(allowed) + list(COMMON_OPTIONS),
                          f"training.dataset_options.{key}")
    check_options(name, options)  # before any allocation or file access
    stamp = None
    if name == "csv" and options.get("path") and os.path.exists(options["path"]):
        stamp = os.path.getmtime(options["path"])  # reload an edited file
    return _cached(name, json.dumps(options, sort_keys=True, default=str), stamp)


@functools.lru_cache(maxsize=16)
def _cached(name: str, options_json: str, stamp) -> Dataset:
    options = json.loads(options_json)
    autoencode = options.pop("autoencode", False)
    try:
        data = DATASETS[name](**options)
    except TypeError as exc:  # a wrong option type, e.g. n_samples="many"
        raise TrainingError(N_("training.dataset_options: {name}: {exc}", name=name, exc=exc)) from None
    check_data(data)
    if autoencode:
        if data.dtype != "float":
            raise TrainingError(N_("training.dataset_options.autoencode: '{name}' holds token ids, not values",
                                   name=name))
        data = Dataset(name, data.kind, "regression", data.x, data.x.clone(), feature_names=data.feature_names,
                       standardise=data.standardise, image_shape=data.image_shape)
    return data
