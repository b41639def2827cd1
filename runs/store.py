"""Everything that outlives the server process, under one data directory: SQLite (workspaces, runs, links), weights, saved runs."""
from __future__ import annotations

import copy
import json
import os
import re
import secrets
import sqlite3
import tempfile
import threading
import time
from pathlib import Path
from urllib.parse import parse_qs, urlencode, urlsplit, urlunsplit

from builder.checked_project import Checked, checked
from builder.project import Project, load_project
from export.bundle import Bundle, BundleError, build_bundle, read_bundle
from i18n import _

from . import limits

WS_PATTERN = re.compile(r"^[A-Za-z0-9_-]{6,64}$")  # ids come from the URL: accept nothing else
KEEP_RUNS = limits.STORED_RUNS  # runs kept per workspace by default (the oldest ended ones are pruned)
LIVE = ("queued", "running", "paused")  # states of a run that a restart interrupts
PARAM = "run"  # the query key of a short link: ?run=<id>
ID_PATTERN = re.compile(r"^[A-Za-z0-9_-]{10}$")
FOLDER = "shared"

SCHEMA = """
CREATE TABLE IF NOT EXISTS workspaces (ws TEXT PRIMARY KEY, project TEXT NOT NULL, updated REAL NOT NULL);
CREATE TABLE IF NOT EXISTS runs (id TEXT PRIMARY KEY, ws TEXT NOT NULL, label TEXT NOT NULL, created REAL NOT NULL,
                                 project TEXT NOT NULL, snapshot TEXT NOT NULL);
CREATE INDEX IF NOT EXISTS runs_ws ON runs (ws, created);
CREATE TABLE IF NOT EXISTS links (id TEXT PRIMARY KEY, ws TEXT NOT NULL, created REAL NOT NULL);
"""


class RunNotFound(LookupError):
    """No saved run under that id (or the id is not one we would ever make)."""


class QuotaError(RuntimeError):
    """A workspace reached one of its quotas; the message names it and the variable that sets it."""


def data_dir(path=None) -> Path:
    """The one data directory: the argument, else NEUROCANVAS_DATA, else ./data."""
    return Path(path or os.environ.get("NEUROCANVAS_DATA") or "data")


def valid_ws(ws) -> bool:
    return isinstance(ws, str) and bool(WS_PATTERN.match(ws))


def weights_path(run_id: str, root=None) -> Path:
    """Where a worker writes the weights of a run that ended (the server process keeps no model)."""
    if not isinstance(run_id, str) or not re.fullmatch(r"[A-Za-z0-9_-]{1,64}", run_id):
        raise ValueError(f"'{str(run_id)[:40]}' is not a run id")
    return data_dir(root) / "weights" / f"{run_id}.pt"


class Store:
    """Small, synchronous, thread-safe (one connection guarded by a lock; writes are small)."""

    def __init__(self, path: str | Path | None = None):
        path = Path(path) if path else data_dir() / "neurocanvas.sqlite"
        path.parent.mkdir(parents=True, exist_ok=True)
        self.path = path
        self._lock = threading.Lock()
        self._db = sqlite3.connect(str(path), check_same_thread=False, timeout=10)
        with self._lock, self._db:
            self._db.execute("PRAGMA journal_mode=WAL")
            self._db.executescript(SCHEMA)
            columns = [r[1] for r in self._db.execute("PRAGMA table_info(runs)")]
            if "state" not in columns:  # files written before runs were saved while they train
                self._db.execute("ALTER TABLE runs ADD COLUMN state TEXT NOT NULL DEFAULT 'finished'")

    def save_project(self, ws: str, project: dict) -> None:
        text = json.dumps(project, allow_nan=False)
        with self._lock, self._db:
            self._db.execute("INSERT INTO workspaces (ws, project, updated) VALUES (?, ?, ?) "
                             "ON CONFLICT(ws) DO UPDATE SET project = excluded.project, updated = excluded.updated",
                             (ws, text, time.time()))

    def load_project(self, ws: str) -> dict | None:
        with self._lock:
            row = self._db.execute("SELECT project FROM workspaces WHERE ws = ?", (ws,)).fetchone()
        return json.loads(row[0]) if row else None

    def save_run(self, ws: str, run_id: str, label: str, created: float, project: dict, snapshot: dict) -> None:
        """Insert or update a run; its state is the snapshot's status. Prunes the oldest ended runs over quota."""
        state = snapshot.get("status") or "finished"
        with self._lock, self._db:
            self._db.execute("INSERT OR REPLACE INTO runs (id, ws, label, created, project, snapshot, state) "
                             "VALUES (?, ?, ?, ?, ?, ?, ?)",
                             (run_id, ws, label, created, json.dumps(project), json.dumps(snapshot), state))
            self._db.execute(f"DELETE FROM runs WHERE ws = ? AND state NOT IN {LIVE} AND id NOT IN "
                             "(SELECT id FROM runs WHERE ws = ? ORDER BY created DESC LIMIT ?)", (ws, ws, limits.stored_runs()))

    def load_runs(self, ws: str) -> list[dict]:
        """[{"id", "label", "created", "project", "snapshot"}] oldest first."""
        with self._lock:
            rows = self._db.execute("SELECT id, label, created, project, snapshot FROM runs WHERE ws = ? "
                                    "ORDER BY created", (ws,)).fetchall()
        return [{"id": r[0], "label": r[1], "created": r[2], "project": json.loads(r[3]),
                 "snapshot": json.loads(r[4])} for r in rows]

    def live_runs(self) -> list[dict]:
        """Runs the store last saw training: [{"id", "ws"}] (after a restart: to reattach or mark interrupted)."""
        with self._lock:
            rows = self._db.execute(f"SELECT id, ws FROM runs WHERE state IN {LIVE} ORDER BY created").fetchall()
        return [{"id": r[0], "ws": r[1]} for r in rows]

    def interrupt(self, run_id: str, message: str) -> None:
        """Mark a run that was training when the server went away; its curve so far stays."""
        with self._lock, self._db:
            row = self._db.execute("SELECT snapshot FROM runs WHERE id = ?", (run_id,)).fetchone()
            if row:
                snap = {**json.loads(row[0]), "status": "interrupted", "message": message}
                self._db.execute("UPDATE runs SET snapshot = ?, state = 'interrupted' WHERE id = ?",
                                 (json.dumps(snap), run_id))

    def delete_run(self, ws: str, run_id: str) -> None:
        with self._lock, self._db:
            self._db.execute("DELETE FROM runs WHERE ws = ? AND id = ?", (ws, run_id))

    def add_link(self, ws: str, link_id: str) -> None:
        """Count a short link against its workspace's quota; QuotaError when the quota is reached."""
        quota = limits.links_per_workspace()
        with self._lock, self._db:
            (n,) = self._db.execute("SELECT COUNT(*) FROM links WHERE ws = ?", (ws,)).fetchone()
            if n >= quota:
                raise QuotaError(f"this workspace has reached its quota of {quota} short links "
                                 f"(NEUROCANVAS_MAX_LINKS)")
            self._db.execute("INSERT INTO links (id, ws, created) VALUES (?, ?, ?)", (link_id, ws, time.time()))

    def shared(self):
        """(connection, lock) for other tables in the same file (runs.classes)."""
        return self._db, self._lock

    def close(self) -> None:
        with self._lock:
            self._db.close()


# ----- short links to saved trained runs: a bundle file under <data dir>/shared/<id>.zip

def run_path(run_id: str, root=None) -> Path:
    if not isinstance(run_id, str) or not ID_PATTERN.match(run_id):
        raise RunNotFound(f"'{str(run_id)[:40]}' is not a saved-run id")
    return data_dir(root) / FOLDER / f"{run_id}.zip"


def save_run(project, model=None, snapshot: dict | None = None, root=None, ws: str | None = None) -> str:
    """Save project (a builder.Checked, or a dict checked here), weights (module or state_dict), curves and last
    probes; returns a new short id.

    With `ws`, the link counts against that workspace's quota (QuotaError names it when reached)."""
    data = build_bundle(project if isinstance(project, Checked) else checked(load_project(project)), model, snapshot)
    folder = data_dir(root) / FOLDER
    folder.mkdir(parents=True, exist_ok=True)
    while True:
        run_id = secrets.token_urlsafe(8)[:10]  # 60 random bits
        path = folder / f"{run_id}.zip"
        if not path.exists():
            break
    if ws is not None:
        db = Store(data_dir(root) / "neurocanvas.sqlite")
        try:
            db.add_link(ws, run_id)
        finally:
            db.close()
    fd, tmp = tempfile.mkstemp(dir=folder, suffix=".part")
    try:
        with os.fdopen(fd, "wb") as f:
            f.write(data)
        os.replace(tmp, path)  # readers never see half a file
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise
    return run_id


def load_run(run_id: str, root=None) -> Bundle:
    """The saved run; RunNotFound for an unknown id, BundleError if the file was damaged on disk."""
    path = run_path(run_id, root)
    if not path.is_file():
        raise RunNotFound(_("no saved run '{run_id}' on this server (it may have been removed)").format(run_id=run_id))
    try:
        return read_bundle(path)
    except BundleError as e:
        raise BundleError(_("saved run '{run_id}': {why}").format(run_id=run_id, why=e)) from None


def copy_project(bundle: Bundle) -> Project:
    """An editable copy of a saved run's project ("make a copy" to continue training)."""
    project = copy.deepcopy(bundle.project)
    project.name = f"{project.name} (copy)"
    return project


def run_url(base_url: str, run_id: str) -> str:
    """base_url with ?run=<id> (other query keys kept)."""
    run_path(run_id)  # refuse ids we would never make
    parts = urlsplit(base_url)
    query = [(k, v) for k, vs in parse_qs(parts.query, keep_blank_values=True).items() for v in vs if k != PARAM]
    return urlunsplit(parts._replace(query=urlencode(query + [(PARAM, run_id)])))
