"""The one cache of builder's analyses, keyed by content: (pass, graph digest, what else the pass reads) -> result.

Every pass (check, agree, fixes) keeps its results here and nowhere else, so a graph seen before (undo, a
lesson reopened, thirty students on the same lesson) is analysed once per server process. Results are shared:
callers treat them as read-only. Thread-safe; a result is computed outside the lock (two threads may both
compute a miss; the first stored wins).
"""
from __future__ import annotations

import threading
from collections import OrderedDict

SIZE = 1024  # results; a report is a few KB, and a class of 30 editing keeps about as many graphs in use
_results: OrderedDict = OrderedDict()
_lock = threading.Lock()
_MISSING = object()


def cached(key: tuple, compute):
    """The result stored under `key`, or `compute()` stored there."""
    with _lock:
        found = _results.get(key, _MISSING)
        if found is not _MISSING:
            _results.move_to_end(key)
            return found
    value = compute()
    with _lock:
        value = _results.setdefault(key, value)
        while len(_results) > SIZE:
            _results.popitem(last=False)
    return value


def clear() -> None:
    with _lock:
        _results.clear()
