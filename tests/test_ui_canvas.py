"""ui.canvas without a browser: auto-layout, position filling, and events read through AppTest."""

import itertools
import textwrap

from streamlit.testing.v1 import AppTest

from ui.canvas import auto_layout, event_state, with_positions


def chain(n: int) -> dict:
    nodes = [{"id": f"n{i}", "type": "Input" if i == 0 else "ReLU", "params": {}} for i in range(n)]
    edges = [{"source": f"n{i}", "target": f"n{i + 1}"} for i in range(n - 1)]
    return {"nodes": nodes, "edges": edges}


def test_layout_puts_every_node_below_its_inputs_without_overlaps():
    graph = {
        "nodes": [{"id": i, "type": "ReLU", "params": {}} for i in ("in", "a", "b", "sum", "out")],
        "edges": [{"source": "in", "target": "a"}, {"source": "in", "target": "b"},
                  {"source": "a", "target": "sum", "target_port": 0},
                  {"source": "b", "target": "sum", "target_port": 1}, {"source": "sum", "target": "out"}],
        "extra": "kept",
    }
    laid = auto_layout(graph)
    pos = {n["id"]: n["pos"] for n in laid["nodes"]}
    for e in graph["edges"]:
        assert pos[e["source"]][1] < pos[e["target"]][1], e
    assert pos["a"][1] == pos["b"][1] and pos["a"][0] != pos["b"][0]
    assert laid["extra"] == "kept" and laid["edges"] == graph["edges"]
    assert "pos" not in graph["nodes"][0]  # the input is not modified


def test_long_chain_wraps_into_columns_without_overlaps():
    pos = [tuple(n["pos"]) for n in auto_layout(chain(60))["nodes"]]
    assert len(set(pos)) == 60
    xs, ys = {x for x, _ in pos}, {y for _, y in pos}
    assert len(xs) > 1 and max(ys) < 60 * 150 / 2  # wider than one column, far less tall than 60 rows
    for (x1, y1), (x2, y2) in itertools.combinations(pos, 2):
        assert abs(x1 - x2) >= 200 or abs(y1 - y2) >= 120  # node faces are 180 x ~100 px


def test_layout_survives_a_cycle_and_dangling_edges():
    graph = chain(3)
    graph["edges"] += [{"source": "n2", "target": "n0"}, {"source": "n2", "target": "ghost"}]
    assert len({tuple(n["pos"]) for n in auto_layout(graph)["nodes"]}) == 3


def test_with_positions_fills_only_missing_positions():
    graph = chain(3)
    graph["nodes"][0]["pos"] = [500, -20]
    filled = with_positions(graph)
    assert filled["nodes"][0]["pos"] == [500, -20]
    assert all(len(n["pos"]) == 2 for n in filled["nodes"])
    assert "pos" not in graph["nodes"][1]
    complete = with_positions(filled)
    assert complete is filled


APP = textwrap.dedent("""
    import streamlit as st
    from ui.canvas import canvas, canvas_event

    st.session_state.setdefault("seen", [])
    rev = st.session_state.setdefault("rev", 0)
    early = canvas_event("cv", rev)
    graph = {"nodes": [{"id": "in", "type": "Input", "params": {}, "pos": [0, 0]}], "edges": []}
    late = canvas(graph, palette={}, annotations={}, revision=rev, key="cv")
    st.session_state.seen.append((early, late))
""")


def test_events_are_returned_once_and_stale_revisions_are_dropped():
    at = AppTest.from_string(APP, default_timeout=30).run()
    assert not at.exception and at.session_state.seen == [(None, None)]
    graph = {"nodes": [{"id": "x", "type": "ReLU", "params": {}, "pos": [1, 2]}], "edges": []}
    at.session_state["cv"] = event_state(graph, revision=0, selected="x")
    at.run()
    early, late = at.session_state.seen[-1]
    assert (early.graph, early.selected, early.action, late) == (graph, "x", None, None)
    at.run()  # the component still holds the same event: it is not news any more
    assert at.session_state.seen[-1] == (None, None)
    at.session_state["rev"] = 1  # Python replaced the graph; an edit made on revision 0 is dropped
    at.session_state["cv"] = event_state(graph, revision=0, action="auto_layout")
    at.run()
    assert at.session_state.seen[-1] == (None, None)
    at.session_state["cv"] = event_state(graph, revision=1, action="auto_layout")
    at.run()
    assert at.session_state.seen[-1][0].action == "auto_layout"


def test_a_short_network_stays_in_one_column_and_loose_layers_form_a_grid_below():
    pos = {n["id"]: n["pos"] for n in auto_layout(chain(6))["nodes"]}
    assert len({x for x, _ in pos.values()}) == 1, "SimpleNet's six layers: no long edge back to the top"
    graph = chain(3)
    graph["nodes"] += [{"id": f"loose{i}", "type": "ReLU", "params": {}} for i in range(9)]
    pos = {n["id"]: n["pos"] for n in auto_layout(graph)["nodes"]}
    loose = [pos[f"loose{i}"] for i in range(9)]
    assert len({tuple(p) for p in pos.values()}) == 12
    assert min(y for _, y in loose) > max(pos[f"n{i}"][1] for i in range(3)), "under the network"
    assert len({y for _, y in loose}) == 3 and max(abs(x) for x, _ in loose) < 2 * 230, "rows of four, not one row"
