"""Server-side registry of training runs keyed by workspace id: a concurrency cap, a queue, orphan reaping.

Runs belong to the workspace (the id in the URL), not to a browser session, so a refreshed page
reattaches to its still-running training instead of starting over. No streamlit here: testable alone.
"""
from __future__ import annotations

import copy
import itertools
import os
import threading
import time
import uuid
from dataclasses import dataclass, field

TERMINAL = ("finished", "failed", "stopped")
HISTORY = 80  # probe pictures kept per run for the "over time" charts


def _default_factory(project: dict):
    from trainers import TrainingJob  # imported by the app before any thread starts (see notes)
    return TrainingJob(project)


@dataclass
class Run:
    id: str
    ws: str
    label: str
    project: dict
    created: float = field(default_factory=time.time)
    job: object | None = None           # the TrainingJob once it left the queue
    final: dict | None = None           # last snapshot once terminal (or loaded from the store)
    error: str | None = None            # why the job could not even be created
    probe_history: list = field(default_factory=list)  # [{"step", "activations"}] oldest first
    start_paused: bool = False
    saved: bool = False
    shown: dict | None = None           # the probes the dashboard pictures show (see shown_probes)
    shown_at: float = 0.0

    @property
    def settings(self) -> dict:
        return self.project.get("training") or {}

    def snapshot(self) -> dict:
        if self.final is not None:
            return self.final
        if self.job is not None:
            snap = self.job.snapshot()
            self._remember(snap)
            return snap
        status = "failed" if self.error else "queued"
        return {"schema": 1, "revision": 0, "status": status, "message": None, "error": self.error,
                "settings": self.settings, "progress": None, "steps": {}, "epochs": {}, "probes": None}

    @property
    def status(self) -> str:
        if self.final is not None:
            return self.final.get("status", "finished")
        if self.job is not None:
            return self.job.status
        return "failed" if self.error else "queued"

    @property
    def done(self) -> bool:
        return self.status in TERMINAL

    def shown_probes(self, snap: dict, every: float) -> dict | None:
        """The probes to draw: the latest, but renewed at most every `every` seconds while training.

        Between renewals the pictures' specs stay identical, so the browser does not redraw a dozen
        heatmaps at the loss chart's refresh rate (that starved headless Chromium on 2 cores).
        """
        probes, now = snap.get("probes"), time.monotonic()
        fresh = probes is not None and (self.shown is None or probes["step"] != self.shown["step"])
        if fresh and (now - self.shown_at >= every or snap.get("status") not in ("running", "queued")):
            self.shown, self.shown_at = probes, now
        return self.shown

    def _remember(self, snap: dict) -> None:
        probes = snap.get("probes")
        if not probes or (self.probe_history and self.probe_history[-1]["step"] == probes["step"]):
            return
        acts = {n: {"hist": a.get("hist"), "dead_fraction": a.get("dead_fraction")}
                for n, a in (probes.get("activations") or {}).items()}
        self.probe_history = (self.probe_history + [{"step": probes["step"], "activations": acts}])[-HISTORY:]


class Registry:
    """All runs of this server process. Thread-safe; one daemon thread promotes the queue and reaps orphans."""

    def __init__(self, job_factory=None, max_active: int | None = None, orphan_timeout: float | None = None,
                 on_finish=None):
        self.job_factory = job_factory or _default_factory
        self.max_active = max_active or int(os.environ.get("NEUROCANVAS_MAX_TRAININGS", "2"))
        self.orphan_timeout = orphan_timeout or float(os.environ.get("NEUROCANVAS_ORPHAN_TIMEOUT", "1800"))
        self.on_finish = on_finish          # called with a Run once it ends (saves it to the store)
        self._runs: dict[str, list[Run]] = {}
        self._queue: list[Run] = []
        self._orphaned: dict[str, float] = {}  # ws -> when its last browser session went away
        self._lock = threading.RLock()
        self._seq = itertools.count(1)
        self._pump_thread: threading.Thread | None = None

    # ----- runs of a workspace
    def submit(self, ws: str, project: dict, label: str | None = None, start_paused: bool = False) -> Run:
        """Queue a run of `project` (copied); it starts at once when a slot is free."""
        run = Run(id=uuid.uuid4().hex[:10], ws=ws, label=label or f"run {next(self._seq)}",
                  project=copy.deepcopy(project), start_paused=start_paused)
        with self._lock:
            self._runs.setdefault(ws, []).append(run)
            self._queue.append(run)
        self.pump()
        self._ensure_pump_thread()
        return run

    def adopt(self, ws: str, run: Run) -> None:
        """Add a finished run loaded from the store (after a server restart) unless it is known already."""
        with self._lock:
            runs = self._runs.setdefault(ws, [])
            if all(r.id != run.id for r in runs):
                runs.append(run)
                runs.sort(key=lambda r: r.created)

    def runs(self, ws: str) -> list[Run]:
        with self._lock:
            return list(self._runs.get(ws, []))

    def current(self, ws: str) -> Run | None:
        """The newest run that is not finished, else the newest run."""
        runs = self.runs(ws)
        live = [r for r in runs if not r.done]
        return live[-1] if live else (runs[-1] if runs else None)

    def get(self, ws: str, run_id: str) -> Run | None:
        return next((r for r in self.runs(ws) if r.id == run_id), None)

    def forget(self, ws: str, run_id: str) -> None:
        with self._lock:
            self._runs[ws] = [r for r in self._runs.get(ws, []) if r.id != run_id or not r.done]

    def queue_position(self, run: Run) -> int | None:
        """1 for the next run to start; None when it is not waiting."""
        with self._lock:
            return self._queue.index(run) + 1 if run in self._queue else None

    def stop(self, run: Run) -> None:
        with self._lock:
            if run in self._queue:
                self._queue.remove(run)
                run.final = {**run.snapshot(), "status": "stopped", "message": "stopped before it started"}
        if run.job is not None and not run.done:
            run.job.stop()
        self.pump()

    def stop_all(self, ws: str | None = None) -> None:
        for r in [r for w, rs in list(self._runs.items()) if ws in (None, w) for r in rs]:
            self.stop(r)

    def active_count(self) -> int:
        with self._lock:
            return sum(1 for rs in self._runs.values() for r in rs if r.job is not None and not r.done)

    # ----- browser sessions coming and going
    def orphan(self, ws: str) -> None:
        """A browser session of `ws` went away (closed tab, refresh or network drop): start the clock."""
        with self._lock:
            self._orphaned.setdefault(ws, time.time())

    def touch(self, ws: str) -> None:
        """A browser session of `ws` is alive (called on every rerun and poll)."""
        with self._lock:
            self._orphaned.pop(ws, None)

    # ----- housekeeping
    def pump(self) -> None:
        """Start queued runs while slots are free, save runs that ended, stop runs orphaned too long."""
        now = time.time()
        with self._lock:
            for ws, since in list(self._orphaned.items()):
                if now - since > self.orphan_timeout:
                    self._orphaned.pop(ws)
                    for r in self._runs.get(ws, []):
                        if r in self._queue:
                            self._queue.remove(r)
                            r.final = {**r.snapshot(), "status": "stopped", "message": "abandoned: nobody was watching"}
                        elif r.job is not None and not r.done:
                            r.job.stop()
            while self._queue and self.active_count() < self.max_active:
                self._start(self._queue.pop(0))
            ended = [r for rs in self._runs.values() for r in rs if r.job is not None and r.final is None and r.done]
        for r in ended:
            self._finish(r)

    def _start(self, run: Run) -> None:
        try:
            run.job = self.job_factory(run.project)
            run.job.start()
            if run.start_paused:
                run.job.pause()
        except Exception as exc:  # a bad project or data set: the run fails with the reason, the page lives
            run.job, run.error = None, str(exc) or type(exc).__name__
            run.final = run.snapshot()

    def _finish(self, run: Run) -> None:
        snap = run.job.snapshot()
        run._remember(snap)
        run.final = snap
        if self.on_finish and not run.saved:
            run.saved = True
            try:
                self.on_finish(run)
            except Exception:  # the store failing must never kill the pump thread
                run.saved = False

    def _ensure_pump_thread(self) -> None:
        with self._lock:
            if self._pump_thread and self._pump_thread.is_alive():
                return
            self._pump_thread = threading.Thread(target=self._pump_forever, name="neurocanvas-runs", daemon=True)
            self._pump_thread.start()

    def _pump_forever(self) -> None:
        while True:
            time.sleep(0.25)
            try:
                self.pump()
            except Exception:  # keep housekeeping alive whatever one job does
                pass


REGISTRY = Registry()
