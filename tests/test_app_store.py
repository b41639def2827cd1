"""runs.store: projects and finished runs per workspace survive a new Store on the same file."""
import pytest

from runs.store import KEEP_RUNS, Store, valid_ws


def test_project_and_runs_round_trip(tmp_path, seed_mlp):
    db = Store(tmp_path / "nc.sqlite")
    db.save_project("ws_abc123", seed_mlp)
    snap = {"schema": 1, "status": "finished", "epochs": {"epoch": [1], "val_loss": [0.5]}, "probes": None}
    db.save_run("ws_abc123", "r1", "run 1", 10.0, seed_mlp, snap)
    db.close()
    again = Store(tmp_path / "nc.sqlite")
    assert again.load_project("ws_abc123") == seed_mlp
    assert again.load_project("ws_other1") is None
    [row] = again.load_runs("ws_abc123")
    assert (row["id"], row["label"], row["snapshot"], row["project"]) == ("r1", "run 1", snap, seed_mlp)
    again.delete_run("ws_abc123", "r1")
    assert again.load_runs("ws_abc123") == []


def test_keeps_only_the_latest_runs(tmp_path, seed_mlp):
    db = Store(tmp_path / "nc.sqlite")
    for i in range(KEEP_RUNS + 5):
        db.save_run("ws_abc123", f"r{i}", f"run {i}", float(i), seed_mlp, {"status": "finished"})
    ids = [r["id"] for r in db.load_runs("ws_abc123")]
    assert ids == [f"r{i}" for i in range(5, KEEP_RUNS + 5)]


def test_data_dir_from_environment(tmp_path, monkeypatch):
    monkeypatch.setenv("NEUROCANVAS_DATA", str(tmp_path / "elsewhere"))
    db = Store()
    assert db.path == tmp_path / "elsewhere" / "neurocanvas.sqlite" and db.path.exists()


@pytest.mark.parametrize("ws,ok", [("abc123def456", True), ("a-b_c1d", True), ("short", False),
                                   ("../../etc", False), ("x" * 65, False), (None, False), ("with space1", False)])
def test_workspace_ids_from_the_url_are_checked(ws, ok):
    assert valid_ws(ws) is ok
