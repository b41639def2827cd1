"""Run one hostile input through a reader: its message, time, peak memory and every file it touched.

An audit hook (installed once, active only inside `watch`) records each open/mkdir/remove; tracemalloc
gives the Python/numpy peak and ru_maxrss the process peak (torch's own allocator is invisible to tracemalloc).
"""
from __future__ import annotations

import os
import resource
import sys
import sysconfig
import time
import tracemalloc
from dataclasses import dataclass, field
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
# Where code and its data live, and the machine describes itself (CPU quota): reading there is not leaking.
CODE_ROOTS = tuple({str(ROOT), sys.prefix, sys.base_prefix, sysconfig.get_paths()["purelib"], "/usr/lib",
                    "/usr/share", "/usr/local/lib", "/sys/devices/system/cpu", "/sys/fs/cgroup", "/dev/null",
                    "/dev/urandom"})
_active: list = []


@dataclass
class Outcome:
    value: object = None  # what the reader returned
    message: str | None = None  # the refusal's text (an exception the reader is documented to raise)
    seconds: float = 0.0
    peak_python_mb: float = 0.0
    rss_growth_mb: float = 0.0
    reads: list = field(default_factory=list)  # files read outside the code roots and the data dir
    writes: list = field(default_factory=list)  # files or folders created/changed outside the data dir


def _hook(event: str, args) -> None:
    if not _active or event not in ("open", "os.mkdir", "os.remove", "os.rename", "shutil.rmtree"):
        return
    target = args[0]
    if isinstance(target, int) or target is None:
        return
    path = os.path.abspath(os.fsdecode(target))
    if event == "open":
        mode, flags = args[1], args[2] or 0
        writing = (mode is not None and any(c in str(mode) for c in "wax+")) or (
            mode is None and flags & (os.O_WRONLY | os.O_RDWR | os.O_CREAT))
    else:
        writing = True
    _active[-1].append((path, bool(writing)))


sys.addaudithook(_hook)


def _inside(path: str, roots) -> bool:
    return any(path == r or path.startswith(r.rstrip("/") + "/") for r in roots)


def watch(fn, *refusals, data_dir: str | os.PathLike):
    """Call fn(); an exception of a type in `refusals` becomes the message, anything else propagates."""
    touched: list = []
    rss_before = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    tracemalloc.start()
    start = time.perf_counter()
    _active.append(touched)
    out = Outcome()
    try:
        out.value = fn()
    except refusals as exc:
        out.message = str(exc)
    finally:
        _active.pop()
        out.seconds = time.perf_counter() - start
        out.peak_python_mb = tracemalloc.get_traced_memory()[1] / 2**20
        tracemalloc.stop()
        out.rss_growth_mb = (resource.getrusage(resource.RUSAGE_SELF).ru_maxrss - rss_before) / 1024
    data = str(Path(data_dir).resolve())
    out.reads = [p for p, w in touched if not w and not _inside(p, CODE_ROOTS + (data,))]
    out.writes = [p for p, w in touched if w and not _inside(p, (data,))]
    return out


def assert_refused(out: Outcome, *words: str, mb: float = 64, seconds: float = 10) -> None:
    """A clear message naming `words`, within the time and memory bounds, touching nothing outside."""
    assert out.message, f"accepted instead of refused: {out.value!r}"[:300]
    for w in words:
        assert w in out.message, (w, out.message)
    assert "Traceback" not in out.message
    assert_bounded(out, mb=mb, seconds=seconds)


def assert_bounded(out: Outcome, mb: float = 64, seconds: float = 10) -> None:
    assert out.peak_python_mb < mb, f"peak {out.peak_python_mb:.1f} MB (Python) above {mb} MB"
    assert out.rss_growth_mb < 4 * mb + 64, f"process peak grew {out.rss_growth_mb:.0f} MB"
    assert out.seconds < seconds, f"{out.seconds:.1f} s"
    assert not out.reads, f"read outside the data dir: {out.reads[:3]}"
    assert not out.writes, f"wrote outside the data dir: {out.writes[:3]}"
