"""Run: one training request of a workspace, from the queue to its final snapshot (plain data once it ended)."""
from __future__ import annotations

import time
from dataclasses import dataclass, field

TERMINAL = ("finished", "failed", "stopped", "interrupted")
HISTORY = 80  # probe pictures kept per run for the "over time" charts


@dataclass
class Run:
    id: str
    ws: str
    label: str
    project: dict
    created: float = field(default_factory=time.time)
    job: object | None = None           # the job interface once it left the queue (a proxy; plain data once ended)
    final: dict | None = None           # last snapshot once terminal (or loaded from the store)
    error: str | None = None            # why the job could not even be created
    probe_history: list = field(default_factory=list)  # [{"step", "activations"}] oldest first
    start_paused: bool = False
    saved: bool = False
    shown: dict | None = None           # the probes the dashboard pictures show (see shown_probes)
    shown_at: float = 0.0
    persisted: int | None = None        # revision of the snapshot last written to the store
    group: str | None = None            # the request it belongs to (the variants of one click); None: its own
    checked: object | None = None       # the builder.Checked it trains (None: a plain dict, or loaded from the store)
    client: str | None = None           # whom the fair queue serves it for: "class:<code>" or "ws:<id>" (default)
    started: float | None = None        # time.monotonic() when it left the queue (its time limit counts from here)
    ended_by: object | None = None      # the server's reason when it stopped the run itself (an i18n Message)

    def __post_init__(self):
        self.group = self.group or self.id
        self.client = self.client or f"ws:{self.ws}"

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
