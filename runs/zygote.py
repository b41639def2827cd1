"""The warm parent of every local training process: imports torch and trainers once, then forks one child per run.

Started by runs.pool as `python -m runs.zygote ADDRESS` (the auth key comes on stdin), never from the
Streamlit script: a fork of this process is ready to train in milliseconds, with its own memory and RNG.
"""
from __future__ import annotations

import os
import signal
import sys
from multiprocessing.connection import Client, wait

REPORT_S = 0.2  # how often ended children are reaped and reported
PRELOAD = ("digits", "iris", "wine", "breast_cancer", "diabetes")  # the small built-in sets the lessons use


def preload() -> None:
    """Import what every run needs (4-7 s on a loaded machine), without running any parallel torch op."""
    import torch
    torch.set_num_threads(1)  # no OpenMP pool before fork(); each run sets its own thread count
    import trainers.datasets
    from trainers.loop import train  # noqa: F401  (imports torch._dynamo, slow on its first use)
    for name in PRELOAD:  # cached by the loader: a fork finds them in memory (shared copy-on-write)
        try:
            trainers.datasets.load_dataset(name)
        except Exception:  # noqa: BLE001 - a data set that cannot load here fails in its run, with its reason
            pass


def describe(status: int) -> str:
    """What happened to a child, for people (the server puts it in the failed run's error)."""
    if os.WIFSIGNALED(status):
        sig = os.WTERMSIG(status)
        name = signal.Signals(sig).name if sig in signal.Signals._value2member_map_ else f"signal {sig}"
        why = {"SIGKILL": "it was killed (kill -9, or the system ran out of memory)",
               "SIGABRT": "it crashed (the interpreter or a library called abort)",
               "SIGSEGV": "it crashed (a segmentation fault)"}.get(name, "it was stopped by a signal")
        return f"the training process ended abruptly: {why} ({name})"
    return f"the training process ended unexpectedly with exit code {os.WEXITSTATUS(status)}"


def fork_run(control, address: str, authkey: bytes, run_id: str, project, options: dict) -> int:
    """A child that trains `project` (a builder.Checked or a plain dict; see runs.worker.serve)."""
    pid = os.fork()
    if pid:
        return pid
    code = 0
    try:
        control.close()
        signal.signal(signal.SIGCHLD, signal.SIG_DFL)
        from .worker import serve
        serve(address, authkey, run_id, project, options)
    except BaseException:  # noqa: BLE001 - the server learns of it through the exit code
        code = 1
    finally:
        os._exit(code)


def main() -> None:
    address = sys.argv[1]
    authkey = sys.stdin.buffer.read(32)
    preload()
    control = Client(address, authkey=authkey)
    control.send(("zygote", os.getpid()))
    children: dict[int, str] = {}
    while True:
        if wait([control], timeout=REPORT_S):
            try:
                _, run_id, project, options = control.recv()
            except (EOFError, OSError):  # the server is gone: so is every reason to fork
                break
            children[fork_run(control, address, authkey, run_id, project, options)] = run_id
        while children:
            try:
                pid, status = os.waitpid(-1, os.WNOHANG)
            except ChildProcessError:  # every child was reaped already
                children.clear()
                break
            if not pid:
                break
            run_id = children.pop(pid, None)
            if run_id and (os.WIFSIGNALED(status) or os.WEXITSTATUS(status)):
                control.send(("exit", run_id, describe(status)))


if __name__ == "__main__":
    main()
