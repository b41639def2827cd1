"""The live canvas's cost to training: TrainingJob throughput with the gradient-flow probe vs without it,
and the server's work per canvas refresh (live annotations of a 60-node network).

    python benchmarks/bench_live_canvas.py [--rounds 5] [--epochs 10]

Runs are interleaved round by round so machine load hits both alike; the ratio is the median of the
per-round ratios (CPU time of this process: the steadier measure on a shared machine).
"""
import argparse
import json
import statistics
import sys
import time
from pathlib import Path
from unittest import mock

import torch

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from tests.graph_factory import make_project  # noqa: E402
from trainers import TrainingJob  # noqa: E402
from trainers.probes import flow  # noqa: E402
from ui.canvas.live import live_annotations  # noqa: E402


def lenet(epochs: int) -> dict:
    return make_project([("in", "Input", {"shape": [1, 8, 8]}),
                         ("conv1", "Conv2d", {"out_channels": 8, "kernel_size": 3, "padding": 1}), ("relu1", "ReLU"),
                         ("pool1", "MaxPool2d", {"kernel_size": 2}), ("flat", "Flatten"),
                         ("fc", "Linear", {"out_features": 64}), ("relu2", "ReLU"),
                         ("out", "Linear", {"out_features": 10})],
                        training={"dataset": "digits", "epochs": epochs, "seed": 0, "device": "cpu"})


def rate(project: dict, with_flow: bool) -> tuple[float, dict]:
    job = TrainingJob(project)
    samples = len(job.data.x_train) * job.settings.epochs
    patch = mock.patch.object(flow, "output_grad_norms", return_value={}) if not with_flow else mock.MagicMock()
    with patch:
        cpu = time.process_time()
        job.start()
        job.join()
    assert job.status == "finished", job.error
    return samples / (time.process_time() - cpu), job.snapshot()["probes"]


def refresh_cost(probes: dict, n: int = 60) -> float:
    """Seconds to build the live annotations of an n-node chain from one probe (repeated for a stable figure)."""
    graph = {"nodes": [{"id": f"n{i}"} for i in range(n)],
             "edges": [{"source": f"n{i}", "target": f"n{i + 1}"} for i in range(n - 1)]}
    acts = list((probes.get("activations") or {}).values())
    big = {**probes, "activations": {f"n{i}": acts[i % len(acts)] for i in range(n)},
           "flow": {f"n{i}": 1.0 / (i + 1) for i in range(n)}}
    t0 = time.perf_counter()
    for _ in range(200):
        live = live_annotations(graph, big)
    return (time.perf_counter() - t0) / 200, len(json.dumps(live))


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--rounds", type=int, default=5)
    ap.add_argument("--epochs", type=int, default=10)
    args = ap.parse_args()
    torch.set_num_threads(1)
    project, ratios, probes = lenet(args.epochs), [], None
    rate(project, True)  # warm-up: imports, data set cache
    for _ in range(args.rounds):
        on, probes = rate(project, True)
        off, _ = rate(project, False)
        ratios.append(on / off)
        print(f"  with flow {on:,.0f} samples/s, without {off:,.0f} samples/s, ratio {on / off:.3f}", flush=True)
    seconds, size = refresh_cost(probes)
    print(f"training with the live canvas's gradient-flow probe: {statistics.median(ratios):.3f}x the speed "
          f"without it (median of {args.rounds} rounds; {100 * (1 - statistics.median(ratios)):.1f}% slower)")
    print(f"per canvas refresh: {1000 * seconds:.2f} ms to build the live annotations of 60 nodes, "
          f"{size / 1024:.1f} KB sent to the canvas")


if __name__ == "__main__":
    main()
