"""TrainingSettings: the project's `training` section as a dataclass, validated field by field."""
import copy
import math
from dataclasses import dataclass, field, fields

from .device import DEVICES
from i18n import N_

from .errors import TrainingError, unknown
from .losses import LOSSES
from .optimizers import DEFAULT_OPTIMIZER, check_optimizer
from .schedules import check_schedule


@dataclass
class TrainingSettings:
    dataset: str = "digits"             # data set name in trainers.DATASETS (or "csv")
    dataset_options: dict = field(default_factory=dict)  # e.g. {"noise": 0.2, "n_samples": 500} or {"path", "target"}
    loss: str = "CrossEntropyLoss"      # torch.nn loss class name (trainers.LOSSES)
    optimizer: dict = field(default_factory=lambda: dict(DEFAULT_OPTIMIZER))  # type + torch constructor args
    schedule: dict = field(default_factory=lambda: {"type": "none"})  # none | step | cosine | one-cycle (+ options)
    batch_size: int = 64                # samples per optimizer step
    epochs: int = 10                    # passes over the training split
    val_fraction: float = 0.2           # share of samples held out for validation (0 = none)
    grad_clip: float | None = None      # clip the global gradient norm to this value (None = off)
    early_stopping: int | None = None   # stop when val_loss has not improved for this many epochs (None = off)
    seed: int = 0                       # seeds weights, split and shuffling: same seed, same curve
    device: str = "auto"                # auto (cuda, then mps, then cpu) | cpu | cuda | mps
    amp: bool = False                   # bfloat16 mixed precision; used on CUDA only
    probes: dict = field(default_factory=lambda: {"enabled": True, "every": "auto"})  # every: "auto" or steps
    extra: dict = field(default_factory=dict, repr=False)  # unknown keys of the file, written back unchanged

    @classmethod
    def from_dict(cls, data: dict | None) -> "TrainingSettings":
        data = dict(data or {})
        names = {f.name for f in fields(cls)} - {"extra"}
        known = {k: data.pop(k) for k in list(data) if k in names}
        if isinstance(known.get("optimizer"), str):
            known["optimizer"] = {"type": known["optimizer"]}
        if isinstance(known.get("schedule"), str):
            known["schedule"] = {"type": known["schedule"]}
        if known.get("early_stopping") is not None and isinstance(known["early_stopping"], dict):
            known["early_stopping"] = known["early_stopping"].get("patience")
        settings = cls(**known, extra=data)
        settings.validate()
        return settings

    def to_dict(self) -> dict:
        out = {f.name: getattr(self, f.name) for f in fields(self) if f.name != "extra"}
        out = {k: (dict(v) if isinstance(v, dict) else v) for k, v in out.items()}
        return {**self.extra, **out}

    def validate(self) -> None:
        """Raise TrainingError naming the first bad field."""
        _positive_int("batch_size", self.batch_size)
        _positive_int("epochs", self.epochs)
        _positive_int("seed", self.seed, zero=True)
        if not isinstance(self.dataset, str):
            raise TrainingError(N_("training.dataset: expected a data set name, got {dataset!r}", dataset=self.dataset))
        if not isinstance(self.dataset_options, dict):
            raise TrainingError(N_("training.dataset_options: expected an object, got {dataset_options!r}",
                                   dataset_options=self.dataset_options))
        if self.loss not in LOSSES:
            raise unknown("loss", self.loss, LOSSES, "training.loss")
        if not isinstance(self.optimizer, dict):
            raise TrainingError(N_("training.optimizer: expected {{\"type\": ..., \"lr\": ...}}, got {optimizer!r}",
                                   optimizer=self.optimizer))
        check_optimizer(self.optimizer)
        check_schedule(self.schedule)
        if not (isinstance(self.val_fraction, (int, float)) and 0 <= self.val_fraction < 1):
            raise TrainingError(N_("training.val_fraction: expected a number in [0, 1), got {val_fraction!r}",
                                   val_fraction=self.val_fraction))
        if self.grad_clip is not None and not (isinstance(self.grad_clip, (int, float)) and 0 < self.grad_clip < math.inf):
            raise TrainingError(N_("training.grad_clip: expected a positive number or null, got {grad_clip!r}",
                                   grad_clip=self.grad_clip))
        if self.early_stopping is not None:
            _positive_int("early_stopping", self.early_stopping)
        if self.device not in DEVICES:
            raise unknown("device", self.device, DEVICES, "training.device")
        if not isinstance(self.amp, bool):
            raise TrainingError(N_("training.amp: expected true or false, got {amp!r}", amp=self.amp))
        every = (self.probes or {}).get("every", "auto")
        if every != "auto" and not (isinstance(every, int) and every > 0):
            raise TrainingError(N_("training.probes.every: expected \"auto\" or a positive integer, got {every!r}",
                                   every=every))


STARTER_FIELDS = ("dataset", "loss", "optimizer", "batch_size", "epochs", "val_fraction", "seed")
RANGES = {  # what a person may set each number to on the page (validate() holds the rules every run obeys)
    "batch_size": (1, 65536), "epochs": (1, 10000), "seed": (0, 2**31 - 1), "optimizer.lr": (1e-6, 10.0)}


def starter_training() -> dict:
    """The training section a new project starts with: the fields a person sets first, at their defaults."""
    defaults = TrainingSettings()
    return {name: copy.deepcopy(getattr(defaults, name)) for name in STARTER_FIELDS}


def _positive_int(name, value, zero=False):
    low = 0 if zero else 1
    if isinstance(value, bool) or not isinstance(value, int) or value < low:
        kind = "a non-negative" if zero else "a positive"
        raise TrainingError(N_("training.{name}: expected {kind} integer, got {value!r}",
                               name=name, kind=kind, value=value))
