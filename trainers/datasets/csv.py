"""A user's CSV: pick the target column; numbers stay, categories become one-hot; gaps are errors."""
import csv as _csv
import io
from pathlib import Path

import numpy as np
import pandas as pd
import torch

from builder.limits import current
from i18n import N_

from ..errors import TrainingError
from .base import Dataset

SOURCE = "uploaded CSV"  # how a CSV given as text is named (the page puts the file's name in its place)
MAX_CLASSES = 20  # an integer target with at most this many distinct values is read as class labels


def read_frame(path: str | None = None, text: str | None = None) -> tuple[pd.DataFrame, str]:
    if text is None and path:
        if not Path(path).is_file():  # only the command line gets here (bounds.check_options)
            raise TrainingError(N_("{path}: no such CSV file", path=path))
        with open(path, "rb") as f:  # read it as text within the same limits as an upload
            raw = f.read(current().csv_bytes + 1)
        try:
            return _frame(raw.decode("utf-8-sig"), str(path)), str(path)
        except UnicodeDecodeError:
            raise TrainingError(N_("{where}: not UTF-8 text", where=path)) from None
    if not isinstance(text, str):
        raise TrainingError(N_("training.dataset_options: the csv data set needs 'text' (an uploaded file) and "
                               "'target'"))
    return _frame(text, SOURCE), SOURCE


def _frame(text: str, where: str) -> pd.DataFrame:
    """The CSV text as a frame, refused before parsing when over the byte, row or column limit."""
    limits = current()
    size = len(text.encode("utf-8"))
    if size > limits.csv_bytes:
        raise TrainingError(N_("{where}: {n:,} bytes is above the CSV limit of {limit:,} bytes",
                               where=where, n=size, limit=limits.csv_bytes))
    rows = text.count("\n") - text.endswith("\n")  # data rows: lines after the header
    if rows > limits.csv_rows:
        raise TrainingError(N_("{where}: {n:,} rows is above the CSV limit of {limit:,}",
                               where=where, n=rows, limit=limits.csv_rows))
    try:
        header = next(_csv.reader([text.split("\n", 1)[0]]), [])  # the stdlib reader: pandas takes minutes here
        if len(header) > limits.csv_columns:
            raise TrainingError(N_("{where}: {n:,} columns is above the CSV limit of {limit:,}",
                                   where=where, n=len(header), limit=limits.csv_columns))
        return pd.read_csv(io.StringIO(text))
    except (pd.errors.ParserError, pd.errors.EmptyDataError, ValueError) as exc:
        if isinstance(exc, TrainingError):
            raise
        raise TrainingError(N_("{where}: not a readable CSV ({why})", where=where, why=str(exc).strip()[:200])) from None


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
    _check_values(frame, categorical, where)
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


def _check_values(frame: pd.DataFrame, categorical: list, where: str) -> None:
    """Infinite numbers and one-hot blow-ups are data problems: name the columns before anything is allocated."""
    numeric = frame.select_dtypes("number")
    infinite = [str(c) for c in numeric.columns if np.isinf(numeric[c].to_numpy(dtype=np.float64)).any()]
    if infinite:
        raise TrainingError(N_("{where}: infinite values in {cols}; this is a problem in the data, fix it there "
                               "before training", where=where, cols=", ".join(f"'{c}'" for c in infinite[:5])))
    width = frame.shape[1] - 1 - len(categorical) + sum(int(frame[c].nunique()) for c in categorical)
    limit = current().csv_columns
    if width > limit:
        raise TrainingError(N_("{where}: the text columns become {n:,} one-hot columns, above the limit of {limit:,}: "
                               "drop columns with many distinct values", where=where, n=width, limit=limit))
