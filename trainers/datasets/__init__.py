"""Offline data sets: scikit-learn tables, generated 2-D points, series, token tasks, CSV and IDX images."""
from .base import Dataset
from .catalogue import DATASETS, dataset_options, describe, load_dataset, load_outline
from .split import Split, split

__all__ = ["DATASETS", "Dataset", "Split", "dataset_options", "describe", "load_dataset", "load_outline", "split"]
