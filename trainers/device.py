"""Choose the training device and the CPU thread count."""
import os

import torch

from i18n import N_

from .errors import TrainingError

DEVICES = ("auto", "cpu", "cuda", "mps")


def _mps_available() -> bool:
    mps = getattr(torch.backends, "mps", None)
    return bool(mps and mps.is_available())


def pick_device(name: str = "auto") -> torch.device:
    """'auto' means cuda, then mps, then cpu; asking for a missing accelerator is an error."""
    if name == "auto":
        if torch.cuda.is_available():
            return torch.device("cuda")
        return torch.device("mps" if _mps_available() else "cpu")
    if name == "cuda" and not torch.cuda.is_available():
        raise TrainingError(N_("training.device: 'cuda' was asked for but no CUDA GPU is available "
                               "(use 'auto' or 'cpu')"))
    if name == "mps" and not _mps_available():
        raise TrainingError(N_("training.device: 'mps' was asked for but Apple MPS is not available "
                               "(use 'auto' or 'cpu')"))
    if name not in DEVICES:
        raise TrainingError(N_("training.device: unknown device '{name}'; choices: {value}",
                               name=name, value=', '.join(DEVICES)))
    return torch.device(name)


def cpu_threads(cores: int | None = None) -> int:
    """Half the cores, at most 8: the UI server and other sessions need the rest.

    Measured on 2 cores: 1 thread trained faster than 2 beside a Streamlit server, which needs a core to stay live.
    """
    cores = cores or os.cpu_count() or 1
    return max(1, min(8, cores // 2))
