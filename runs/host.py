"""The worker side of the job interface: one TrainingJob in this process, driven by named commands (pool or Ray)."""
from __future__ import annotations

import os
import pickle
import time

MAX_SNAPSHOT_BYTES = 8 * 2**20  # a snapshot bigger than this travels without its probe pictures
MEMORY_WORDS = ("can't allocate memory", "not enough memory", "MemoryError", "out of memory", "std::bad_alloc")
COMMANDS = ("start", "pause", "resume", "step", "stop", "status", "snapshot", "weights", "close", "pid")


class JobHost:
    """Owns the TrainingJob of one run; every public method is a command of the job interface."""

    def __init__(self, run_id: str, memory_mb: int | None = None):
        self.run_id, self.memory_mb = run_id, memory_mb
        self.job = None
        self.error = None  # why the job could not even be created
        self.settings = {}

    def call(self, command: str, *args):
        if command not in COMMANDS:
            raise ValueError(f"unknown job command '{command}'")
        return getattr(self, command)(*args)

    def start(self, project, paused: bool = False, module=None) -> bool:
        """Build and start the run: the project's graph, or a hand-written nn.Module with the project's training.

        project: a builder.Checked agreed with its data (compiled as it is: not parsed nor checked again here),
        or a plain dict (parsed and checked by the trainers' door)."""
        from trainers import TrainingJob
        training = project.training if hasattr(project, "training") else (
            project.get("training") if isinstance(project, dict) else None)
        self.settings = dict(training or {})
        try:
            self.job = TrainingJob(project) if module is None else TrainingJob.from_module(module, self.settings)
            self.job.start()
            if paused:
                self.job.pause()
        except BaseException as exc:  # noqa: BLE001 - a bad project, data set or memory: the run fails with it
            self.job, self.error = None, self._explain(f"{type(exc).__name__}: {exc}" if not _plain(exc) else str(exc))
        return self.error is None

    def pause(self) -> bool:
        return bool(self.job and self.job.pause())

    def resume(self) -> bool:
        return bool(self.job and self.job.resume())

    def step(self) -> bool:
        return bool(self.job and self.job.step())

    def stop(self) -> bool:
        return bool(self.job.stop()) if self.job else True

    def status(self) -> str:
        return self.job.status if self.job else ("failed" if self.error else "idle")

    def snapshot(self, since: int | None = None) -> dict | None:
        """The job's snapshot, or None when its revision is still `since` (nothing new to send)."""
        if self.job is None:
            return {"schema": 1, "revision": 1, "status": "failed" if self.error else "idle", "message": None,
                    "error": self.error, "settings": self.settings, "progress": None, "steps": {}, "epochs": {},
                    "probes": None}
        snap = self.job.snapshot()
        if since is not None and snap["revision"] == since:
            return None
        if snap.get("error"):
            snap["error"] = self._explain(snap["error"])
        if len(pickle.dumps(snap.get("probes"), protocol=5)) > MAX_SNAPSHOT_BYTES:
            snap["probes"] = None
        return snap

    def weights(self) -> bytes:
        """A CPU copy of the weights (a consistent one, also while it trains), as torch.save bytes: plain data
        on the wire (no shared-memory handles), read back with weights_from_bytes."""
        import io

        import torch
        if self.job is None:
            raise RuntimeError("this run has no model: it failed before training began")
        buffer = io.BytesIO()
        torch.save(self.job.state_dict(), buffer)
        return buffer.getvalue()

    def pid(self) -> int:
        """The process that trains this run (tests and benchmarks kill or measure it)."""
        return os.getpid()

    def close(self, path: str | None = None) -> bool:
        """End the run and write its weights to `path` (torch.save of the state_dict) for the server to read."""
        if self.job is None:
            return False
        self.job.stop()
        if path:
            import torch
            os.makedirs(os.path.dirname(path), exist_ok=True)
            tmp = f"{path}.{os.getpid()}.{time.monotonic_ns()}.part"
            torch.save(self.job.state_dict(), tmp)
            os.replace(tmp, path)  # readers never see half a file
        return True

    def _explain(self, error: str) -> str:
        """Name the memory limit when the run died of it (the OS refused an allocation)."""
        if self.memory_mb and any(w in error for w in MEMORY_WORDS):
            return (f"the run needed more memory than its limit of {self.memory_mb:,} MB "
                    f"(NEUROCANVAS_RUN_MEMORY_MB): {error[:300]}")
        return error


def weights_from_bytes(data: bytes) -> dict:
    import io

    import torch
    return torch.load(io.BytesIO(data), map_location="cpu", weights_only=True)


def _plain(exc: BaseException) -> bool:
    from trainers import TrainingError
    return isinstance(exc, TrainingError)


def limit_memory(extra_mb: int) -> None:
    """Let this process grow by at most `extra_mb` of private writable memory (RLIMIT_DATA, enforced by the OS)."""
    import resource
    base = _vm_data_bytes()
    soft = base + extra_mb * 2**20
    _, hard = resource.getrlimit(resource.RLIMIT_DATA)
    if hard != resource.RLIM_INFINITY:
        soft = min(soft, hard)
    resource.setrlimit(resource.RLIMIT_DATA, (soft, hard))


def _vm_data_bytes() -> int:
    with open("/proc/self/status") as f:
        for line in f:
            if line.startswith("VmData:"):
                return int(line.split()[1]) * 1024
    return 0
