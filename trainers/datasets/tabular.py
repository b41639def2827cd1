"""scikit-learn's bundled tables: digits, iris, wine, breast_cancer (classification), diabetes (regression)."""
import numpy as np
import torch
from sklearn import datasets as skd

from .base import Dataset


def _classification(name, bunch, **kw) -> Dataset:
    x = torch.as_tensor(np.asarray(bunch.data, dtype=np.float32))
    y = torch.as_tensor(np.asarray(bunch.target, dtype=np.int64))
    names = [str(n) for n in bunch.target_names]
    return Dataset(name, kw.pop("kind", "tabular"), "classification", x, y, len(names), names,
                   [str(f) for f in bunch.feature_names], **kw)


def digits() -> Dataset:
    """1,797 handwritten digits, 8×8 pixels scaled to 0..1 (natural shape [64])."""
    bunch = skd.load_digits()
    data = _classification("digits", bunch, kind="image", image_shape=(8, 8))
    data.x = data.x / 16.0  # pixels are 0..16
    return data


def iris() -> Dataset:
    return _classification("iris", skd.load_iris(), standardise=True)


def wine() -> Dataset:
    return _classification("wine", skd.load_wine(), standardise=True)


def breast_cancer() -> Dataset:
    return _classification("breast_cancer", skd.load_breast_cancer(), standardise=True)


def diabetes() -> Dataset:
    """442 patients, 10 features, disease progression after a year (regression, target [1])."""
    bunch = skd.load_diabetes()
    x = torch.as_tensor(np.asarray(bunch.data, dtype=np.float32))
    y = torch.as_tensor(np.asarray(bunch.target, dtype=np.float32)).unsqueeze(1)
    return Dataset("diabetes", "tabular", "regression", x, y, feature_names=list(bunch.feature_names),
                   standardise=True, standardise_target=True)
