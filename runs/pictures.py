"""Picture zips decoded beside the page, never in a page's script thread: one background thread below the pages'
CPU priority, progress as it goes, and the result kept by content digest, size and colour mode (bounded).

The page needs, of a decoded zip, only that every picture decodes and the first few of each class as thumbnails:
those are kept, never the whole data set (a training decodes its own in its worker). Pillow releases the GIL while
it decodes and resizes, so the other pages' scripts run meanwhile.
"""
from __future__ import annotations

import hashlib
import os
import threading
from collections import OrderedDict
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field

import numpy as np

from i18n import _, language, set_language
from trainers.datasets.images import decode_zip, decoded
from trainers.datasets.picture_zip import read_pictures
from trainers.errors import TrainingError

from . import limits

PER_CLASS = 8                # thumbnails kept per class (what the page's preview shows)
KEEP = 32                    # decoded zips kept
KEEP_BYTES = 64 * 2**20      # thumbnails kept, in bytes, over all of them


@dataclass
class Decoding:
    """One zip at one size and colour mode: progress while its pictures decode, then thumbnails or the problem."""
    total: int = 0                                # pictures (0 until the headers are read)
    done: int = 0                                 # pictures decoded so far
    counts: dict = field(default_factory=dict)    # class -> pictures
    thumbs: dict = field(default_factory=dict)    # class -> [uint8 (H, W) or (H, W, 3)], the first PER_CLASS
    problem: str | None = None                    # why the zip cannot be used (names the picture)
    finished: bool = False

    @property
    def fraction(self) -> float:
        return self.done / self.total if self.total else 0.0

    def nbytes(self) -> int:
        return sum(t.nbytes for pics in self.thumbs.values() for t in pics)


def _lower_priority() -> None:
    """The decoding thread yields the CPU to the pages (Linux sets niceness per thread); elsewhere it stays."""
    try:
        tid = threading.get_native_id()
        os.setpriority(os.PRIO_PROCESS, tid, min(19, os.getpriority(os.PRIO_PROCESS, tid) + limits.worker_nice()))
    except (AttributeError, OSError):
        pass


def _decode(job: Decoding, text: str, size: int, color: str, lang: str) -> None:
    set_language(lang)  # the problem is said in the language of the page that asked
    try:
        pictures = read_pictures(decode_zip(text))  # the headers again: cheap, and the budget holds here too
        job.total = len(pictures)
        for p in pictures:
            job.counts[p.label] = job.counts.get(p.label, 0) + 1
        for picture, array in zip(pictures, decoded(pictures, size, color)):
            kept = job.thumbs.setdefault(picture.label, [])
            if len(kept) < PER_CLASS:  # (C, H, W) in [0, 1] -> (H, W[, 3]) bytes, as st.image shows them
                thumb = np.round(array.transpose(1, 2, 0) * 255).astype(np.uint8)
                kept.append(thumb[..., 0] if thumb.shape[-1] == 1 else thumb)
            job.done += 1
    except TrainingError as exc:
        job.problem = str(exc)
    except Exception as exc:  # anything Pillow raises on odd bytes: said, never raised into a page
        job.problem = _("picture zip: not a usable picture zip ({why})").format(why=type(exc).__name__)
    finally:
        job.finished = True


class Decoder:
    """Thread-safe; a request for a zip, size and mode already asked for returns the same Decoding."""

    def __init__(self):
        self._jobs: OrderedDict[tuple, Decoding] = OrderedDict()
        self._lock = threading.Lock()
        self._pool: ThreadPoolExecutor | None = None

    def request(self, text: str, size: int, color: str) -> Decoding:
        """The decoding of zip `text` (base64, as in dataset_options) at size×size in `color` ("rgb" | "gray")."""
        key = (hashlib.sha256(text.encode()).hexdigest(), size, color, language())
        with self._lock:
            job = self._jobs.get(key)
            if job is not None:
                self._jobs.move_to_end(key)
                return job
            job = self._jobs[key] = Decoding()
            self._trim()
            if self._pool is None:
                self._pool = ThreadPoolExecutor(1, thread_name_prefix="neurocanvas-pictures",
                                                initializer=_lower_priority)
            self._pool.submit(_decode, job, text, size, color, key[-1])
        return job

    def _trim(self) -> None:
        """Drop the oldest finished decodings past KEEP or KEEP_BYTES (one still decoding finishes, unkept)."""
        while len(self._jobs) > KEEP or sum(j.nbytes() for j in self._jobs.values()) > KEEP_BYTES:
            if len(self._jobs) <= 1:
                return
            self._jobs.popitem(last=False)


DECODER = Decoder()
