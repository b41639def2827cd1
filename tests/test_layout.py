"""builder.layout.auto_layout (the canvas's layout): layers by longest path, robust to broken graphs, wrapped."""
from __future__ import annotations

import json
from pathlib import Path

import networkx as nx
import pytest

from builder.layout import DX, DY, _layers, auto_layout
from graph_factory import make_project

ROOT = Path(__file__).resolve().parents[1]
PRESETS = sorted((ROOT / "presets").glob("*.json"))


def _pos(graph: dict) -> dict:
    return {n["id"]: n["pos"] for n in auto_layout(graph)["nodes"]}


def residual_graph():
    return make_project([("in", "Input", {"shape": [16]}), ("fc1", "Linear", {"out_features": 16}), ("r1", "ReLU"),
                         ("fc2", "Linear", {"out_features": 16}), ("add", "Add"), ("head", "Linear", {"out_features": 4})],
                        [("in", "fc1"), ("fc1", "r1"), ("r1", "fc2"), ("fc2", "add"), ("in", "add"),
                         ("add", "head")])["graph"]


def test_layers_are_longest_path_depth_top_to_bottom_in_one_column_when_short():
    pos = _pos(residual_graph())
    assert sorted(pos, key=lambda n: (pos[n][0], pos[n][1])) == ["in", "fc1", "r1", "fc2", "add", "head"]
    # six layers stay in one column (issue 14: two columns joined by a long back edge confused newcomers)
    assert {y for _, y in pos.values()} == {i * DY for i in range(6)} and len({x for x, _ in pos.values()}) == 1
    assert pos["add"][1] == 4 * DY  # one layer below fc2: the skip from the Input does not pull it up


def test_branches_share_a_layer_centred_under_their_parent():
    graph = make_project([("in", "Input", {"shape": [4]}), ("b", "ReLU"), ("a", "Tanh"), ("c", "Sigmoid"),
                          ("m", "Concat")], [("in", "b"), ("in", "a"), ("in", "c"), ("b", "m"), ("a", "m"),
                                             ("c", "m")])["graph"]
    pos = _pos(graph)
    assert [pos[n] for n in ("b", "a", "c")] == [[-DX, DY], [0, DY], [DX, DY]]  # file order, centred
    assert pos["in"] == [0, 0] and pos["m"] == [0, 2 * DY]


@pytest.mark.parametrize("path", PRESETS, ids=[p.stem for p in PRESETS])
def test_every_preset_gets_a_distinct_place_for_every_node(path):
    graph = json.loads(path.read_text(encoding="utf-8"))["graph"]
    pos = _pos(graph)
    assert set(pos) == {n["id"] for n in graph["nodes"]}
    assert len({tuple(p) for p in pos.values()}) == len(pos)
    assert all(isinstance(v, int) for p in pos.values() for v in p)


def test_cycles_and_dangling_edges_still_place_every_node():
    graph = make_project([("in", "Input", {"shape": [4]}), ("a", "ReLU"), ("b", "Tanh"), ("c", "ReLU"),
                          ("lonely", "GELU")],
                         [("in", "a"), ("a", "b"), ("b", "a"), ("b", "c"), ("c", "ghost"), ("ghost", "in"),
                          ("c", "c")])["graph"]
    pos = _pos(graph)
    assert set(pos) == {"in", "a", "b", "c", "lonely"}
    assert pos["a"][1] == pos["b"][1]  # the cycle a <-> b collapses into one layer
    assert pos["in"][1] < pos["a"][1] < pos["c"][1]
    assert len({tuple(p) for p in pos.values()}) == len(pos)


def test_empty_and_partial_graphs():
    assert auto_layout({}) == {}
    assert auto_layout({"nodes": [], "edges": []}) == {"nodes": [], "edges": []}
    assert auto_layout({"nodes": [{"id": "only", "type": "Input"}]})["nodes"][0]["pos"] == [0, 0]


def test_layout_is_deterministic_and_leaves_the_graph_alone():
    graph = residual_graph()
    before = json.dumps(graph, sort_keys=True)
    assert auto_layout(graph) == auto_layout(json.loads(before))
    assert json.dumps(graph, sort_keys=True) == before


def test_layers_match_networkx_longest_paths_on_a_wide_graph():
    """A 40-node lattice: each node's layer (row, column by column) is its longest path from the Input."""
    nodes = [("in", "Input", {"shape": [4]})] + [(f"n{i}", "ReLU") for i in range(40)]
    edges = [("in", "n0")] + [(f"n{i}", f"n{j}") for i in range(40) for j in (i + 1, i + 3) if j < 40]
    graph = make_project(nodes, edges)["graph"]
    g = nx.DiGraph([(e["source"], e["target"]) for e in graph["edges"]])
    depth = {n: nx.dag_longest_path_length(g.subgraph(nx.ancestors(g, n) | {n})) for n in g}
    assert {n: d for d, layer in enumerate(_layers(g)) for n in layer} == depth
    pos = _pos(graph)
    assert len({tuple(p) for p in pos.values()}) == len(pos)
