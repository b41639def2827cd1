"""The server's capacity settings, each read from its environment variable when asked (so tests can set them)."""
from __future__ import annotations

import os

STORED_RUNS = 20     # runs kept per workspace (NEUROCANVAS_MAX_STORED_RUNS)
LINKS = 50           # short links per workspace (NEUROCANVAS_MAX_LINKS)
RUN_MEMORY_MB = 4096  # memory one training process may take beyond its warm start (NEUROCANVAS_RUN_MEMORY_MB)
RUN_GPU_MB = 2048    # GPU memory one run is assumed to need when the pool is sized to a GPU
WORKER_NICE = 10     # trainings yield the CPU to the server that draws the pages (NEUROCANVAS_WORKER_NICE)
MAX_EPOCHS = 10_000  # epochs one run may ask for, as the Epochs field allows (NEUROCANVAS_MAX_EPOCHS)
RUN_MINUTES = 30.0   # wall-clock minutes a run may hold a slot, paused or not (NEUROCANVAS_RUN_MINUTES)


def _number(name: str, default, kind=int):
    try:
        value = kind(os.environ.get(name) or default)
    except ValueError:
        return default  # a typo in the environment must not stop the server
    return value if value > 0 else default


def stored_runs() -> int:
    return _number("NEUROCANVAS_MAX_STORED_RUNS", STORED_RUNS)


def links_per_workspace() -> int:
    return _number("NEUROCANVAS_MAX_LINKS", LINKS)


def runs_per_workspace() -> int:
    """Concurrent runs one workspace may have; the rest of its requests wait in the queue."""
    return _number("NEUROCANVAS_RUNS_PER_WORKSPACE", 1)


def max_epochs() -> int:
    """Epochs one run may ask for; a project asking for more is refused before it is queued."""
    return _number("NEUROCANVAS_MAX_EPOCHS", MAX_EPOCHS)


def run_minutes() -> float:
    """Wall-clock minutes from a run's start (paused time counts: a paused run holds its slot) until it is stopped."""
    return _number("NEUROCANVAS_RUN_MINUTES", RUN_MINUTES, float)


def run_memory_mb() -> int:
    return _number("NEUROCANVAS_RUN_MEMORY_MB", RUN_MEMORY_MB)


def worker_nice() -> int:
    """How far below the server's CPU priority a training process runs (0-19; 0: the same): when every core
    trains, the pages still redraw on time and the trainings still use every idle cycle."""
    try:
        return max(0, min(19, int(os.environ.get("NEUROCANVAS_WORKER_NICE") or WORKER_NICE)))
    except ValueError:
        return WORKER_NICE


def pool_size() -> int:
    """Worker processes of the local pool: NEUROCANVAS_WORKERS, else the cores (and, with CUDA, what its memory holds)."""
    cores = os.cpu_count() or 1
    size = cores
    try:
        import torch
        if torch.cuda.is_available():
            total = torch.cuda.get_device_properties(0).total_memory  # no context in the server process
            size = min(cores, max(1, total // (RUN_GPU_MB * 2**20)))
    except Exception:  # no usable GPU: the cores decide
        pass
    return _number("NEUROCANVAS_WORKERS", size)


def max_trainings(pool: int) -> int:
    """The server-wide cap of concurrent trainings: NEUROCANVAS_MAX_TRAININGS, else the pool's size."""
    return _number("NEUROCANVAS_MAX_TRAININGS", pool)


def cpus_per_run() -> float:
    return _number("NEUROCANVAS_CPUS_PER_RUN", 1.0, float)


def gpus_per_run() -> float:
    gpus = os.environ.get("NEUROCANVAS_GPUS_PER_RUN")
    try:
        return max(0.0, float(gpus)) if gpus else 0.0
    except ValueError:
        return 0.0
