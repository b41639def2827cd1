"""Parse once: a CLI export or a bundle read checks the project once; check is cached by the graph alone."""
import json

import pytest

import builder.cache
import builder.checked_project as checked_mod
from builder import checked, load_project
from builder.cli import main as builder_main
from export.bundle import build_bundle, read_bundle
from export.cli import main as export_main
from export_graphs import GRAPHS, entered


@pytest.fixture
def checks(monkeypatch):
    """The graphs check really ran on (cache misses), counted through the one uncached entry point."""
    ran = []
    real = checked_mod.run_check

    def counting(graph):
        ran.append([n.id for n in graph.nodes])
        return real(graph)

    monkeypatch.setattr(checked_mod, "run_check", counting)
    checked_mod.clear_cache()
    yield ran
    checked_mod.clear_cache()


CLIS = {"python -m export": export_main, "python -m builder export": lambda argv: builder_main(["export", *argv])}


@pytest.mark.parametrize("fmt", ["pytorch", "weights", "onnx"])
@pytest.mark.parametrize("cli", list(CLIS))
def test_one_cli_export_runs_check_once(cli, fmt, checks, tmp_path):
    src = tmp_path / "p.json"
    src.write_text(json.dumps(GRAPHS["mlp"]))
    out = tmp_path / f"out.{fmt}"
    assert CLIS[cli]([str(src), "--format", fmt, "-o", str(out)]) == 0
    assert out.stat().st_size > 0
    assert len(checks) == 1


def test_an_invalid_project_is_checked_once_and_named(checks, tmp_path, capsys):
    bad = {**GRAPHS["mlp"], "graph": {"nodes": [{"id": "in", "type": "Input", "params": {"shape": [4]}},
                                                {"id": "c", "type": "Conv2d", "params": {"out_channels": 2,
                                                                                          "kernel_size": 3}}],
                                      "edges": [{"source": "in", "target": "c"}]}}
    src = tmp_path / "bad.json"
    src.write_text(json.dumps(bad))
    assert builder_main(["export", str(src), "-o", str(tmp_path / "x.py")]) == 1
    assert "error: c: Conv2d expects [C, H, W], got [4]" in capsys.readouterr().err
    assert len(checks) == 1


def test_the_training_section_does_not_enter_the_cache_key(checks):
    plain = load_project(GRAPHS["mlp"])
    csv = {**GRAPHS["mlp"], "training": {**GRAPHS["mlp"]["training"], "dataset": "csv",
                                         "dataset_options": {"text": "a,b\n" + "1,2\n" * 400_000, "target": "b"}}}
    moved = json.loads(json.dumps(csv))
    for node in moved["graph"]["nodes"]:
        node["pos"] = [17, 42]  # dragging a node on the canvas changes nothing check reads
    first, second, third = checked(plain), checked(load_project(csv)), checked(load_project(moved))
    assert len(checks) == 1
    assert second.report.to_dict() == third.report.to_dict()
    graph_only = [{k: v for k, v in r.report.to_dict().items() if k != "memory"} for r in (first, second)]
    assert graph_only[0] == graph_only[1]  # the memory budget alone reads the training section (batch, optimizer)
    assert second.project.training["dataset"] == "csv"


def test_a_changed_graph_is_checked_again_and_reports_are_private(checks):
    first = checked(load_project(GRAPHS["mlp"]))
    wider = json.loads(json.dumps(GRAPHS["mlp"]))
    wider["graph"]["nodes"][1]["params"]["out_features"] = 48
    second = checked(load_project(wider))
    assert len(checks) == 2 and second.report.total_params != first.report.total_params
    first.report.warn("fc-1", "a note made by one caller")
    assert not checked(load_project(GRAPHS["mlp"])).report.warnings
    assert len(checks) == 2


def test_the_cache_is_bounded(checks, monkeypatch):
    monkeypatch.setattr(builder.cache, "SIZE", 2)
    projects = []
    for width in (3, 4, 5):
        p = json.loads(json.dumps(GRAPHS["mlp"]))
        p["graph"]["nodes"][1]["params"]["out_features"] = width
        projects.append(load_project(p))
        checked(projects[-1])
    checked(projects[2])
    assert len(checks) == 3  # the newest is still there
    checked(projects[0])
    assert len(checks) == 4  # the oldest was dropped


def test_a_bundle_is_checked_once_when_read(checks):
    data = build_bundle(entered(GRAPHS["concat"]), script=False)
    checks.clear()
    checked_mod.clear_cache()
    bundle = read_bundle(data)
    bundle.model()
    assert len(checks) == 1 and bundle.source.ok
