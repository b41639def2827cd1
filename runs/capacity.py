"""Fair capacity: which queued run starts next, and an honest estimate of how long a queued run will wait."""
from __future__ import annotations

import heapq
from collections import Counter

DEFAULT_RUN_S = 60.0  # the guess for a run's length before any run of this server has ended


def next_queued(queue: list, active: list, per_workspace: int):
    """The first queued run whose workspace is under its limit of concurrent requests, or whose request (its
    group: the variants of one "Run all variants" click) is already running; None if there is none."""
    groups = {(r.ws, r.group) for r in active}
    busy = Counter(ws for ws, _ in groups)
    return next((r for r in queue if (r.ws, r.group) in groups or busy[r.ws] < per_workspace), None)


def typical_duration(ended_snapshots: list[dict]) -> float:
    """Mean running time of recent ended runs (their progress.elapsed_s)."""
    times = [float((s.get("progress") or {}).get("elapsed_s") or 0) for s in ended_snapshots[-20:]]
    times = [t for t in times if t > 0]
    return sum(times) / len(times) if times else DEFAULT_RUN_S


def remaining(snap: dict, typical: float) -> float:
    """Seconds a running run still needs: its own ETA once it has one, else what a typical run has left."""
    progress = snap.get("progress") or {}
    if progress.get("eta_s") is not None:
        return float(progress["eta_s"])
    return max(0.0, typical - float(progress.get("elapsed_s") or 0))


def wait_estimate(position: int, running_left: list[float], slots: int, typical: float) -> float:
    """Seconds until the run at queue `position` (1 = next) starts: slots free as running runs end, and each
    queued run ahead of it takes a slot for a typical run's length."""
    free = sorted(running_left)[:slots] + [0.0] * max(0, slots - len(running_left))
    heapq.heapify(free)
    for _ in range(position - 1):
        heapq.heappush(free, heapq.heappop(free) + typical)
    return free[0] if free else 0.0
