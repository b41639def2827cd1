"""Builder speed: compiled models train as fast as hand-written ones, and check() of a 200-node graph is quick.

(a) The seed MLP (64 → 128 → 64 → 10) and a LeNet-style CNN on digits-sized random data, batch 64: the compiled
    torch.fx model and the same network hand-written twice — one module per layer as the graph has it, and the
    usual style with activations/pooling as functions — with the same initial weights run the same Adam loop on
    the same batches, interleaved in short rounds (ABC, BCA, CAB...) so machine load hits all alike; the ratio is
    the median of the per-round ratios, on this process's CPU time (steady on a shared machine) and wall time.
(b) check() of a 200-node graph (a chain of residual blocks Linear → ReLU → Add), median of several runs, with
    the per-node parameter-count cache cleared (a first look at a project) and warm (a canvas edit).

    python benchmarks/bench_builder.py [--rounds 150] [--checks 15] [--device cpu]
"""
import argparse
import statistics
import sys
import time
from pathlib import Path

import torch
from torch import nn

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from builder import build_model, check  # noqa: E402
from builder.checker import _count  # noqa: E402  (the per-node parameter-count cache)

N_SAMPLES, BATCH = 1797, 64  # the size of scikit-learn's digits
STEPS_PER_ROUND = 8


def chain(layers, shape):
    nodes = [{"id": "in", "type": "Input", "params": {"shape": shape}}]
    nodes += [{"id": i, "type": t, "params": p} for i, t, p in layers]
    edges = [{"source": a["id"], "target": b["id"]} for a, b in zip(nodes, nodes[1:])]
    return {"format": "neurocanvas/1", "name": "bench", "graph": {"nodes": nodes, "edges": edges}}


class HandMLP(nn.Module):
    """The seed MLP as a person writes it: layers as attributes, activations as functions."""

    def __init__(self):
        super().__init__()
        self.fc1, self.fc2, self.out = nn.Linear(64, 128), nn.Linear(128, 64), nn.Linear(64, 10)

    def forward(self, x):
        return self.out(torch.relu(self.fc2(torch.relu(self.fc1(x)))))


class HandMLPModules(HandMLP):
    """The same with one module per layer, activations included (the structure the compiled graph has)."""

    def __init__(self):
        super().__init__()
        self.r1, self.r2 = nn.ReLU(), nn.ReLU()

    def forward(self, x):
        return self.out(self.r2(self.fc2(self.r1(self.fc1(x)))))


class HandCNN(nn.Module):
    """A LeNet-style CNN for 8×8 digits, activations and pooling as functions."""

    def __init__(self):
        super().__init__()
        self.conv1, self.conv2 = nn.Conv2d(1, 6, 3, padding=1), nn.Conv2d(6, 16, 3, padding=1)
        self.fc1, self.out = nn.Linear(64, 64), nn.Linear(64, 10)

    def forward(self, x):  # (B, 1, 8, 8)
        x = nn.functional.max_pool2d(torch.relu(self.conv1(x)), 2)  # (B, 6, 4, 4)
        x = nn.functional.max_pool2d(torch.relu(self.conv2(x)), 2)  # (B, 16, 2, 2)
        return self.out(torch.relu(self.fc1(x.flatten(1))))


class HandCNNModules(HandCNN):
    """The same with one module per layer."""

    def __init__(self):
        super().__init__()
        self.r1, self.r2, self.r3 = nn.ReLU(), nn.ReLU(), nn.ReLU()
        self.p1, self.p2, self.flat = nn.MaxPool2d(2), nn.MaxPool2d(2), nn.Flatten()

    def forward(self, x):
        x = self.p1(self.r1(self.conv1(x)))
        x = self.flat(self.p2(self.r2(self.conv2(x))))
        return self.out(self.r3(self.fc1(x)))


MODELS = {
    "seed MLP": (chain([("fc1", "Linear", {"out_features": 128}), ("r1", "ReLU", {}),
                        ("fc2", "Linear", {"out_features": 64}), ("r2", "ReLU", {}),
                        ("out", "Linear", {"out_features": 10})], [64]), (HandMLPModules, HandMLP), (64,)),
    "LeNet CNN": (chain([("conv1", "Conv2d", {"out_channels": 6, "kernel_size": 3, "padding": 1}), ("r1", "ReLU", {}),
                         ("p1", "MaxPool2d", {"kernel_size": 2}),
                         ("conv2", "Conv2d", {"out_channels": 16, "kernel_size": 3, "padding": 1}), ("r2", "ReLU", {}),
                         ("p2", "MaxPool2d", {"kernel_size": 2}), ("flat", "Flatten", {}),
                         ("fc1", "Linear", {"out_features": 64}), ("r3", "ReLU", {}),
                         ("out", "Linear", {"out_features": 10})], [1, 8, 8]), (HandCNNModules, HandCNN), (1, 8, 8)),
}


def same_weights(compiled, hand):
    """Copy the compiled model's weights into a hand-written one, node module by node module."""
    with torch.no_grad():
        for nid, attr in compiled.node_modules.items():
            for a, b in zip(compiled.get_submodule(attr).parameters(), getattr(hand, nid, nn.Module()).parameters()):
                b.copy_(a)
    return hand


def steps(model, opt, x, y, batches):
    """Adam steps over the given index batches; returns (CPU seconds, wall seconds)."""
    cpu, wall = time.process_time(), time.perf_counter()
    for idx in batches:
        loss = nn.functional.cross_entropy(model(x[idx]), y[idx])
        opt.zero_grad(set_to_none=True)
        loss.backward()
        opt.step()
    loss.item()  # wait for the device
    return time.process_time() - cpu, time.perf_counter() - wall


VARIANTS = ("compiled", "hand, modules", "hand, functional")


def throughput(name, rounds, device):
    """CPU-time samples/s per variant over all rounds, and the median per-round ratio compiled / each hand variant.

    A round is STEPS_PER_ROUND steps of each variant, in rotating order; short rounds keep the pairs close in
    time, so a load spike on the shared machine hits the variants of one round alike."""
    project, (modules_cls, functional_cls), shape = MODELS[name]
    torch.manual_seed(0)
    compiled = build_model(project).to(device)
    models = dict(zip(VARIANTS, (compiled, same_weights(compiled, modules_cls().to(device)),
                                 same_weights(compiled, functional_cls().to(device)))))
    x, y = torch.randn(N_SAMPLES, *shape, device=device), torch.randint(0, 10, (N_SAMPLES,), device=device)
    perm = torch.randperm(N_SAMPLES, device=device)
    batches = [perm[i:i + BATCH] for i in range(0, N_SAMPLES - BATCH + 1, BATCH)]  # the same for every variant
    runs = {k: (m, torch.optim.Adam(m.parameters(), 1e-3)) for k, m in models.items()}
    for model, opt in runs.values():  # warm-up: allocator, kernels, Adam state
        steps(model, opt, x, y, batches)
    times = {k: [] for k in runs}
    for r in range(rounds):
        chunk = [batches[(r * STEPS_PER_ROUND + i) % len(batches)] for i in range(STEPS_PER_ROUND)]
        for k in VARIANTS[r % 3:] + VARIANTS[:r % 3]:  # rotate who goes first
            times[k].append(steps(*runs[k], x, y, chunk))
    samples = rounds * STEPS_PER_ROUND * BATCH
    out = {k: samples / sum(t[0] for t in v) for k, v in times.items()}
    for k in VARIANTS[1:]:
        out["ratio " + k] = statistics.median(b[0] / a[0] for a, b in zip(times["compiled"], times[k]))
        out["wall ratio " + k] = statistics.median(b[1] / a[1] for a, b in zip(times["compiled"], times[k]))
    return out


def call_overhead(name, device, rounds=40, calls=200):
    """Median CPU µs of one no-grad forward at batch 1 per variant: the Python cost of the wrapping itself."""
    project, (modules_cls, functional_cls), shape = MODELS[name]
    compiled = build_model(project).to(device)
    models = dict(zip(VARIANTS, (compiled, modules_cls().to(device), functional_cls().to(device))))
    x = torch.randn(1, *shape, device=device)
    times = {k: [] for k in models}
    with torch.no_grad():
        for r in range(rounds):
            for k in VARIANTS[r % 3:] + VARIANTS[:r % 3]:
                t = time.process_time()
                for _ in range(calls):
                    models[k](x)
                times[k].append((time.process_time() - t) / calls * 1e6)
    return {k: statistics.median(v) for k, v in times.items()}


def residual_chain(n_nodes=200, width=64):
    """Input, then blocks fc → relu → add(prev, relu) (3 nodes each), then a head: n_nodes in all."""
    nodes = [{"id": "in", "type": "Input", "params": {"shape": [width]}}]
    edges, prev = [], "in"
    for b in range((n_nodes - 2) // 3):
        fc, act, add = f"fc{b}", f"relu{b}", f"add{b}"
        nodes += [{"id": fc, "type": "Linear", "params": {"out_features": width}},
                  {"id": act, "type": "ReLU", "params": {}}, {"id": add, "type": "Add", "params": {}}]
        edges += [{"source": prev, "target": fc}, {"source": fc, "target": act},
                  {"source": act, "target": add}, {"source": prev, "target": add}]
        prev = add
    while len(nodes) < n_nodes:
        nodes.append({"id": f"head{len(nodes)}", "type": "Linear", "params": {"out_features": 10}})
        edges.append({"source": prev, "target": nodes[-1]["id"]})
        prev = nodes[-1]["id"]
    return {"format": "neurocanvas/1", "name": "200 nodes", "graph": {"nodes": nodes, "edges": edges}}


def check_times(runs):
    project = residual_chain()
    assert len(project["graph"]["nodes"]) == 200
    cold, warm = [], []
    for _ in range(runs):
        _count.cache_clear()
        t = time.perf_counter()
        report = check(project)
        cold.append(time.perf_counter() - t)
        t = time.perf_counter()
        check(project)
        warm.append(time.perf_counter() - t)
    assert report.ok, report.errors
    t = time.perf_counter()
    build_model(project, report)
    build = time.perf_counter() - t
    return statistics.median(cold), statistics.median(warm), build, report.total_params


def main():
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--rounds", type=int, default=150, help=f"interleaved rounds of {STEPS_PER_ROUND} steps each")
    ap.add_argument("--checks", type=int, default=15, help="check() runs for the median")
    ap.add_argument("--device", default="cpu")
    args = ap.parse_args()
    torch.set_num_threads(1)
    print(f"torch {torch.__version__}, device {args.device}, 1 thread, {N_SAMPLES} samples, batch {BATCH}, Adam, "
          f"{args.rounds} interleaved rounds of {STEPS_PER_ROUND} steps per variant\n")
    print("training samples/s (process CPU time over all rounds); ratio = compiled / hand-written speed, "
          "median of per-round ratios (wall-time ratio in brackets)")
    print(f"{'model':<10}  {'compiled':>9}  {'hand, modules':>13}  {'hand, functional':>16}  "
          f"{'ratio vs modules':>18}  {'ratio vs functional':>20}")
    ok = True
    for name in MODELS:
        r = throughput(name, args.rounds, args.device)
        ok &= r["ratio hand, modules"] >= 0.98
        print(f"{name:<10}  {r['compiled']:>9,.0f}  {r['hand, modules']:>13,.0f}  {r['hand, functional']:>16,.0f}  "
              f"{r['ratio hand, modules']:>7.3f} ({r['wall ratio hand, modules']:.3f})  "
              f"{r['ratio hand, functional']:>9.3f} ({r['wall ratio hand, functional']:.3f})")
    print("target: ratio ≥ 0.98")
    print("\none forward at batch 1, no grad (µs of CPU, median): the per-call cost of fx and of one module per node")
    for name in MODELS:
        us = call_overhead(name, args.device)
        print(f"{name:<10}  " + "   ".join(f"{k} {v:6.1f}" for k, v in us.items()))
    cold, warm, build, params = check_times(args.checks)
    ok &= cold < 0.1
    print(f"\ncheck() of a 200-node residual chain ({params:,} parameters), median of {args.checks}:")
    print(f"  cold (count cache cleared) {cold * 1000:7.1f} ms   target < 100 ms")
    print(f"  warm (a canvas edit)       {warm * 1000:7.1f} ms")
    print(f"  build_model                {build * 1000:7.1f} ms")
    print("\nall targets met" if ok else "\nSOME TARGETS MISSED")


if __name__ == "__main__":
    main()
