"""Does the checked network agree with its data and loss? A pure pass over the report and a plain `Signature`.

builder never loads data: trainers reads the data set once and hands over its signature (shapes, dtype, task,
classes) with what the training settings resolve to (loss, batch size, optimizer). The problems found here carry
a `rule` naming what they are about; their fixes are made only for the problems shown (builder.fixes).
"""
from __future__ import annotations

import math
from dataclasses import dataclass

from i18n import N_

from .report import Problem, Report
from .shapes import shown

CLASS_INDEX = "class_index"  # the loss takes class indices and one score per class (CrossEntropyLoss, NLLLoss)
BINARY = "binary"            # one logit per sample for two classes is allowed too (BCEWithLogitsLoss)
VALUES = "values"            # the loss compares values (MSELoss, L1Loss, HuberLoss...)


@dataclass(frozen=True)
class Signature:
    """What a training section asks of the network, as plain data (made by trainers.agreement.signature)."""

    batch_size: int                     # samples per step, as the training settings resolve it
    optimizer: str                      # torch optimizer class name (the budget counts its state)
    loss: str                           # torch loss class name
    loss_kind: str                      # CLASS_INDEX | BINARY | VALUES
    data: str | None = None             # the data set's name; None when it cannot be read (nothing to agree with)
    input_shape: tuple = ()             # one sample, no batch axis
    dtype: str = "float"                # "float" | "long" (token ids)
    task: str = "regression"            # "classification" | "regression"
    n_classes: int = 0
    target_shape: tuple = ()            # one target, no batch axis (classes: the axes before the class axis)
    image_shape: tuple | None = None    # (H, W) when a sample is a picture
    fix_losses: tuple = ("MSELoss", "CrossEntropyLoss")  # the losses a fix proposes: for values, for classes

    @property
    def classes(self) -> bool:
        return self.task == "classification"

    def want(self) -> tuple | None:
        """The output shape the data and loss ask for; None when the data set is not known."""
        if self.data is None:
            return None
        if self.classes:
            return tuple(self.target_shape) + (int(self.n_classes),)
        return tuple(self.target_shape) or (1,)


def agree(report: Report, signature: Signature | None) -> tuple[list[Problem], list[Problem]]:
    """(errors, warnings): the Input against the data, the output against loss and targets, and weights.

    Nothing is said while the graph itself has errors (its own problems come first)."""
    if not report.ok or report.output_node not in report.shapes:
        return [], []
    if report.total_params == 0:  # before the output: the Linear its fix adds also gives the right size
        return [Problem(report.output_node, N_("the network has no trainable parameters: nothing can learn. Add a "
                                               "layer with weights (Linear, Conv2d...)"), None, rule="no_weights")], []
    if signature is None or signature.data is None:
        return [], []
    errors = _input(report, signature) + _loss(report, signature)
    return (errors, []) if errors else _output(report, signature)


def _input(report: Report, sig: Signature) -> list[Problem]:
    nid = report.input_node
    shape, natural = report.shapes[nid], tuple(sig.input_shape)
    if math.prod(shape) != math.prod(natural):
        message = N_("gives {shape} ({n} values), but data set '{data}' has {natural} per sample ({m} values)",
                     shape=list(shape), n=math.prod(shape), data=sig.data, natural=list(natural),
                     m=math.prod(natural))
        return [Problem(nid, message, "shape", rule="input_size")]
    if report.dtypes[nid] != sig.dtype:
        message = N_("has dtype '{dtype}', but data set '{data}' gives {kind} values", dtype=report.dtypes[nid],
                     data=sig.data, kind=sig.dtype)
        return [Problem(nid, message, "dtype", rule="input_dtype")]
    return []


def _loss(report: Report, sig: Signature) -> list[Problem]:
    """The loss against the task, whatever the network: a class loss on values."""
    if sig.loss_kind == CLASS_INDEX and not sig.classes:
        return [Problem(report.output_node, N_("{loss} needs class labels, but '{data}' is a regression task",
                                               loss=sig.loss, data=sig.data), "loss", rule="class_loss")]
    return []


def _output(report: Report, sig: Signature) -> tuple[list[Problem], list[Problem]]:
    out, nid = tuple(report.shapes[report.output_node]), report.output_node
    want = sig.want()
    one_logit = sig.classes and sig.n_classes == 2 and sig.loss_kind == BINARY and not sig.target_shape
    allowed = {want} | ({(1,), ()} if one_logit else set())  # two classes: one logit, [1] or [] (one number)
    if out in allowed or (not sig.classes and math.prod(out) == math.prod(want)):
        if sig.classes and sig.loss_kind == VALUES:
            return [], [Problem(nid, N_("{loss} on class labels compares one-hot vectors; CrossEntropyLoss is the loss "
                                        "made for classes", loss=sig.loss), "loss", rule="values_loss")]
        return [], []
    if sig.classes:
        message = N_("gives {out}, but {loss} on '{data}' needs {want}: one score for each of its {n} classes",
                     out=shown(out), loss=sig.loss, data=sig.data, want=list(want), n=sig.n_classes)
    else:
        message = N_("gives {out}, but the targets of '{data}' are {want}", out=shown(out), data=sig.data,
                     want=list(want))
    return [Problem(nid, message, None, rule="output")], []
