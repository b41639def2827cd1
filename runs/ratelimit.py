"""Token buckets in this server process's memory: how often one client, or one class, may do a thing.

In memory, not in the store: the windows are minutes, so a restart that forgets them costs little (the store's own
bounds, such as students per class and classes per server, still hold), and a flood of refused requests costs no
disk write. Streamlit serves every page from one process, so one Limiter sees every request; several server
processes behind a balancer would each count on their own. At most `keys` buckets are kept (least recently used
dropped first, as full), so a flood of identities cannot grow memory without bound.
"""
from __future__ import annotations

import threading
import time
from collections import OrderedDict
from dataclasses import dataclass


@dataclass(frozen=True)
class Rate:
    burst: int      # actions allowed at once
    every_s: float  # seconds to earn one more, up to `burst`


class Limiter:
    """Thread-safe buckets keyed by any hashable (e.g. ("join", client)); `clock` is injectable for tests."""

    def __init__(self, clock=time.monotonic, keys: int = 10_000):
        self._clock, self._keys = clock, keys
        self._buckets: OrderedDict = OrderedDict()  # key -> (tokens, when they were counted)
        self._lock = threading.Lock()

    def _tokens(self, rate: Rate, key, now: float) -> float:
        tokens, at = self._buckets.get(key, (float(rate.burst), now))
        return min(float(rate.burst), tokens + (now - at) / rate.every_s)

    def wait(self, rate: Rate, key) -> float:
        """Seconds until `key` may act once (0.0: now); nothing is taken."""
        with self._lock:
            tokens = self._tokens(rate, key, self._clock())
        return 0.0 if tokens >= 1 else (1 - tokens) * rate.every_s

    def take(self, *limits: tuple[Rate, object]) -> float:
        """One action against every (rate, key): 0.0 and a token taken from each when all have one, else the
        seconds until they all will, and nothing taken."""
        with self._lock:
            now = self._clock()
            tokens = [self._tokens(rate, key, now) for rate, key in limits]
            short = [(1 - t) * rate.every_s for t, (rate, _key) in zip(tokens, limits) if t < 1]
            if short:
                return max(short)
            for t, (_rate, key) in zip(tokens, limits):
                self._buckets[key] = (t - 1, now)
                self._buckets.move_to_end(key)
            while len(self._buckets) > self._keys:
                self._buckets.popitem(last=False)
            return 0.0

    def clear(self) -> None:
        """Forget every bucket (a new server process; tests)."""
        with self._lock:
            self._buckets.clear()


LIMITER = Limiter()
