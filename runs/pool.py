"""The embedded default backend: a warm zygote process that forks one training process per run, and their proxies."""
from __future__ import annotations

import atexit
import os
import pickle
import secrets
import shutil
import subprocess
import sys
import tempfile
import threading
from multiprocessing.connection import Listener
from pathlib import Path


from . import limits
from .proxy import JobProxy

ROOT = str(Path(__file__).resolve().parent.parent)  # the repository: `python -m runs.zygote` runs from here
HELLO_S = 10.0  # a connection that does not say who it is in time is dropped


class LocalPool:
    """Runs train in forks of one warm process (torch and trainers imported once), each with its own memory and RNG."""

    name = "pool"

    def __init__(self, size: int | None = None, memory_mb: int | None = None):
        self.size = size or limits.pool_size()
        self.memory_mb = limits.run_memory_mb() if memory_mb is None else memory_mb
        self._lock = threading.Lock()
        self._proxies: dict[str, JobProxy] = {}
        self._waiting: dict[str, tuple] = {}  # run id -> fork request not yet answered by its worker
        self._control = None
        self._zygote = None
        self._listener = None
        self._warm = threading.Event()  # set while a zygote is connected and ready to fork

    # ----- life of the pool
    def start(self) -> None:
        """Start the zygote now (it takes seconds to import torch), so the first Train does not wait. Idempotent."""
        with self._lock:
            if self._listener is not None:
                return
            self._authkey = secrets.token_bytes(32)
            self._dir = tempfile.mkdtemp(prefix="neurocanvas-pool-")
            self._listener = Listener(os.path.join(self._dir, "pool.sock"), family="AF_UNIX", authkey=self._authkey)
            self._spawn()
        threading.Thread(target=self._accept_forever, name="neurocanvas-pool", daemon=True).start()
        atexit.register(self.shutdown)

    def ready(self, timeout: float | None = None) -> bool:
        """Wait until the workers are warm (tests and benchmarks; the page never waits on it)."""
        self.start()
        return self._warm.wait(timeout)

    def shutdown(self) -> None:
        """Stop the zygote; running workers notice their server is gone and end."""
        with self._lock:
            listener, self._listener = self._listener, None
            zygote, self._zygote = self._zygote, None
        if listener is not None:
            listener.close()
            shutil.rmtree(self._dir, ignore_errors=True)
        if zygote is not None and zygote.poll() is None:
            zygote.kill()
            zygote.wait(5)

    def _spawn(self) -> None:
        paths = [ROOT] + [p for p in sys.path if p and os.path.isdir(p)]  # workers import what the server can
        env = {**os.environ, "PYTHONPATH": os.pathsep.join(dict.fromkeys(paths))}
        self._zygote = subprocess.Popen([sys.executable, "-m", "runs.zygote", self._listener.address],
                                        stdin=subprocess.PIPE, cwd=ROOT, env=env)
        self._zygote.stdin.write(self._authkey)
        self._zygote.stdin.close()

    # ----- runs
    def launch(self, run_id: str, project, paused: bool = False, module=None) -> JobProxy:
        """A proxy at once; the run starts in its own process as soon as the zygote forks it (milliseconds when warm).

        `project`: the builder.Checked to train (pickled as it is: the worker does not parse or check it again), or
        a plain project dict.

        `module`: a hand-written nn.Module to train instead of the project's graph (pickled: its class must be
        importable by the workers, which see the server's sys.path)."""
        self.start()
        proxy = JobProxy(run_id, on_close=self._forget)
        request = ("fork", run_id, project, {"memory_mb": self.memory_mb, "paused": paused,
                                          "module": pickle.dumps(module) if module is not None else None})
        with self._lock:
            self._proxies[run_id] = proxy
            self._waiting[run_id] = request
            if self._control is not None:
                self._control.send(request)
        return proxy

    def reattach(self, run_id: str):
        return None  # local workers end with the server that started them

    def pids(self) -> dict[str, int]:
        """Worker process id per live run (tests and benchmarks kill or measure them)."""
        with self._lock:
            return {rid: p.pid for rid, p in self._proxies.items() if p.pid}

    def _forget(self, run_id: str) -> None:
        with self._lock:
            self._proxies.pop(run_id, None)
            self._waiting.pop(run_id, None)

    # ----- connections from the zygote and its children
    def _accept_forever(self) -> None:
        while True:
            listener = self._listener
            if listener is None:
                return
            try:
                conn = listener.accept()
                hello = conn.recv() if conn.poll(HELLO_S) else None
            except Exception:  # noqa: BLE001 - a bad or closed connection: the listener lives on
                if self._listener is None:
                    return
                continue
            if isinstance(hello, tuple) and hello[:1] == ("zygote",):
                self._adopt_zygote(conn)
            elif isinstance(hello, tuple) and len(hello) == 3 and hello[0] == "hello":
                with self._lock:
                    self._waiting.pop(hello[1], None)
                    proxy = self._proxies.get(hello[1])
                if proxy is None:
                    conn.close()
                else:
                    proxy.attach(conn, hello[2])
            else:
                conn.close()

    def _adopt_zygote(self, conn) -> None:
        with self._lock:
            self._control = conn
            for request in self._waiting.values():  # Train pressed before the zygote was warm
                conn.send(request)
            self._warm.set()
        threading.Thread(target=self._read_control, args=(conn,), name="neurocanvas-zygote", daemon=True).start()

    def _read_control(self, conn) -> None:
        while True:
            try:
                kind, run_id, reason = conn.recv()
            except (EOFError, OSError):
                break
            with self._lock:
                proxy = self._proxies.get(run_id) if kind == "exit" else None
            if proxy is not None:
                proxy.exited(reason)
        with self._lock:  # the zygote died: start another; forks it never made are asked of the new one
            self._control = None
            self._warm.clear()
            if self._listener is not None:
                self._spawn()
