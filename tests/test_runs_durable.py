"""Durable runs: curves reach SQLite while training; a server killed mid-run leaves an "interrupted" run with its curve."""
import json
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from runs.registry import Registry
from runs.store import QuotaError, Store, save_run

HERE = Path(__file__).resolve().parent


def test_a_run_saved_while_training_is_interrupted_by_a_restart(tmp_path, seed_mlp):
    db = Store(tmp_path / "nc.sqlite")
    curve = {"schema": 1, "status": "running", "steps": {"step": [1, 2], "loss": [2.3, 2.2]},
             "epochs": {"epoch": [1], "val_loss": [2.0]}, "probes": None}
    db.save_run("ws_abc123", "r_live", "run 1", 1.0, seed_mlp, curve)
    db.save_run("ws_abc123", "r_done", "run 2", 2.0, seed_mlp, {**curve, "status": "finished"})
    assert [r["id"] for r in db.live_runs()] == ["r_live"]
    Registry(job_factory=dict).attach_store(db)  # a new server process finds it
    rows = {r["id"]: r["snapshot"] for r in db.load_runs("ws_abc123")}
    assert rows["r_live"]["status"] == "interrupted" and "restarted" in rows["r_live"]["message"]
    assert rows["r_live"]["steps"] == curve["steps"] and rows["r_live"]["epochs"] == curve["epochs"]
    assert rows["r_done"]["status"] == "finished" and db.live_runs() == []


def test_live_runs_are_never_pruned_by_the_quota(tmp_path, seed_mlp, monkeypatch):
    monkeypatch.setenv("NEUROCANVAS_MAX_STORED_RUNS", "2")
    db = Store(tmp_path / "nc.sqlite")
    db.save_run("ws_abc123", "live", "l", 0.0, seed_mlp, {"status": "running"})
    for i in range(4):
        db.save_run("ws_abc123", f"r{i}", "r", float(i + 1), seed_mlp, {"status": "finished"})
    assert [r["id"] for r in db.load_runs("ws_abc123")] == ["live", "r2", "r3"]


def test_short_links_stop_at_the_workspace_quota_naming_it(tmp_path, seed_mlp, monkeypatch):
    monkeypatch.setenv("NEUROCANVAS_MAX_LINKS", "2")
    ids = [save_run(seed_mlp, root=tmp_path, ws="ws_abc123") for _ in range(2)]
    with pytest.raises(QuotaError, match="quota of 2 short links .*NEUROCANVAS_MAX_LINKS"):
        save_run(seed_mlp, root=tmp_path, ws="ws_abc123")
    assert len(set(ids)) == 2 and save_run(seed_mlp, root=tmp_path, ws="ws_other1")
    assert len(list((tmp_path / "shared").glob("*.zip"))) == 3, "a refused link leaves no file"


def test_an_old_store_file_gains_the_state_column(tmp_path, seed_mlp):
    import sqlite3
    old = sqlite3.connect(tmp_path / "nc.sqlite")
    old.executescript("CREATE TABLE runs (id TEXT PRIMARY KEY, ws TEXT NOT NULL, label TEXT NOT NULL, "
                      "created REAL NOT NULL, project TEXT NOT NULL, snapshot TEXT NOT NULL);"
                      "INSERT INTO runs VALUES ('r0', 'ws_abc123', 'run', 1.0, '{}', '{\"status\": \"finished\"}');")
    old.commit()
    old.close()
    db = Store(tmp_path / "nc.sqlite")
    assert db.live_runs() == [] and db.load_runs("ws_abc123")[0]["snapshot"] == {"status": "finished"}


@pytest.mark.slow
def test_a_server_killed_mid_run_shows_the_run_interrupted_with_its_curve(tmp_path, seed_mlp):
    seed_mlp["training"]["epochs"] = 500
    env = {**os.environ, "NEUROCANVAS_DATA": str(tmp_path)}
    server = subprocess.Popen([sys.executable, str(HERE / "runs_server.py"), json.dumps(seed_mlp)],
                              stdout=subprocess.PIPE, env=env, text=True)
    try:
        line = server.stdout.readline()  # once the store holds a curve with an epoch
        started = json.loads(line)
    finally:
        server.send_signal(signal.SIGKILL)
        server.wait(30)
    deadline = time.time() + 30
    while time.time() < deadline and any(_alive(pid) for pid in started["workers"]):
        time.sleep(0.2)
    assert not any(_alive(pid) for pid in started["workers"]), "a worker outlived its server"
    db = Store(tmp_path / "neurocanvas.sqlite")
    Registry(job_factory=dict).attach_store(db)
    [row] = db.load_runs("ws_restart")
    snap = row["snapshot"]
    assert row["id"] == started["run"] and row["label"] == "the long one"
    assert snap["status"] == "interrupted" and snap["epochs"]["epoch"][0] == 1 and len(snap["steps"]["step"]) > 10


def _alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    with open(f"/proc/{pid}/stat") as f:  # a zombie has ended; only its parent has not reaped it yet
        return f.read().split()[2] != "Z"
