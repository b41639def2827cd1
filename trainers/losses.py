"""Loss functions keyed by their torch class name, and how targets and outputs are matched to them."""
import torch
from torch import nn

from i18n import N_

from .errors import TrainingError, unknown

LOSSES = {
    "CrossEntropyLoss": nn.CrossEntropyLoss,
    "NLLLoss": nn.NLLLoss,
    "BCEWithLogitsLoss": nn.BCEWithLogitsLoss,
    "MSELoss": nn.MSELoss,
    "L1Loss": nn.L1Loss,
    "HuberLoss": nn.HuberLoss,
}
CLASS_INDEX_LOSSES = ("CrossEntropyLoss", "NLLLoss")  # targets are class indices, outputs are scores


def make_loss(name: str) -> nn.Module:
    if name not in LOSSES:
        raise unknown("loss", name, LOSSES, "training.loss")
    return LOSSES[name]()


def compute_loss(loss_fn: nn.Module, output: torch.Tensor, target: torch.Tensor) -> torch.Tensor:
    """Class-index losses over the last dim: (B, V) or (B, T, V) scores with (B,) or (B, T) targets."""
    if isinstance(loss_fn, (nn.CrossEntropyLoss, nn.NLLLoss)) and output.dim() > 2:
        return loss_fn(output.reshape(-1, output.shape[-1]), target.reshape(-1))
    return loss_fn(output, target)


def adapt_target(y: torch.Tensor, loss: str, output_shape: tuple, n_classes: int | None,
                 output_node: str) -> torch.Tensor:
    """Turn the data set's targets into what `loss` expects for a model whose output is `output_shape`.

    y: (N,) or (N, T) class indices for classification, (N, *shape) floats for regression.
    """
    out = tuple(output_shape)
    classes = y.dtype == torch.long
    if loss in CLASS_INDEX_LOSSES:
        if not classes:
            raise TrainingError(N_("training.loss: {loss} needs class labels, but the data set is a regression task "
                                   "(use MSELoss, L1Loss or HuberLoss)",
                                   loss=loss))
        if not out or out[-1] < n_classes or tuple(out[:-1]) != tuple(y.shape[1:]):
            want = list(y.shape[1:]) + [n_classes]
            raise TrainingError(N_("output node '{output_node}' gives {value}, but {loss} on this data set needs "
                                   "{want} (one score per class for each of {n_classes} classes)",
                                   output_node=output_node, value=list(out), loss=loss, want=want, n_classes=n_classes))
        return y
    if classes:  # BCE / MSE on class labels: one-hot (or one 0/1 number for 2 classes: [1] or [])
        if out in ((1,), ()) and n_classes == 2 and y.dim() == 1:
            return y.float().reshape(len(y), *out)
        if out == tuple(y.shape[1:]) + (n_classes,):
            return nn.functional.one_hot(y, n_classes).float()
        want = list(y.shape[1:]) + [n_classes]
        raise TrainingError(N_("output node '{output_node}' gives {got}, but {loss} on {n_classes} classes needs {want} "
                               "or [1] or []", output_node=output_node, got=list(out), loss=loss, n_classes=n_classes, want=want)
                            if n_classes == 2 else
                            N_("output node '{output_node}' gives {got}, but {loss} on {n_classes} classes needs {want}",
                               output_node=output_node, got=list(out), loss=loss, n_classes=n_classes, want=want))
    if y[0].numel() != _numel(out):
        raise TrainingError(N_("output node '{output_node}' gives {got} ({got_n} values), but the targets are "
                               "{want} ({want_n} values)", output_node=output_node, got=list(out), got_n=_numel(out),
                               want=list(y.shape[1:]), want_n=y[0].numel()))
    return y.reshape(len(y), *out)


def _numel(shape) -> int:
    n = 1
    for s in shape:
        n *= s
    return n
