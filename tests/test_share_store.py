"""Short links to saved runs: stored as validated bundles under the data directory, opened by a short id."""
import pytest
import torch

from builder import build_model, load_project
from export.bundle import BundleError
from runs.store import ID_PATTERN, RunNotFound, copy_project, data_dir, load_run, run_url, save_run
from export_graphs import GRAPHS
from test_bundle_roundtrip import SNAPSHOT


def test_save_and_open_a_run(tmp_path, monkeypatch):
    monkeypatch.setenv("NEUROCANVAS_DATA", str(tmp_path))
    project = load_project(GRAPHS["mlp"])
    model = build_model(project)
    run_id = save_run(project, model, SNAPSHOT)
    assert ID_PATTERN.match(run_id) and (tmp_path / "shared" / f"{run_id}.zip").is_file()
    assert not list((tmp_path / "shared").glob("*.part"))
    run = load_run(run_id)
    assert run.project.to_dict() == project.to_dict()
    assert run.epochs == SNAPSHOT["epochs"] and run.probes == SNAPSHOT["probes"]
    x = torch.randn(3, 64)
    torch.testing.assert_close(run.model().eval()(x), model.eval()(x))
    copy = copy_project(run)
    assert copy.name == "Digits MLP (copy)" and run.project.name == "Digits MLP"
    assert save_run(project, model, SNAPSHOT) != run_id


def test_data_dir_default_and_explicit_root(tmp_path, monkeypatch):
    monkeypatch.delenv("NEUROCANVAS_DATA", raising=False)
    assert str(data_dir()) == "data"
    run_id = save_run(GRAPHS["concat"], root=tmp_path)
    assert load_run(run_id, root=tmp_path).state_dict is None


@pytest.mark.parametrize("run_id", ["../../etc/passwd", "..%2F..%2Fx", "a/b", "", None, "short", "x" * 11,
                                    "abc def ghi"])
def test_ids_we_never_make_are_not_found(run_id, tmp_path):
    with pytest.raises(RunNotFound, match="not a saved-run id"):
        load_run(run_id, root=tmp_path)


def test_unknown_and_damaged_runs(tmp_path):
    with pytest.raises(RunNotFound, match="no saved run 'AAAAAAAAAA'"):
        load_run("AAAAAAAAAA", root=tmp_path)
    run_id = save_run(GRAPHS["mlp"], root=tmp_path)
    path = tmp_path / "shared" / f"{run_id}.zip"
    path.write_bytes(path.read_bytes()[:100])
    with pytest.raises(BundleError, match=f"saved run '{run_id}': not a bundle"):
        load_run(run_id, root=tmp_path)


def test_run_url():
    assert run_url("https://nc.example.org/?ws=abc123&run=old", "Ab_-012345") == \
        "https://nc.example.org/?ws=abc123&run=Ab_-012345"
    with pytest.raises(RunNotFound):
        run_url("https://nc.example.org/", "../x")


def test_open_query_for_runs_projects_and_errors(tmp_path):
    from export.links import encode_project
    from runs.opening import open_query
    run_id = save_run(GRAPHS["mlp"], build_model(load_project(GRAPHS["mlp"])), SNAPSHOT, root=tmp_path)
    opened = open_query({"ws": "abc123", "run": run_id}, root=tmp_path)
    assert opened.kind == "run" and opened.run.state_dict is not None and opened.project.name == "Digits MLP"
    opened = open_query({"project": [encode_project(GRAPHS["cnn"])]})
    assert opened.kind == "project" and opened.project.name == "Tiny CNN" and opened.error is None
    assert "cannot be opened: the share link is truncated" in open_query({"project": "1abcdefghi"}).error
    assert "no saved run" in open_query({"run": "AAAAAAAAAA"}, root=tmp_path).error
    assert open_query({"ws": "abc123"}) is None
