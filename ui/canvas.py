"""The graph editor canvas: our React Flow bundle hosted by st.components.v2 (the only module that knows it)."""

from __future__ import annotations

import copy
import dataclasses
import functools
import itertools
import pathlib

import networkx as nx
import streamlit as st

_DIST = pathlib.Path(__file__).parent / "canvas_component" / "dist"
_SEEN = "_canvas_seen_event:"  # + key: id of the last canvas event already returned to the caller
_test_ids = itertools.count(1)  # event ids made by event_state()

# Geometry of the auto-layout, matched to the node face drawn by the bundle (180 px wide).
_DX, _DY = 230, 150  # distance between neighbours in a layer / between layers
_NODE_W, _NODE_H = 180, 100
_COLUMN_GAP = 120  # between the columns a long network wraps into
_ASPECT = 1.6  # width / height of a typical canvas pane: long networks wrap to fill it
_MIN_ROWS = 3


@dataclasses.dataclass(frozen=True)
class CanvasEvent:
    """Something the user did on the canvas."""

    graph: dict  # the whole graph in neurocanvas/1 form ({"nodes", "edges"}), every node with "pos"
    selected: str | None  # id of the selected node, None when nothing is selected
    action: str | None  # None for an edit, "auto_layout" when the user pressed the auto-layout button


@functools.cache
def _component(bare: bool = False):
    # A leading comment line keeps Streamlit from mistaking one-line minified CSS for a file path.
    js = "// neurocanvas canvas\n" + (_DIST / "canvas.js").read_text(encoding="utf-8")
    css = "/* neurocanvas canvas */\n" + (_DIST / "canvas.css").read_text(encoding="utf-8")
    if bare:  # projector mode: the same editor without its palette column
        css += "\n.nc-palette { display: none !important; }"
    return st.components.v2.component("neurocanvas_canvas" + ("_bare" if bare else ""), js=js, css=css)


def _ignore() -> None:
    """on_event_change callback: the event is read from the return value instead."""


def canvas(
    graph: dict,
    *,
    palette: dict,
    annotations: dict,
    revision: int,
    key: str,
    height: int = 600,
    bare: bool = False,
) -> CanvasEvent | None:
    """Draw the editable graph; return a CanvasEvent only when the user did something new.

    graph: {"nodes": [{"id", "type", "params", "pos"}], "edges": [{"source", "target", "target_port"?}]}.
    palette: builder.catalogue.palette(). annotations: {node_id: {"shape", "params", "error"},
    "_edges": {"src->dst": "[128]"}}. revision: bump it whenever Python replaced the graph; the
    canvas then adopts `graph`, otherwise it keeps its own state across reruns.
    """
    data = {
        "graph": with_positions(graph),
        "palette": palette,
        "annotations": annotations,
        "revision": revision,
        "height": height,
    }
    result = _component(bare)(key=key, data=data, height=height, on_event_change=_ignore)
    return _take_event(result.get("event"), key, revision)


def canvas_event(key: str, revision: int) -> CanvasEvent | None:
    """The new canvas event of this run, readable before canvas() is drawn; canvas() won't repeat it.

    Call it at the top of the script to apply an edit before computing the annotations, so the
    canvas shows the new shapes in this same run instead of one rerun later.
    """
    state = st.session_state.get(key)
    return _take_event(state.get("event") if isinstance(state, dict) else None, key, revision)


def event_state(graph: dict, *, revision: int, selected: str | None = None, action: str | None = None) -> dict:
    """The component's session-state value after a user edit, for AppTest: at.session_state[key] = ..."""
    return {"event": {"id": f"test:{next(_test_ids)}", "revision": revision,
                      "graph": graph, "selected": selected, "action": action}}


def _take_event(event, key: str, revision: int) -> CanvasEvent | None:
    if not isinstance(event, dict) or not isinstance(event.get("graph"), dict):
        return None
    # The component keeps returning its last value on every rerun, including the run in which
    # Python replaced the graph: only an id not seen before is news.
    seen_key = _SEEN + key
    if st.session_state.get(seen_key) == event.get("id"):
        return None
    st.session_state[seen_key] = event.get("id")
    # An edit made on a graph that Python has since replaced is dropped: the replacement wins.
    if event.get("revision") != revision:
        return None
    action = event.get("action")
    return CanvasEvent(
        graph=event["graph"],
        selected=event.get("selected"),
        action=action if action == "auto_layout" else None,
    )


def with_positions(graph: dict) -> dict:
    """The graph with a position on every node (auto-layout places those without one)."""
    nodes = graph.get("nodes", [])
    if all(_valid_pos(n.get("pos")) for n in nodes):
        return graph
    laid = {n["id"]: n["pos"] for n in auto_layout(graph)["nodes"]}
    out = copy.deepcopy(graph)
    for node in out["nodes"]:
        if not _valid_pos(node.get("pos")):
            node["pos"] = laid[node["id"]]
    return out


def _valid_pos(pos) -> bool:
    return isinstance(pos, (list, tuple)) and len(pos) == 2 and all(isinstance(v, (int, float)) for v in pos)


def auto_layout(graph: dict) -> dict:
    """A copy of the graph with every node placed in layers, inputs at the top, outputs below."""
    g = nx.DiGraph()
    g.add_nodes_from(n["id"] for n in graph.get("nodes", []))
    g.add_edges_from(
        (e["source"], e["target"]) for e in graph.get("edges", []) if e["source"] in g and e["target"] in g
    )
    # Layer = longest path from a source; a cyclic (invalid) graph is layered by its condensation.
    dag = nx.condensation(g)
    depth: dict[int, int] = {}
    for c in nx.topological_sort(dag):
        depth[c] = max((depth[p] + 1 for p in dag.predecessors(c)), default=0)
    layers: list[list[str]] = [[] for _ in range(max(depth.values(), default=-1) + 1)]
    order = {node_id: i for i, node_id in enumerate(g.nodes)}
    for c, d in depth.items():
        layers[d].extend(sorted(dag.nodes[c]["members"], key=order.__getitem__))

    slot: dict[str, float] = {}  # horizontal slot in its layer; children sit under their parents
    for layer in layers:
        first_seen = {node_id: i for i, node_id in enumerate(layer)}

        def barycentre(node_id):
            parents = [slot[p] for p in g.predecessors(node_id) if p in slot]
            return sum(parents) / len(parents) if parents else first_seen[node_id]

        layer.sort(key=barycentre)
        for i, node_id in enumerate(layer):
            slot[node_id] = i - (len(layer) - 1) / 2

    widest = max((len(layer) for layer in layers), default=1)
    column_width = (widest - 1) * _DX + _NODE_W + _COLUMN_GAP
    rows = _rows_per_column(len(layers), column_width)
    pos = {}
    for d, layer in enumerate(layers):
        column, row = divmod(d, rows)
        for node_id in layer:
            pos[node_id] = [round(column * column_width + slot[node_id] * _DX), row * _DY]

    out = copy.deepcopy(graph)
    for node in out.get("nodes", []):
        node["pos"] = pos[node["id"]]
    return out


def _rows_per_column(n_layers: int, column_width: int) -> int:
    """Layers per column that let "fit view" draw the nodes largest on a pane of _ASPECT."""
    def zoom(columns: int) -> float:
        rows = -(-n_layers // columns)
        width = columns * column_width - _COLUMN_GAP
        height = (rows - 1) * _DY + _NODE_H
        return min(_ASPECT / width, 1 / height)

    most = max(1, n_layers // _MIN_ROWS)
    best = max(range(1, most + 1), key=lambda c: (zoom(c), -c))
    return -(-n_layers // best)
