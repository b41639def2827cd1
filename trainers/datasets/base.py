"""Dataset: tensors plus what the UI and the loop need to know about them."""
from dataclasses import dataclass

import torch

from i18n import N_

from ..errors import TrainingError


@dataclass(eq=False)
class Dataset:
    name: str                        # catalogue key
    kind: str                        # tabular | image | points2d | series | tokens
    task: str                        # classification | regression
    x: torch.Tensor                  # (N, *input_shape) float32, or long token ids
    y: torch.Tensor                  # (N,) / (N, T) long class ids, or (N, *target_shape) float32
    n_classes: int | None = None     # classes (token vocabulary for token tasks)
    class_names: list | None = None
    feature_names: list | None = None
    standardise: bool = False        # standardise x per feature with train-split statistics
    standardise_target: bool = False  # the same for regression targets
    ordered: bool = False            # split chronologically (time series) instead of at random
    image_shape: tuple | None = None  # (H, W) to draw one sample as a picture
    augment: object = None           # callable(x_batch) -> x_batch applied to training batches, or None

    @property
    def input_shape(self) -> tuple:
        return tuple(self.x.shape[1:])

    @property
    def target_shape(self) -> tuple:
        return tuple(self.y.shape[1:])

    @property
    def dtype(self) -> str:
        return "long" if self.x.dtype == torch.long else "float"

    def __len__(self) -> int:
        return len(self.x)

    def adapt(self, shape, node: str = "input", dtype: str | None = None) -> torch.Tensor:
        """x reshaped to an Input node's shape of the same element count: [64] <-> [1, 8, 8]."""
        shape = tuple(int(s) for s in shape)
        per_sample = self.x[0].numel()
        want = 1
        for s in shape:
            want *= s
        if want != per_sample:
            raise TrainingError(N_("data set '{name}' gives {value} per sample ({per_sample} values), but Input node "
                                   "'{node}' expects {value2} ({want} values)",
                                   name=self.name, value=list(self.input_shape), per_sample=per_sample, node=node,
                                   value2=list(shape), want=want))
        if dtype is not None and dtype != self.dtype:
            raise TrainingError(N_("data set '{name}' gives {dtype} values, but Input node '{node}' has dtype "
                                   "'{dtype2}'",
                                   name=self.name, dtype=self.dtype, node=node, dtype2=dtype))
        return self.x.reshape(len(self.x), *shape)

    def info(self) -> dict:
        return {"name": self.name, "kind": self.kind, "task": self.task, "input_shape": list(self.input_shape),
                "target_shape": list(self.target_shape), "n_classes": self.n_classes,
                "class_names": self.class_names, "feature_names": self.feature_names}
