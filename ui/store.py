"""Workspaces on the server: the project and finished runs per workspace id, in one SQLite file.

The data directory is ./data unless NEUROCANVAS_DATA says otherwise. No streamlit here.
"""
from __future__ import annotations

import json
import os
import re
import sqlite3
import threading
import time
from pathlib import Path

WS_PATTERN = re.compile(r"^[A-Za-z0-9_-]{6,64}$")  # ids come from the URL: accept nothing else
KEEP_RUNS = 20  # finished runs kept per workspace

SCHEMA = """
CREATE TABLE IF NOT EXISTS workspaces (ws TEXT PRIMARY KEY, project TEXT NOT NULL, updated REAL NOT NULL);
CREATE TABLE IF NOT EXISTS runs (id TEXT PRIMARY KEY, ws TEXT NOT NULL, label TEXT NOT NULL, created REAL NOT NULL,
                                 project TEXT NOT NULL, snapshot TEXT NOT NULL);
CREATE INDEX IF NOT EXISTS runs_ws ON runs (ws, created);
"""


def data_dir() -> Path:
    return Path(os.environ.get("NEUROCANVAS_DATA") or "data")


def valid_ws(ws) -> bool:
    return isinstance(ws, str) and bool(WS_PATTERN.match(ws))


class Store:
    """Small, synchronous, thread-safe (one connection guarded by a lock; writes are rare and small)."""

    def __init__(self, path: str | Path | None = None):
        path = Path(path) if path else data_dir() / "neurocanvas.sqlite"
        path.parent.mkdir(parents=True, exist_ok=True)
        self.path = path
        self._lock = threading.Lock()
        self._db = sqlite3.connect(str(path), check_same_thread=False, timeout=10)
        with self._lock, self._db:
            self._db.execute("PRAGMA journal_mode=WAL")
            self._db.executescript(SCHEMA)

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
        with self._lock, self._db:
            self._db.execute("INSERT OR REPLACE INTO runs (id, ws, label, created, project, snapshot) "
                             "VALUES (?, ?, ?, ?, ?, ?)",
                             (run_id, ws, label, created, json.dumps(project), json.dumps(snapshot)))
            self._db.execute("DELETE FROM runs WHERE ws = ? AND id NOT IN "
                             "(SELECT id FROM runs WHERE ws = ? ORDER BY created DESC LIMIT ?)", (ws, ws, KEEP_RUNS))

    def load_runs(self, ws: str) -> list[dict]:
        """[{"id", "label", "created", "project", "snapshot"}] oldest first."""
        with self._lock:
            rows = self._db.execute("SELECT id, label, created, project, snapshot FROM runs WHERE ws = ? "
                                    "ORDER BY created", (ws,)).fetchall()
        return [{"id": r[0], "label": r[1], "created": r[2], "project": json.loads(r[3]),
                 "snapshot": json.loads(r[4])} for r in rows]

    def delete_run(self, ws: str, run_id: str) -> None:
        with self._lock, self._db:
            self._db.execute("DELETE FROM runs WHERE ws = ? AND id = ?", (ws, run_id))

    def shared(self):
        """(connection, lock) for other tables in the same file (runs.classes)."""
        return self._db, self._lock

    def close(self) -> None:
        with self._lock:
            self._db.close()
