"""One training process of the local pool: connects back to the server and serves its run's job commands."""
from __future__ import annotations

import os
import pickle

from multiprocessing.connection import Client

from . import limits
from .host import JobHost, limit_memory


def serve(address: str, authkey: bytes, run_id: str, project, options: dict) -> None:
    """Run in a fresh fork of the warm zygote; returns when the server closes the run or goes away.

    project: the builder.Checked the registry was given (compiled as it is), or a plain project dict."""
    os.nice(limits.worker_nice())
    memory_mb = options.get("memory_mb")
    if memory_mb:
        limit_memory(memory_mb)
    conn = Client(address, authkey=authkey)
    conn.send(("hello", run_id, os.getpid()))
    host = JobHost(run_id, memory_mb)
    module = pickle.loads(options["module"]) if options.get("module") else None  # plain pickle: no shared memory
    host.start(project, bool(options.get("paused")), module)
    while True:
        try:
            seq, command, args = conn.recv()
        except (EOFError, OSError):  # the server went away: nobody can read this run any more
            return
        try:
            reply = (seq, "ok", host.call(command, *args))
        except Exception as exc:  # noqa: BLE001 - the server shows the text; this process lives on
            reply = (seq, "err", f"{type(exc).__name__}: {exc}")
        try:
            conn.send(reply)
        except (EOFError, OSError):
            return
        if command == "close":
            return
