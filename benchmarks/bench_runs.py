"""Trainings through the registry's warm worker pool vs independent `python -m trainers run` processes.

    python benchmarks/bench_runs.py [--ns 1,2,4] [--mlp-epochs 20] [--lenet-epochs 2] [--memory-runs 20] [--rounds 3]

For N = 1, 2, 4 concurrent trainings of the seed MLP and the LeNet preset, the ratio of total training
throughput (the sum of each run's samples/s over its running time, as the runs report it) through the
registry to N processes started at once (the two alternate; the median of --rounds); Train -> first point
on a warm pool (median of 5); the server process's RSS after 0, 5, 10, 15 and 20 finished runs (target: flat). One line per figure.
"""
import argparse
import json
import os
import resource
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from presets import load_preset  # noqa: E402
from runs.pool import LocalPool  # noqa: E402
from runs.registry import Registry  # noqa: E402

MODELS = {"seed MLP": "simplenet_digits", "LeNet": "lenet_digits"}


def rss_mb() -> float:
    with open("/proc/self/status") as f:
        return next(int(line.split()[1]) / 1024 for line in f if line.startswith("VmRSS:"))


def project(preset: str, epochs: int) -> dict:
    p = load_preset(preset)
    p["training"].update(epochs=epochs, device="cpu", early_stopping=None)
    return p


def through_registry(pool, p: dict, n: int) -> float:
    reg = Registry(backend=pool, max_active=n, per_workspace=n)
    runs = [reg.submit(f"bench_ws{i}", p) for i in range(n)]
    while not all(r.final for r in runs):
        time.sleep(0.05)
    bad = [r.final.get("error") for r in runs if r.status != "finished"]
    assert not bad, bad
    return sum(average_rate(r.final) for r in runs)


def average_rate(snap: dict) -> float:
    """Training samples per second of running time over the whole run, as `trainers run` reports it
    (progress.samples_per_s is the rate of the last ~2 s only)."""
    return snap["dataset"]["n_train"] * snap["progress"]["epoch"] / snap["progress"]["elapsed_s"]


def as_processes(p: dict, n: int) -> float:
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "project.json"
        path.write_text(json.dumps(p))
        procs = [subprocess.Popen([sys.executable, "-m", "trainers", "run", str(path), "--device", "cpu"],
                                  cwd=ROOT, stdout=subprocess.PIPE, text=True) for _ in range(n)]
        outs = [proc.communicate()[0] for proc in procs]
    return sum(json.loads(out.strip().splitlines()[-1])["samples_per_s"] for out in outs)


def first_point(pool, p: dict, tries: int = 5) -> float:
    reg = Registry(backend=pool, max_active=1)
    times = []
    for i in range(tries):
        start = time.perf_counter()
        run = reg.submit(f"bench_fp{i}", p)
        while not (run.snapshot().get("steps") or {}).get("step"):
            time.sleep(0.005)
        times.append(time.perf_counter() - start)
        reg.stop(run)
        while not run.final:
            time.sleep(0.05)
    return statistics.median(times)


def memory_after_runs(pool, p: dict, total: int) -> list[tuple[int, float]]:
    reg = Registry(backend=pool, max_active=2, per_workspace=2)
    points = [(0, rss_mb())]
    for done in range(0, total, 5):
        runs = [reg.submit("bench_memory", p) for _ in range(5)]
        while not all(r.final for r in runs):
            time.sleep(0.05)
        points.append((done + 5, rss_mb()))
    return points


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--ns", default="1,2,4")
    ap.add_argument("--mlp-epochs", type=int, default=20)
    ap.add_argument("--lenet-epochs", type=int, default=2)
    ap.add_argument("--memory-runs", type=int, default=20)
    ap.add_argument("--rounds", type=int, default=3, help="registry and processes alternate; the median ratio")
    args = ap.parse_args()
    os.environ.setdefault("NEUROCANVAS_DATA", tempfile.mkdtemp(prefix="bench_runs_"))
    ns = [int(n) for n in args.ns.split(",")]
    pool = LocalPool(size=max(ns))
    t0 = time.perf_counter()
    pool.ready(600)
    print(f"pool warm-up (zygote imports torch, trainers, data sets): {time.perf_counter() - t0:.1f} s; "
          f"load average {os.getloadavg()[0]:.1f} on {os.cpu_count()} cores", flush=True)
    epochs = {"seed MLP": args.mlp_epochs, "LeNet": args.lenet_epochs}
    for name, preset in MODELS.items():
        p = project(preset, epochs[name])
        for n in ns:
            pairs = [(through_registry(pool, p, n), as_processes(p, n)) for _ in range(args.rounds)]
            ratios = sorted(r / q for r, q in pairs)
            reg_rate, proc_rate = (statistics.median(x) for x in zip(*pairs))
            print(f"{name:8s} N={n}: registry {reg_rate:,.0f} samples/s, {n} processes {proc_rate:,.0f} samples/s "
                  f"(medians); ratio median {statistics.median(ratios):.2f}, range {ratios[0]:.2f}-{ratios[-1]:.2f} "
                  f"over {args.rounds} rounds (target >= 0.9)", flush=True)
    print(f"Train -> first point, warm pool: {first_point(pool, project('simplenet_digits', 50)):.2f} s "
          f"(median of 5; target < 1 s)", flush=True)
    points = memory_after_runs(pool, project("lenet_digits", 1), args.memory_runs)
    print("server RSS after finished runs: " + ", ".join(f"{k}: {mb:.0f} MB" for k, mb in points)
          + f" (growth {points[-1][1] - points[1][1]:+.0f} MB from 5 to {points[-1][0]}; target flat); "
          f"peak {resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024:.0f} MB", flush=True)
    pool.shutdown()


if __name__ == "__main__":
    main()
