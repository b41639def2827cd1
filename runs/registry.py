"""Server-side registry of training runs keyed by workspace id: capacity, a fair queue, workers, the store.

Runs belong to the workspace (the id in the URL), not to a browser session, so a refreshed page
reattaches to its still-running training instead of starting over. Trainings never run in this
process: each is a worker behind the job interface (runs.pool, or runs.ray_backend). No streamlit here.
"""
from __future__ import annotations

import copy
import itertools
import os
import threading
import time
import uuid

from builder import Checked
from i18n import N_, _

from . import admission, capacity, limits
from .classes import Classes
from .ended import EndedJob, ended_snapshot
from .run import HISTORY, TERMINAL, Run  # noqa: F401  (re-exported: the views import them from here)
from .store import weights_path

PERSIST_S = 1.0  # how often a training run's curve so far is written to the store


class Registry:
    """All runs of this server process. Thread-safe; one daemon thread promotes the queue, saves and reaps."""

    def __init__(self, job_factory=None, max_active: int | None = None, orphan_timeout: float | None = None,
                 on_finish=None, backend=None, per_workspace: int | None = None):
        self.job_factory = job_factory      # tests: project -> an in-process job; None: the backend's workers
        self._backend = backend
        self.max_active = max_active or limits.max_trainings(backend.size if backend else limits.pool_size())
        self.per_workspace = per_workspace or limits.runs_per_workspace()
        self.orphan_timeout = orphan_timeout or float(os.environ.get("NEUROCANVAS_ORPHAN_TIMEOUT", "1800"))
        self.on_finish = on_finish          # called with a Run once it ends (saves it to the store)
        self.store = None
        self.classes = None                 # runs.classes.Classes on the store: class members and their locks
        self._runs: dict[str, list[Run]] = {}
        self._queue: list[Run] = []
        self._orphaned: dict[str, float] = {}  # ws -> when its last browser session went away
        self._lock = threading.RLock()
        self._seq = itertools.count(1)
        self._served: dict[str, int] = {}   # client or "ws:<id>" -> when it last got a slot (the fair queue's turn)
        self._ticks = itertools.count(1)
        self._pump_thread: threading.Thread | None = None
        self._persisted_at = 0.0

    @property
    def backend(self):
        with self._lock:
            if self._backend is None:
                from .backends import make_backend
                self._backend = make_backend()
            return self._backend

    def warm(self) -> None:
        """Start the workers now (the first page calls it), so Train never waits for torch to import."""
        if self.job_factory is None:
            self.backend.start()

    def ready(self, timeout: float | None = None) -> bool:
        """Wait until the workers are warm (tests and benchmarks)."""
        return True if self.job_factory is not None else self.backend.ready(timeout)

    def attach_store(self, store) -> None:
        """Save ended runs and training curves to `store`; runs it last saw training are reattached
        (Ray actors outlive the server) or marked interrupted, their curve so far kept."""
        self.store = store
        self.classes = Classes(*store.shared())
        self.on_finish = lambda run: store.save_run(run.ws, run.id, run.label, run.created, run.project, run.final)
        for row in store.live_runs():
            if self.job_factory is None and self._reattach(row):
                continue
            store.interrupt(row["id"], _("the server restarted while this run was training; its curve so far is kept"))

    def _reattach(self, row: dict) -> bool:
        job = self.backend.reattach(row["id"])
        if job is None:
            return False
        saved = next((r for r in self.store.load_runs(row["ws"]) if r["id"] == row["id"]), None)
        if saved is None:
            return False
        run = Run(id=row["id"], ws=row["ws"], label=saved["label"], project=saved["project"], created=saved["created"],
                  job=job, started=time.monotonic(),  # its time limit counts from here: when it began is not kept
                  client=admission.client_of(row["ws"], self.classes.member(row["ws"])))
        with self._lock:
            self._runs.setdefault(run.ws, []).append(run)
        self._ensure_pump_thread()
        return True

    # ----- runs of a workspace
    def submit(self, ws: str, project, label: str | None = None, start_paused: bool = False,
               group: str | None = None) -> Run:
        """Queue a run of `project`: a builder.Checked agreed with its data (trainers.agreement.checked: the worker
        compiles it as it is), or a plain dict (copied; the worker's door parses and checks it). It starts when a
        slot is free; runs of one `group` (new_group()) are one request for the per-workspace limit.
        admission.Refused (nothing queued) when it is over this server's limits or not what the class allows."""
        checked = project if isinstance(project, Checked) else None
        plain = checked.doc if checked else copy.deepcopy(project)
        run = Run(id=uuid.uuid4().hex[:10], ws=ws, label=label or f"run {next(self._seq)}", project=plain,
                  start_paused=start_paused, group=group, client=admission.admit(ws, plain, self.classes),
                  checked=checked)
        with self._lock:
            self._runs.setdefault(ws, []).append(run)
            self._queue.append(run)
        self.pump()
        self._ensure_pump_thread()
        return run

    @staticmethod
    def new_group() -> str:
        """An id that makes several submits one request ("Run all variants")."""
        return "group-" + uuid.uuid4().hex[:10]

    def adopt(self, ws: str, run: Run) -> None:
        """Add an ended run loaded from the store (after a server restart) unless it is known already."""
        if run.job is None and run.final is not None:
            path = weights_path(run.id)
            if path.is_file():  # its weights were written by its worker: it can be exported and shared
                run.job = EndedJob(run.final, path)
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

    def queue_position(self, run: Run) -> int | None:
        """1 for the next run to start (in the fair queue's order); None when it is not waiting."""
        with self._lock:
            order = capacity.fair_order(self._queue, self._active(), self._served)
            return order.index(run) + 1 if run in order else None

    def wait_estimate(self, run: Run) -> float | None:
        """Seconds until a queued run is expected to start; None when it is not waiting."""
        position = self.queue_position(run)
        if position is None:
            return None
        with self._lock:
            active = self._active()
            ended = [r.final for rs in self._runs.values() for r in rs if r.final and r.job is not None]
        typical = capacity.typical_duration(ended)
        left = [capacity.remaining(r.snapshot(), typical) for r in active]
        return capacity.wait_estimate(position, left, self.max_active, typical)

    def stop(self, run: Run) -> None:
        with self._lock:
            if run in self._queue:
                self._queue.remove(run)
                run.final = {**run.snapshot(), "status": "stopped", "message": _("stopped before it started")}
        if run.job is not None and not run.done:
            run.job.stop()
        self.pump()

    def stop_all(self, ws: str | None = None) -> None:
        for r in [r for w, rs in list(self._runs.items()) if ws in (None, w) for r in rs]:
            self.stop(r)

    def active_count(self) -> int:
        with self._lock:
            return len(self._active())

    def _active(self) -> list[Run]:
        return [r for rs in self._runs.values() for r in rs if r.job is not None and r.final is None and not r.done]

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
        self._reap_orphans()
        self._expire()
        with self._lock:
            while len(self._active()) < self.max_active:
                run = capacity.next_queued(self._queue, self._active(), self.per_workspace, self._served)
                if run is None:
                    break
                self._queue.remove(run)
                self._start(run)
            ended = [r for rs in self._runs.values() for r in rs if r.job is not None and r.final is None and r.done]
        for r in ended:
            self._finish(r)
        self._persist()

    def _reap_orphans(self) -> None:
        now = time.time()
        with self._lock:
            for ws, since in list(self._orphaned.items()):
                if now - since > self.orphan_timeout:
                    self._orphaned.pop(ws)
                    for r in self._runs.get(ws, []):
                        if r in self._queue:
                            self._queue.remove(r)
                            r.final = {**r.snapshot(), "status": "stopped",
                                       "message": _("abandoned: nobody was watching")}
                        elif r.job is not None and not r.done:
                            r.job.stop()

    def _expire(self) -> None:
        """Stop the runs that reached this server's time limit; their curve and weights are kept, the reason said."""
        limit_s, now = limits.run_minutes() * 60, time.monotonic()
        with self._lock:
            due = [r for r in self._active() if r.ended_by is None and now - (r.started or now) >= limit_s]
            for run in due:
                run.ended_by = N_("stopped at this server's time limit of {minutes} minutes per run "
                                  "(NEUROCANVAS_RUN_MINUTES); its curve so far and its weights are kept",
                                  minutes=format(limit_s / 60, "g"))
        for run in due:  # a worker confirms a stop within seconds: never hold the pump thread for it
            threading.Thread(target=run.job.stop, name="neurocanvas-time-limit", daemon=True).start()

    def _start(self, run: Run) -> None:
        run.started = time.monotonic()
        capacity.served(self._served, run, next(self._ticks))
        try:
            if self.job_factory is None:
                run.job = self.backend.launch(run.id, run.checked or run.project, paused=run.start_paused)
                return
            run.job = self.job_factory(run.checked or run.project)
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
        if hasattr(run.job, "close"):  # a worker: it writes the weights to disk and ends; keep plain data only
            run.job = run.job.close(weights_path(run.id))
            run.final = run.job.snapshot()
        if run.ended_by is not None and run.final.get("status") == "stopped":  # the server stopped it: say why
            run.final = ended_snapshot(run.final, run.ended_by)
            if isinstance(run.job, EndedJob):
                run.job = EndedJob(run.final, run.job.weights_path)
        if self.on_finish and not run.saved:
            run.saved = True
            try:
                self.on_finish(run)
            except Exception:  # the store failing must never kill the pump thread
                run.saved = False

    def _persist(self) -> None:
        """Write each training run's snapshot (curves, not pictures) to the store about once a second."""
        if self.store is None or time.monotonic() - self._persisted_at < PERSIST_S:
            return
        self._persisted_at = time.monotonic()
        with self._lock:
            active = self._active()
        for run in active:
            snap = run.snapshot()
            if snap.get("revision") != run.persisted and snap.get("status") in ("running", "paused"):
                try:
                    self.store.save_run(run.ws, run.id, run.label, run.created, run.project, {**snap, "probes": None})
                    run.persisted = snap.get("revision")
                except Exception:  # a full disk: the run trains on, the next write may succeed
                    pass

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
