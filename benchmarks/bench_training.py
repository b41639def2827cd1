"""Training throughput: TrainingJob (metrics + probes on) vs a bare tensor-batched loop vs a DataLoader loop.

Same model (the seed MLP, same initial weights), same data and batch size; the three runs are interleaved
round by round so machine load hits them alike; the ratios are the medians of the per-round ratios.

    python benchmarks/bench_training.py [--rounds 5] [--epochs 30] [--device cpu] [--dataset digits] [--fused]

The job uses torch's fused optimizers where they exist; --fused gives the baselines the same, to
separate that gain from the loop's own cost.
"""
import argparse
import copy
import json
import statistics
import sys
import time
from pathlib import Path

import torch
from torch import nn

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from trainers import TrainingJob  # noqa: E402
from trainers.device import cpu_threads  # noqa: E402


class Clock:
    """Wall time and this process's CPU time: on a shared machine CPU time is the steadier measure
    (the job's worker thread counts too; the main thread only waits in join)."""

    def __init__(self):
        self.wall, self.cpu = time.perf_counter(), time.process_time()

    def rates(self, samples: int) -> tuple[float, float]:
        return samples / (time.perf_counter() - self.wall), samples / (time.process_time() - self.cpu)


def project(dataset: str, epochs: int, device: str, batch: int) -> dict:
    layers = [("fc1", "Linear", {"out_features": 128}), ("act1", "ReLU", {}),
              ("fc2", "Linear", {"out_features": 64}), ("act2", "ReLU", {}), ("out", "Linear", {"out_features": 10})]
    nodes = [{"id": "in", "type": "Input", "params": {"shape": [64]}}]
    nodes += [{"id": i, "type": t, "params": p} for i, t, p in layers]
    edges = [{"source": a["id"], "target": b["id"]} for a, b in zip(nodes, nodes[1:])]
    return {"format": "neurocanvas/1", "name": "bench", "graph": {"nodes": nodes, "edges": edges},
            "training": {"dataset": dataset, "loss": "CrossEntropyLoss", "optimizer": {"type": "Adam", "lr": 1e-3},
                         "batch_size": batch, "epochs": epochs, "seed": 0, "device": device}}


def run_job(proj) -> float:
    job = TrainingJob(proj)
    n = len(job.data.x_train) * job.settings.epochs
    clock = Clock()
    job.start()
    job.join()
    assert job.status == "finished", job.error
    return clock.rates(n)


def bare_loop(model, x, y, epochs, batch, fused=None):
    """What a person would write by hand: shuffled indices into tensors already on the device."""
    opt = torch.optim.Adam(model.parameters(), 1e-3, fused=fused)
    losses = []
    clock = Clock()
    for _ in range(epochs):
        perm = torch.randperm(len(x), device=x.device)
        for i in range(0, len(x), batch):
            idx = perm[i:i + batch]
            loss = nn.functional.cross_entropy(model(x[idx]), y[idx])
            opt.zero_grad(set_to_none=True)
            loss.backward()
            opt.step()
            losses.append(loss.item())
    return clock.rates(epochs * len(x))


def dataloader_loop(model, x, y, epochs, batch, fused=None):
    """The textbook way: TensorDataset + DataLoader(shuffle=True), batches moved to the device each step."""
    loader = torch.utils.data.DataLoader(torch.utils.data.TensorDataset(x.cpu(), y.cpu()), batch_size=batch,
                                         shuffle=True)
    opt = torch.optim.Adam(model.parameters(), 1e-3, fused=fused)
    losses = []
    clock = Clock()
    for _ in range(epochs):
        for xb, yb in loader:
            xb, yb = xb.to(x.device), yb.to(x.device)
            loss = nn.functional.cross_entropy(model(xb), yb)
            opt.zero_grad(set_to_none=True)
            loss.backward()
            opt.step()
            losses.append(loss.item())
    return clock.rates(epochs * len(x))


def main(argv=None) -> dict:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--rounds", type=int, default=5)
    ap.add_argument("--epochs", type=int, default=30)  # short runs are dominated by the first and last probe
    ap.add_argument("--batch", type=int, default=64)
    ap.add_argument("--device", default="cpu")
    ap.add_argument("--dataset", default="digits")
    ap.add_argument("--fused", action="store_true", help="give the baselines the fused Adam the job uses")
    args = ap.parse_args(argv)
    torch.set_num_threads(cpu_threads())
    proj = project(args.dataset, args.epochs, args.device, args.batch)
    template = TrainingJob(proj)  # builds the model and the cached, device-resident split
    x, y = template.data.x_train, template.data.y_train
    initial = copy.deepcopy(template.network.model)
    fused = True if args.fused else None
    rates = {"job": [], "bare": [], "dataloader": []}   # (wall samples/s, cpu samples/s) per round
    runs = {"job": lambda: run_job(proj),
            "bare": lambda: bare_loop(copy.deepcopy(initial), x, y, args.epochs, args.batch, fused),
            "dataloader": lambda: dataloader_loop(copy.deepcopy(initial), x, y, args.epochs, args.batch, fused)}
    for name in runs:  # warm-up, not counted
        runs[name]()
    for r in range(args.rounds):
        names = list(runs)[r % 3:] + list(runs)[:r % 3]  # rotate who goes first
        for name in names:
            rates[name].append(runs[name]())
    result = {"device": str(template.device), "threads": torch.get_num_threads(), "dataset": args.dataset,
              "n_train": len(x), "epochs": args.epochs, "batch": args.batch, "rounds": args.rounds,
              "fused_baselines": args.fused}
    for kind, i in (("wall", 0), ("cpu", 1)):
        med = {k: statistics.median(v[i] for v in rs) for k, rs in rates.items()}
        # ratios per round (the three runs of a round ran back to back), then the median
        vs_bare = statistics.median(j[i] / b[i] for j, b in zip(rates["job"], rates["bare"]))
        vs_loader = statistics.median(j[i] / d[i] for j, d in zip(rates["job"], rates["dataloader"]))
        result.update({f"{kind}_{k}_samples_per_s": round(v) for k, v in med.items()})
        result.update({f"{kind}_job_vs_bare": round(vs_bare, 3), f"{kind}_job_vs_dataloader": round(vs_loader, 2)})
        print(f"[{kind} time]")
        for k, rs in rates.items():
            print(f"{k:>10}: " + "  ".join(f"{r[i]:,.0f}" for r in rs) + f"   median {med[k]:,.0f} samples/s")
        print(f"job / bare loop = {vs_bare:.3f} (target >= 0.90); job / DataLoader loop = {vs_loader:.2f}x (target >= 2x)")
    print(json.dumps(result))
    return result


if __name__ == "__main__":
    main()
