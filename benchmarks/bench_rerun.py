"""The server's cost of one rerun: an inspector edit on a residual MLP of 60 and 200 nodes, as bench_app.py makes it
(linear1.out_features), timed around the page's script run in AppTest (wall and the script thread's CPU time; the
CPU time holds on a loaded machine, the wall time is what a person waits for). Prints one line per size.

    .venv/bin/python benchmarks/bench_rerun.py [--rounds 10] [60 200]
"""
from __future__ import annotations

import argparse
import os
import pathlib
import statistics
import sys
import tempfile
import time

REPO = pathlib.Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))
os.environ.setdefault("NEUROCANVAS_DATA", tempfile.mkdtemp(prefix="nc-bench-rerun-"))

import streamlit.runtime.scriptrunner.script_runner as script_runner  # noqa: E402

from builder.layout import auto_layout  # noqa: E402
from tests.apptest_helpers import app, inject  # noqa: E402
from tests.graph_factory import residual_chain  # noqa: E402

_runs: list[tuple[float, float]] = []  # (wall, CPU) of each script run
_real = script_runner.exec_func_with_error_handling


def _timed(func, ctx):
    wall, cpu = time.perf_counter(), time.thread_time()
    try:
        return _real(func, ctx)
    finally:
        _runs.append((time.perf_counter() - wall, time.thread_time() - cpu))


script_runner.exec_func_with_error_handling = _timed


def edit_reruns(n: int, rounds: int) -> tuple[list[float], list[float]]:
    """(wall, CPU) seconds of the script runs an inspector edit causes, one pair per edit."""
    project = {"format": "neurocanvas/1", "name": "big", "description": "", "graph": auto_layout(residual_chain(n)),
               "training": {"dataset": "digits", "epochs": 1}}
    at = inject(app(), project, selected_node="linear1")
    walls, cpus = [], []
    for k in range(rounds):
        next(w for w in at.number_input if w.label == "out_features").set_value(70 + k)
        del _runs[:]
        at.run()
        assert not at.exception, [e.message for e in at.exception]
        walls.append(sum(w for w, _ in _runs))
        cpus.append(sum(c for _, c in _runs))
    return walls, cpus


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("sizes", nargs="*", type=int, default=[60, 200])
    ap.add_argument("--rounds", type=int, default=10)
    args = ap.parse_args()
    for n in args.sizes:
        walls, cpus = edit_reruns(n, args.rounds)
        ms = lambda xs: f"median {statistics.median(xs) * 1000:.0f} ms (min {min(xs) * 1000:.0f})"  # noqa: E731
        print(f"inspector edit rerun, {n} nodes: wall {ms(walls)}, script CPU {ms(cpus)}", flush=True)


if __name__ == "__main__":
    main()
