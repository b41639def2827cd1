"""Bounded metric records: per-step curves with O(1) appends that average old steps into coarser buckets."""
import math
from collections import deque


def plain(value):
    """A JSON-safe float: NaN/inf become None."""
    if value is None:
        return None
    value = float(value)
    return value if math.isfinite(value) else None


class Curve:
    """Points {field: float} per step; keeps the last `recent` steps exactly and at most `cap` older buckets.

    Old points are means over buckets of `stride` steps; when `cap` buckets exist, neighbours are merged
    and the stride doubles, so memory is bounded and appends are amortised O(1).
    """

    def __init__(self, fields, cap: int = 1000, recent: int = 200):
        self.fields = list(fields)
        self.cap, self.stride = cap, 1
        self.steps: list[int] = []
        self.values = {f: [] for f in self.fields}
        self.tail = deque(maxlen=recent)      # (step, {field: value}) exact recent points
        self._sum = dict.fromkeys(self.fields, 0.0)
        self._count = 0

    def append(self, step: int, point: dict) -> None:
        self.tail.append((step, point))
        for f in self.fields:
            self._sum[f] += point[f]
        self._count += 1
        if self._count < self.stride:
            return
        self.steps.append(step)
        for f in self.fields:
            self.values[f].append(self._sum[f] / self._count)
        self._sum = dict.fromkeys(self.fields, 0.0)
        self._count = 0
        if len(self.steps) >= self.cap:
            self._halve()

    def _halve(self) -> None:
        # merge neighbours: bucket i*2 and i*2+1 -> one bucket ending at the later step
        self.steps = self.steps[1::2]
        for f in self.fields:
            v = self.values[f]
            self.values[f] = [(a + b) / 2 for a, b in zip(v[0::2], v[1::2])]
        self.stride *= 2

    def to_dict(self) -> dict:
        """{"step": [...], field: [...]}: old buckets before the exact tail, then the tail."""
        first_exact = self.tail[0][0] if self.tail else None
        keep = len(self.steps) if first_exact is None else sum(1 for s in self.steps if s < first_exact)
        out = {"step": self.steps[:keep] + [s for s, _ in self.tail]}
        for f in self.fields:
            out[f] = [plain(v) for v in self.values[f][:keep]] + [plain(p[f]) for _, p in self.tail]
        return out


class EpochHistory:
    """Per-epoch lists (epochs are few, so these are kept whole)."""

    def __init__(self):
        self.rows: dict[str, list] = {"epoch": []}

    def append(self, epoch: int, values: dict) -> None:
        self.rows["epoch"].append(epoch)
        for key, value in values.items():
            self.rows.setdefault(key, []).append(plain(value))

    def to_dict(self) -> dict:
        return {k: list(v) for k, v in self.rows.items()}

    def last(self, key, default=None):
        values = self.rows.get(key) or []
        return values[-1] if values else default


class Throughput:
    """Samples per second over roughly the last two seconds of running time (pauses excluded)."""

    def __init__(self, window_s: float = 2.0):
        self.window_s = window_s
        self.marks = deque(maxlen=64)         # (running_seconds, samples)

    def add(self, running_s: float, samples: int) -> None:
        if not self.marks or running_s - self.marks[-1][0] >= self.window_s / 16:
            self.marks.append((running_s, samples))
        while len(self.marks) > 2 and running_s - self.marks[1][0] > self.window_s:
            self.marks.popleft()

    def rate(self, running_s: float, samples: int) -> float:
        if not self.marks:
            return 0.0
        t0, s0 = self.marks[0]
        return (samples - s0) / (running_s - t0) if running_s > t0 else 0.0
