"""A user's CSV: pick the target column; numbers stay, categories become one-hot; gaps are errors."""
import io
from pathlib import Path

import numpy as np
import pandas as pd
import torch

from i18n import N_

from ..errors import TrainingError
from .base import Dataset

MAX_CLASSES = 20  # an integer target with at most this many distinct values is read as class labels


def read_frame(path: str | None = None, text: str | None = None) -> tuple[pd.DataFrame, str]:
    if text is not None:
        return pd.read_csv(io.StringIO(text)), "uploaded CSV"
    if not path:
        raise TrainingError(N_("training.dataset_options: the csv data set needs 'path' (or 'text') and 'target'"))
    if not Path(path).is_file():
        raise TrainingError(N_("{path}: no such CSV file", path=path))
    try:
        return pd.read_csv(path), str(path)
    except (pd.errors.ParserError, UnicodeDecodeError, pd.errors.EmptyDataError) as exc:
        raise TrainingError(N_("{path}: not a readable CSV ({exc})", path=path, exc=exc)) from None


def infer_task(target: pd.Series) -> str:
    if pd.api.types.is_bool_dtype(target) or not pd.api.types.is_numeric_dtype(target):
        return "classification"  # words, categories, booleans
    if pd.api.types.is_integer_dtype(target) and target.nunique() <= MAX_CLASSES:
        return "classification"
    return "regression"


def load_csv(path: str | None = None, target: str | None = None, text: str | None = None,
             task: str | None = None) -> Dataset:
    frame, where = read_frame(path, text)
    if target not in frame.columns:
        raise TrainingError(N_("{where}: target column {target!r} not found; columns: {value}",
                               where=where, target=target, value=', '.join(map(str, frame.columns))))
    missing = frame.isna().sum()
    missing = missing[missing > 0]
    if len(missing):
        listing = ", ".join(f"'{c}' ({n})" for c, n in missing.items())
        raise TrainingError(N_("{where}: missing values in {listing}; fill or remove them before training",
                               where=where, listing=listing))
    task = task or infer_task(frame[target])
    features = frame.drop(columns=[target])
    if features.shape[1] == 0:
        raise TrainingError(N_("{where}: no feature columns besides the target {target!r}", where=where, target=target))
    categorical = [c for c in features.columns if not pd.api.types.is_numeric_dtype(features[c])]
    features = pd.get_dummies(features, columns=categorical, dtype=np.float32)
    x = torch.from_numpy(features.to_numpy(dtype=np.float32, copy=True))
    names = [str(c) for c in features.columns]
    if task == "classification":
        codes, classes = pd.factorize(frame[target], sort=True)
        y = torch.as_tensor(codes.astype(np.int64))
        return Dataset("csv", "tabular", task, x, y, len(classes), [str(c) for c in classes], names, standardise=True)
    if not pd.api.types.is_numeric_dtype(frame[target]):
        raise TrainingError(N_("{where}: target column {target!r} is not numeric, so it cannot be a regression target",
                               where=where, target=target))
    y = torch.from_numpy(frame[target].to_numpy(dtype=np.float32, copy=True)).unsqueeze(1)
    return Dataset("csv", "tabular", task, x, y, feature_names=names, standardise=True, standardise_target=True)
