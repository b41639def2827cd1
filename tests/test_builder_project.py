"""The project document: load from every source, save, round trips that keep unknown keys, and the CLI on presets."""
from __future__ import annotations

import copy
import json
import subprocess
import sys
from pathlib import Path

import pytest

from builder import Graph, Project, ProjectError, as_graph, check, load_project, save_project
from graph_factory import make_project

ROOT = Path(__file__).resolve().parents[1]
PRESETS = sorted((ROOT / "presets").glob("*.json"))


def with_unknown_keys(project: dict) -> dict:
    """A project with a future key at every level a later version might add one."""
    p = copy.deepcopy(project)
    p["x_future"] = {"theme": "dark", "list": [1, 2.5, None, "é"]}
    p["graph"]["x_view"] = {"zoom": 1.25}
    p["graph"]["nodes"][0]["x_note"] = "where the data enters"
    p["graph"]["nodes"][1]["x_colour"] = "#ff0000"
    p["graph"]["edges"][0]["x_label"] = "pixels"
    p["training"]["x_scheduler"] = {"type": "StepLR", "step_size": 2}
    return p


def test_round_trip_keeps_unknown_keys_at_every_level(tmp_path, seed_mlp):
    original = with_unknown_keys(seed_mlp)
    project = load_project(original)
    assert project.to_dict() == original
    path = tmp_path / "saved.json"
    save_project(project, path)
    assert json.loads(path.read_text(encoding="utf-8")) == original
    assert load_project(path).to_dict() == original
    assert check(path).ok  # unknown keys are not errors


def test_round_trip_does_not_alias_the_input(seed_mlp):
    original = with_unknown_keys(seed_mlp)
    project = load_project(original)
    original["graph"]["nodes"][1]["params"]["out_features"] = 1
    original["x_future"]["theme"] = "light"
    assert project.graph.nodes[1].params["out_features"] == 128
    out = project.to_dict()
    out["graph"]["nodes"][1]["params"]["out_features"] = 7
    out["x_future"]["list"].append(3)
    assert project.graph.nodes[1].params["out_features"] == 128 and project.extra["x_future"]["list"] == [1, 2.5, None, "é"]


@pytest.mark.parametrize("path", PRESETS, ids=[p.stem for p in PRESETS])
def test_every_preset_loads_checks_and_round_trips_exactly(tmp_path, path):
    original = json.loads(path.read_text(encoding="utf-8"))
    project = load_project(path)
    assert project.to_dict() == original
    save_project(project, tmp_path / path.name)
    assert json.loads((tmp_path / path.name).read_text(encoding="utf-8")) == original
    report = check(project)
    assert report.ok, [str(p) for p in report.errors]


def test_load_from_path_string_dict_and_project(tmp_path, seed_mlp):
    path = tmp_path / "p.json"
    path.write_text(json.dumps(seed_mlp))
    by_path, by_str, by_dict = load_project(path), load_project(str(path)), load_project(seed_mlp)
    assert by_path.to_dict() == by_str.to_dict() == by_dict.to_dict() == seed_mlp
    assert load_project(by_dict) is by_dict
    assert [n.id for n in by_dict.graph.nodes] == ["in", "fc1", "relu1", "fc2", "relu2", "out"]
    assert by_dict.graph.nodes[1].params == {"out_features": 128} and by_dict.graph.nodes[1].pos is None
    assert (by_dict.graph.edges[0].source, by_dict.graph.edges[0].target, by_dict.graph.edges[0].target_port) == \
           ("in", "fc1", None)
    assert by_dict.training["optimizer"] == {"type": "Adam", "lr": 0.001}


def test_optional_fields_get_defaults_and_are_written_back(seed_mlp):
    minimal = {"format": "neurocanvas/1", "graph": seed_mlp["graph"]}
    project = load_project(minimal)
    assert (project.name, project.description, project.training) == ("Untitled", "", {})
    assert load_project(project.to_dict()).to_dict() == project.to_dict()


def test_positions_and_ports_survive(tmp_path):
    p = make_project([{"id": "in", "type": "Input", "params": {"shape": [4]}, "pos": [10, -20.5]},
                      {"id": "a", "type": "ReLU", "params": {}, "pos": [200, 0]},
                      {"id": "m", "type": "Concat", "params": {}}],
                     [("in", "a"), ("a", "m", 1), ("in", "m", 0)])
    save_project(load_project(p), tmp_path / "p.json")
    back = load_project(tmp_path / "p.json")
    assert back.graph.nodes[0].pos == [10, -20.5] and back.graph.nodes[2].pos is None
    assert [e.target_port for e in back.graph.edges] == [None, 1, 0]
    assert back.to_dict() == p
    assert check(back).inputs["m"] == ["in", "a"]  # port order, not edge order


def test_save_writes_readable_utf8_json(tmp_path, seed_mlp):
    seed_mlp["description"] = "Ziffern 8×8 — «SimpleNet»"
    path = tmp_path / "p.json"
    save_project(load_project(seed_mlp), path)
    text = path.read_text(encoding="utf-8")
    assert "8×8 — «SimpleNet»" in text and text.endswith("\n") and text.startswith("{\n")


def test_bare_graph_is_accepted_where_a_project_is(seed_mlp):
    graph = as_graph(seed_mlp["graph"])
    assert isinstance(graph, Graph) and graph.to_dict() == seed_mlp["graph"]
    assert check(seed_mlp["graph"]).shapes == check(seed_mlp).shapes
    assert as_graph(load_project(seed_mlp)).to_dict() == seed_mlp["graph"]


@pytest.mark.parametrize("mutate, words", [
    (lambda p: p.update(format="neurocanvas/0"), ['"format" must be "neurocanvas/1"']),
    (lambda p: p.pop("graph"), ['"graph" must be an object']),
    (lambda p: p["graph"].update(nodes={}), ["graph.nodes must be a list"]),
    (lambda p: p["graph"].update(edges="in->fc1"), ["graph.edges must be a list"]),
    (lambda p: p.update(training=[]), ['"training" must be an object']),
    (lambda p: p.update(name=3), ['"name" must be a string']),
    (lambda p: p["graph"]["nodes"][1].update(id=""), ['graph.nodes[1] needs a non-empty string "id"']),
    (lambda p: p["graph"]["nodes"][1].update(type=None), ['node fc1: "type" must be a layer name string']),
    (lambda p: p["graph"]["nodes"][1].update(pos=[1]), ['node fc1: "pos" must be [x, y]']),
    (lambda p: p["graph"]["edges"][0].update(target_port=-1), ["graph.edges[0] (in → fc1)", "non-negative integer"]),
    (lambda p: p["graph"]["edges"].append("fc1"), ["graph.edges[5] must be an object"]),
])
def test_structural_errors_name_the_field(seed_mlp, mutate, words):
    mutate(seed_mlp)
    with pytest.raises(ProjectError) as info:
        load_project(seed_mlp)
    assert all(w in str(info.value) for w in words), str(info.value)
    report = check(seed_mlp)  # check turns the same problem into a report, never an exception
    assert not report.ok and all(w in report.errors[0].message for w in words)


def test_too_many_nodes_and_too_large_files_are_refused(tmp_path):
    nodes = [("in", "Input", {"shape": [4]})] + [(f"r{i}", "ReLU") for i in range(2500)]
    with pytest.raises(ProjectError, match="more than the limit"):
        load_project(make_project(nodes))
    big = tmp_path / "big.json"
    big.write_text(" " * 6_000_000 + "{}")
    with pytest.raises(ProjectError, match="too large"):
        load_project(big)


def test_project_object_is_what_the_contract_says(seed_mlp):
    project = load_project(seed_mlp)
    assert isinstance(project, Project) and project.name == "test"
    node = project.graph.node("fc2")
    assert (node.id, node.type, node.params) == ("fc2", "Linear", {"out_features": 64})
    assert project.graph.node("nope") is None


def test_cli_checks_every_preset_by_subprocess():
    """`python -m builder check FILE` on each shipped preset: exit 0, a row per node, the same total as check()."""
    script = ("import sys, builder.cli as c\n"
              "for f in sys.argv[1:]:\n"
              "    print('=== ' + f, flush=True)\n"
              "    code = c.main(['check', f])\n"
              "    print('=== exit %d' % code, flush=True)\n")
    proc = subprocess.run([sys.executable, "-c", script, *map(str, PRESETS)], cwd=ROOT, capture_output=True,
                          text=True, timeout=300)
    assert proc.returncode == 0 and "Traceback" not in proc.stdout + proc.stderr, proc.stderr
    blocks = proc.stdout.split("=== ")[1:]
    for path in PRESETS:
        head = next(i for i, b in enumerate(blocks) if b.startswith(str(path)))
        table, exit_line = blocks[head], blocks[head + 1]
        assert exit_line.strip() == "exit 0", (path, proc.stderr)
        report = check(path)
        assert f"total trainable parameters: {report.total_params:,}" in table
        for nid in report.order:
            assert any(line.split()[:1] == [nid] for line in table.splitlines()), (path, nid)


def test_python_m_builder_check_is_the_entry_point(tmp_path, seed_mlp):
    path = tmp_path / "seed.json"
    save_project(load_project(with_unknown_keys(seed_mlp)), path)
    proc = subprocess.run([sys.executable, "-m", "builder", "check", str(path)], cwd=ROOT, capture_output=True,
                          text=True, timeout=120)
    assert proc.returncode == 0, proc.stderr
    assert "total trainable parameters: 17,226" in proc.stdout and "Traceback" not in proc.stderr
