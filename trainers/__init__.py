"""NeuroCanvas trainers: offline data sets, the training loop, a background job with live metrics and probes."""
from .datasets import DATASETS, Dataset, dataset_options, describe, load_dataset
from .device import pick_device
from .errors import TrainingError
from .job import TrainingJob
from .loop import Callback, LoopData, train
from .losses import LOSSES
from .optimizers import OPTIMIZERS, optimizer_arguments
from .run import fit
from .schedules import SCHEDULES
from .settings import TrainingSettings

__all__ = ["DATASETS", "Dataset", "dataset_options", "describe", "load_dataset", "pick_device", "TrainingError",
           "TrainingJob", "Callback", "LoopData", "train", "LOSSES", "OPTIMIZERS", "optimizer_arguments", "fit",
           "SCHEDULES", "TrainingSettings"]
