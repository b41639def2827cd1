"""What a training section asks of the network, as builder's plain Signature; and the trainers' door for a project.

builder's agree pass compares the checked graph with the signature (builder never loads data); trainers makes
it here, reading the data set once per data set and options.
"""
from __future__ import annotations

import functools
import hashlib
import json
import threading

import builder
from builder.agree import BINARY, CLASS_INDEX, VALUES, Signature
from builder.fixes import with_fixes
from builder.frozen import is_frozen

from .datasets import load_outline
from .errors import TrainingError
from .losses import CLASS_INDEX_LOSSES
from .settings import TrainingSettings

REGRESSION_LOSS = "MSELoss"  # what a fix proposes for values
BINARY_LOSSES = ("BCEWithLogitsLoss",)  # one logit per sample is enough for two classes
_last_options: list = [None, None]  # (options object, its key): an unchanged (frozen) section is not hashed again
_options_lock = threading.Lock()


def signature(training) -> Signature | None:
    """The Signature of a training section; None when its settings are not valid (they are named at Train)."""
    try:
        settings = TrainingSettings.from_dict(training)
    except Exception:  # a bad setting is reported where settings are checked
        return None
    options = settings.dataset_options
    loaded = not (settings.dataset == "csv" and not (options.get("text") or options.get("path")))
    return _signature(settings.dataset if loaded else None, _Options.of(training, options) if loaded else None,
                      settings.loss, settings.batch_size, str(settings.optimizer.get("type")))


class _Options:
    """Data-set options that hash by a digest of their content (a CSV of a few MB is hashed once per section)."""

    __slots__ = ("key", "value")

    def __init__(self, key: str, value: dict):
        self.key, self.value = key, value

    def __hash__(self) -> int:
        return hash(self.key)

    def __eq__(self, other) -> bool:
        return isinstance(other, _Options) and other.key == self.key

    @classmethod
    def of(cls, training, options: dict) -> "_Options":
        raw = training.get("dataset_options") if isinstance(training, dict) else None
        with _options_lock:
            if is_frozen(raw) and raw is _last_options[0]:  # the same read-only section as the last time
                return _last_options[1]
        made = cls(hashlib.sha1(json.dumps(options, sort_keys=True, default=str).encode()).hexdigest(), options)
        with _options_lock:
            _last_options[:] = [raw, made]
        return made


@functools.lru_cache(maxsize=32)  # an uploaded CSV or picture zip is a few MB: keep a few
def _signature(dataset: str | None, options: _Options | None, loss: str, batch_size: int,
               optimizer: str) -> Signature:
    kind = CLASS_INDEX if loss in CLASS_INDEX_LOSSES else BINARY if loss in BINARY_LOSSES else VALUES
    common = {"batch_size": batch_size, "optimizer": optimizer, "loss": loss, "loss_kind": kind,
              "fix_losses": (REGRESSION_LOSS, CLASS_INDEX_LOSSES[0])}
    try:
        data = load_outline(dataset, **options.value) if dataset is not None else None  # pictures: never decoded
    except Exception:  # an unreadable data set is reported where it is loaded (its preview, Train)
        data = None
    if data is None:
        return Signature(**common)
    return Signature(**common, data=data.name, input_shape=tuple(data.input_shape), dtype=data.dtype, task=data.task,
                     n_classes=int(data.n_classes or 0), target_shape=tuple(data.target_shape),
                     image_shape=tuple(data.image_shape) if data.image_shape else None)


def checked(source) -> builder.Checked:
    """The door of trainers: a project (path, dict, builder.Project or Checked) parsed once, checked and agreed
    with its data and loss; a Checked that was agreed already is returned as it is."""
    if isinstance(source, builder.Checked):
        if source.signature is not None:
            return source
        return builder.checked(source.project, signature(source.training), source.doc)
    try:
        project = builder.load_project(source)
    except builder.ProjectError as exc:
        raise TrainingError(str(exc)) from None
    return builder.checked(project, signature(project.training))


def refusal(value: builder.Checked) -> str | None:
    """Why `value` cannot train (every error, each with its fixes), or None."""
    if value.ok:
        return None
    return "; ".join(describe(p) for p in with_fixes(value).report.errors)


def describe(problem) -> str:
    """'out: gives [64]… (Fix: set out.out_features to 10)' for the command line and error messages."""
    fixes = "; ".join(f.label for f in problem.fixes)
    return f"{problem} ({fixes})" if fixes else str(problem)
