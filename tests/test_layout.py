"""builder.layout.auto_layout: columns by topological generation, centred rows, robust to broken graphs."""
from __future__ import annotations

import json
from collections import defaultdict
from pathlib import Path

import networkx as nx
import pytest

from builder.layout import X_GAP, Y_GAP, auto_layout
from graph_factory import make_project

ROOT = Path(__file__).resolve().parents[1]
PRESETS = sorted((ROOT / "presets").glob("*.json"))


def residual_graph():
    return make_project([("in", "Input", {"shape": [16]}), ("fc1", "Linear", {"out_features": 16}), ("r1", "ReLU"),
                         ("fc2", "Linear", {"out_features": 16}), ("add", "Add"), ("head", "Linear", {"out_features": 4})],
                        [("in", "fc1"), ("fc1", "r1"), ("r1", "fc2"), ("fc2", "add"), ("in", "add"),
                         ("add", "head")])["graph"]


def test_columns_are_longest_path_depth_and_edges_point_right():
    pos = auto_layout(residual_graph())
    column = {nid: x / X_GAP for nid, (x, _) in pos.items()}
    assert column == {"in": 0, "fc1": 1, "r1": 2, "fc2": 3, "add": 4, "head": 5}  # the skip does not pull add left
    for e in residual_graph()["edges"]:
        assert pos[e["source"]][0] < pos[e["target"]][0]


def test_branches_share_a_column_centred_vertically_in_file_order():
    graph = make_project([("in", "Input", {"shape": [4]}), ("b", "ReLU"), ("a", "Tanh"), ("c", "Sigmoid"),
                          ("m", "Concat")], [("in", "b"), ("in", "a"), ("in", "c"), ("b", "m"), ("a", "m"),
                                             ("c", "m")])["graph"]
    pos = auto_layout(graph)
    assert [pos[n] for n in ("b", "a", "c")] == [[X_GAP, -Y_GAP], [X_GAP, 0.0], [X_GAP, Y_GAP]]
    assert pos["in"] == [0.0, 0.0] and pos["m"] == [2.0 * X_GAP, 0.0]


@pytest.mark.parametrize("path", PRESETS, ids=[p.stem for p in PRESETS])
def test_every_preset_gets_a_distinct_place_for_every_node(path):
    graph = json.loads(path.read_text(encoding="utf-8"))["graph"]
    pos = auto_layout(graph)
    assert set(pos) == {n["id"] for n in graph["nodes"]}
    assert len({tuple(p) for p in pos.values()}) == len(pos)
    assert all(isinstance(v, float) for p in pos.values() for v in p)
    for e in graph["edges"]:
        assert pos[e["source"]][0] < pos[e["target"]][0]
    by_column = defaultdict(list)
    for x, y in pos.values():
        by_column[x].append(y)
    for ys in by_column.values():
        assert sum(ys) == pytest.approx(0.0)  # each column is centred on y = 0


def test_cycles_and_dangling_edges_still_place_every_node():
    graph = make_project([("in", "Input", {"shape": [4]}), ("a", "ReLU"), ("b", "Tanh"), ("c", "ReLU"),
                          ("lonely", "GELU")],
                         [("in", "a"), ("a", "b"), ("b", "a"), ("b", "c"), ("c", "ghost"), ("ghost", "in"),
                          ("c", "c")])["graph"]
    pos = auto_layout(graph)
    assert set(pos) == {"in", "a", "b", "c", "lonely"}
    assert pos["a"][0] == pos["b"][0]  # the cycle a <-> b collapses into one column
    assert pos["in"][0] < pos["a"][0] < pos["c"][0]
    assert len({tuple(p) for p in pos.values()}) == len(pos)


def test_empty_and_partial_graphs():
    assert auto_layout({}) == {}
    assert auto_layout({"nodes": [], "edges": []}) == {}
    assert auto_layout({"nodes": [{"id": "only", "type": "Input"}]}) == {"only": [0.0, 0.0]}


def test_layout_is_deterministic_and_leaves_the_graph_alone():
    graph = residual_graph()
    before = json.dumps(graph, sort_keys=True)
    assert auto_layout(graph) == auto_layout(json.loads(before))
    assert json.dumps(graph, sort_keys=True) == before


def test_layout_matches_networkx_generations_on_a_wide_graph():
    """A 40-node lattice: the column of each node is its networkx topological generation."""
    nodes = [("in", "Input", {"shape": [4]})] + [(f"n{i}", "ReLU") for i in range(40)]
    edges = [("in", "n0")] + [(f"n{i}", f"n{j}") for i in range(40) for j in (i + 1, i + 3) if j < 40]
    graph = make_project(nodes, edges)["graph"]
    pos = auto_layout(graph)
    g = nx.DiGraph([(e["source"], e["target"]) for e in graph["edges"]])
    for depth, generation in enumerate(nx.topological_generations(g)):
        for nid in generation:
            assert pos[nid][0] == depth * X_GAP
