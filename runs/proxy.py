"""JobProxy: the job interface (start, pause, resume, step, stop, status, snapshot, weights) over a worker's connection."""
from __future__ import annotations

import itertools
import threading
import time

from i18n import _

from .ended import EndedJob, failed_snapshot
from .host import weights_from_bytes

CALL_S = 5.0       # a control command (pause waits up to 2 s in the worker)
SNAPSHOT_S = 1.0   # a page never waits longer than this for a snapshot: it shows the last one
FRESH_S = 0.2      # snapshots are fetched no more often than this, however many pages read them
CONNECT_S = 60.0   # a worker that has not connected by then never will


class WorkerLost(RuntimeError):
    """The worker's connection broke: it crashed, was killed or went over its memory limit."""


class JobProxy:
    """Stands for a TrainingJob that lives in another process. Thread-safe; one request at a time."""

    def __init__(self, run_id: str, on_close=None):
        self.run_id = run_id
        self.pid = None
        self._conn = None
        self._lock = threading.RLock()
        self._seq = itertools.count(1)
        self._born = time.monotonic()
        self._snap, self._snap_at = None, 0.0
        self._exit = None           # what the zygote saw the process die of
        self._ended = None          # an EndedJob once the run ended here (failed or closed)
        self._on_close = on_close
        self._stop_asked = False

    # ----- wiring (pool threads)
    def attach(self, conn, pid: int) -> None:
        with self._lock:
            self._conn, self.pid = conn, pid
        if self._stop_asked:  # Stop was pressed before the worker existed
            threading.Thread(target=self.stop, name="neurocanvas-stop", daemon=True).start()

    def exited(self, reason: str) -> None:
        """The worker process ended abnormally (reported by the zygote, or Ray)."""
        self._exit = reason
        with self._lock:
            if self._ended is None:
                self._lose(reason)

    # ----- the job interface
    def start(self) -> bool:
        return True  # the worker starts its run as soon as it exists

    def pause(self) -> bool:
        return bool(self._try("pause"))

    def resume(self) -> bool:
        return bool(self._try("resume"))

    def step(self) -> bool:
        return bool(self._try("step"))

    def stop(self) -> bool:
        self._stop_asked = True
        if self._conn is None and self._ended is None:
            return True  # sent as soon as the worker connects
        return bool(self._try("stop", timeout=CALL_S * 2))

    @property
    def status(self) -> str:
        return self.snapshot().get("status") or "running"

    @property
    def error(self):
        return self.snapshot().get("error")

    @property
    def running(self) -> bool:
        return self._ended is None

    def snapshot(self) -> dict:
        """The latest snapshot: fetched only when the last one is older than FRESH_S and has changed."""
        with self._lock:
            if self._ended is not None:
                return self._ended.snapshot()
            if self._snap is not None and time.monotonic() - self._snap_at < FRESH_S:
                return self._snap
            if self._conn is None:
                if time.monotonic() - self._born > CONNECT_S:
                    self._lose(_("the training process did not start within {s:.0f} s").format(s=CONNECT_S))
                    return self._ended.snapshot()
                return self._snap or _starting()
            since = (self._snap or {}).get("revision")
            fresh = self._try("snapshot", since, timeout=SNAPSHOT_S)
            if self._ended is not None:
                return self._ended.snapshot()
            if fresh is not None:
                self._snap = fresh
            self._snap_at = time.monotonic()
            return self._snap or _starting()

    def state_dict(self, timeout: float | None = None) -> dict:
        """The weights: from the worker while it lives, from disk once the run ended."""
        if self._ended is not None:
            return self._ended.state_dict()
        return weights_from_bytes(self._call("weights", timeout=timeout or 30.0))

    def process_id(self) -> int:
        """The id of the process that trains this run (on its own machine, for Ray)."""
        return self.pid or self._call("pid")

    def join(self, timeout: float | None = None) -> bool:
        return self._ended is not None

    def close(self, path=None) -> EndedJob:
        """End the worker: it writes the weights to `path`; afterwards this proxy holds only plain data."""
        with self._lock:
            if self._ended is None:
                final = self.snapshot()
                if self._ended is None:
                    self._ended = EndedJob(final, self._save_weights(path))
                    self._hang_up()
        if self._on_close:
            self._on_close(self.run_id)
        return self._ended

    def _save_weights(self, path):
        """The worker writes the weights to `path` and ends; the path, or None when it could not."""
        try:
            self._call("close", str(path) if path else None, timeout=60.0)
            return path
        except (WorkerLost, TimeoutError, RuntimeError):
            return None

    # ----- transport
    def _try(self, command: str, *args, timeout: float = CALL_S):
        if command != "snapshot":
            self._snap_at = 0.0  # a control command changes the status: the next read asks the worker
        try:
            return self._call(command, *args, timeout=timeout)
        except (WorkerLost, TimeoutError, RuntimeError):
            return None

    def _call(self, command: str, *args, timeout: float = CALL_S):
        with self._lock:
            if self._ended is not None or self._conn is None:
                raise RuntimeError(_("this run has no training process to ask"))
            seq = next(self._seq)
            deadline = time.monotonic() + timeout
            try:
                self._conn.send((seq, command, args))
                got = None
                while got != seq:  # replies to requests that timed out earlier are skipped
                    if not self._conn.poll(max(0.0, deadline - time.monotonic())):
                        break
                    got, kind, value = self._conn.recv()
            except (EOFError, OSError) as exc:
                self._lose(self._wait_exit() or _("the training process ended unexpectedly ({e})").format(e=exc))
                raise WorkerLost(self._ended.snapshot()["error"]) from None
            if got != seq:
                raise TimeoutError(f"the training process did not answer '{command}' in {timeout:.0f} s")
            if kind == "err":
                raise RuntimeError(value)
            return value

    def _wait_exit(self, wait_s: float = 1.0) -> str | None:
        """The zygote reports how the process died a moment after its connection broke."""
        end = time.monotonic() + wait_s
        while self._exit is None and time.monotonic() < end:
            time.sleep(0.02)
        return self._exit

    def _lose(self, reason: str) -> None:
        self._ended = EndedJob(failed_snapshot(self._snap, reason), None)
        self._hang_up()
        if self._on_close:
            self._on_close(self.run_id)

    def _hang_up(self) -> None:
        conn, self._conn = self._conn, None
        if conn is not None:
            try:
                conn.close()
            except OSError:
                pass


def _starting() -> dict:
    return {"schema": 1, "revision": 0, "status": "running", "message": _("Starting a training process…"),
            "error": None, "settings": {}, "progress": None, "steps": {}, "epochs": {}, "probes": None}
