"""NeuroCanvas trainers: offline data sets, the training loop, a background job with live metrics and probes."""
from .datasets import DATASETS, Dataset, dataset_options, describe, load_dataset
from .device import DEVICES, pick_device
from .errors import TrainingError
from .job import TrainingJob
from .loop import Callback, LoopData, train
from .losses import LOSSES
from .optimizers import DEFAULT_OPTIMIZER, OPTIMIZERS, optimizer_arguments
from .run import fit
from .schedules import SCHEDULES
from .settings import TrainingSettings, starter_training

__all__ = ["DATASETS", "Dataset", "dataset_options", "describe", "load_dataset", "DEVICES", "pick_device",
           "TrainingError", "TrainingJob", "Callback", "LoopData", "train", "LOSSES", "DEFAULT_OPTIMIZER", "OPTIMIZERS",
           "optimizer_arguments", "fit", "SCHEDULES", "TrainingSettings", "starter_training"]
