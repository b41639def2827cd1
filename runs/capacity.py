"""Fair capacity: which queued run starts next, and an honest estimate of how long a queued run will wait."""
from __future__ import annotations

import heapq
from collections import Counter, deque

DEFAULT_RUN_S = 60.0  # the guess for a run's length before any run of this server has ended


def fair_order(queue: list, active: list, served: dict) -> list:
    """The queued runs in the order the pool serves them, round-robin between clients (a class, or a workspace
    outside classes) and, inside a class, between its workspaces: the client with the fewest running runs first,
    then the one served longest ago, then request order; each run served counts as running for the ones after it.
    O(n log n): heaps of clients, and of each client's workspaces."""
    clients, spaces = Counter(r.client for r in active), Counter(r.ws for r in active)
    turns, tick = dict(served), max(served.values(), default=0)
    lines: dict = {}  # client -> {ws: deque of (request index, run)}
    for i, run in enumerate(queue):
        lines.setdefault(run.client, {}).setdefault(run.ws, deque()).append((i, run))
    inner = {c: [(spaces[w], turns.get(f"ws:{w}", 0), line[0][0], w) for w, line in ws.items()] for c, ws in lines.items()}
    outer = []
    for c, heap in inner.items():
        heapq.heapify(heap)
        outer.append((clients[c], turns.get(c, 0), heap[0][2], c))
    heapq.heapify(outer)
    order = []
    while outer:
        c = heapq.heappop(outer)[3]
        w = heapq.heappop(inner[c])[3]
        _i, run = lines[c][w].popleft()
        order.append(run)
        tick += 1
        clients[c] += 1
        spaces[w] += 1
        turns[c] = turns[f"ws:{w}"] = tick
        if lines[c][w]:
            heapq.heappush(inner[c], (spaces[w], tick, lines[c][w][0][0], w))
        if inner[c]:
            heapq.heappush(outer, (clients[c], tick, inner[c][0][2], c))
    return order


def next_queued(queue: list, active: list, per_workspace: int, served: dict | None = None):
    """The queued run to start next in the fair order, among those whose workspace is under its limit of concurrent
    requests or whose request (its group: the variants of one "Run all variants" click) is already running; None
    if there is none. `served` maps a client (and "ws:<id>") to when it last got a slot."""
    groups = {(r.ws, r.group) for r in active}
    busy = Counter(ws for ws, _ in groups)
    ready = [r for r in queue if (r.ws, r.group) in groups or busy[r.ws] < per_workspace]
    order = fair_order(ready, active, served or {})
    return order[0] if order else None


def served(turns: dict, run, tick: int, keep: int = 10_000) -> None:
    """Record that `run`'s client and workspace got a slot at `tick`; forget the longest-served past `keep` keys."""
    turns[run.client] = turns[f"ws:{run.ws}"] = tick
    if len(turns) > keep:
        for key in sorted(turns, key=turns.get)[:len(turns) - keep]:
            del turns[key]


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
