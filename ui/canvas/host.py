"""The graph editor canvas: our React Flow bundle hosted by st.components.v2 (the only module that knows it)."""

from __future__ import annotations

import copy
import dataclasses
import functools
import itertools
import pathlib

import streamlit as st

from builder.layout import auto_layout

from .. import state

_DIST = pathlib.Path(__file__).parent / "frontend" / "dist"
_test_ids = itertools.count(1)  # event ids made by event_state()
ACTIONS = ("auto_layout", "undo", "redo")  # what a toolbar button may ask of Python


@dataclasses.dataclass(frozen=True)
class CanvasEvent:
    """Something the user did on the canvas."""

    graph: dict  # the whole graph in neurocanvas/1 form ({"nodes", "edges"}), every node with "pos"
    selected: str | None  # id of the selected node, None when nothing is selected
    action: str | None  # None for an edit; "auto_layout", "undo" or "redo" when the user pressed that button


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
    generation: int = 0,
    texts: dict | None = None,
    bare: bool = False,
    history: dict | None = None,
    live: bool = False,
) -> CanvasEvent | None:
    """Draw the editable graph; return a CanvasEvent only when the user did something new.

    graph: {"nodes": [{"id", "type", "params", "pos"}], "edges": [{"source", "target", "target_port"?}]}.
    palette: builder.catalogue.palette(). annotations: {node_id: {"shape", "params", "error"},
    "_edges": {"src->dst": "[128]"}}. revision: bump it whenever Python replaced the graph; the
    canvas then adopts `graph`, otherwise it keeps its own state across reruns. generation: bump it when
    a different project replaces the graph (its undo history then starts afresh). texts: every text the canvas
    shows, in the page's language (ui.canvas.texts.canvas_texts(); the bundle holds none of its own).
    history: {"undo": bool, "redo": bool} when Python keeps the undo history (Undo and Redo then come back
    as events with action "undo"/"redo"); None: the canvas keeps its own. live: this network trains, and
    live_pictures(key, ...) brings its pictures at each poll (the canvas itself is drawn only when the page reruns).
    """
    data = {
        "graph": with_positions(graph),
        "palette": palette,
        "annotations": annotations,
        "revision": revision,
        "height": height,
        "generation": generation,
        "texts": texts or {},
        **({"history": history} if history is not None else {}),
        **({"live": key} if live else {}),
    }
    result = _component(bare)(key=key, data=data, height=height, on_event_change=_ignore)
    return _take_event(result.get("event"), key, revision)


@functools.cache
def _live_component():
    js = "// neurocanvas live pictures\n" + (_DIST / "live.js").read_text(encoding="utf-8")
    return st.components.v2.component("neurocanvas_live", js=js)


def live_pictures(key: str, live: dict) -> None:
    """The pictures of the canvas `key` (drawn with live=True) while its network trains: ui.canvas.live's
    {"nodes": {id: {"hist", "dead_text"}}, "edges": {"src->dst": {"width", "colour"}}}.

    Its own small element, redrawn at each poll: a poll sends these few KB, not the whole canvas (its graph,
    palette, texts and Streamlit's copy of the 430 KB bundle) to every page watching. It takes no room on the page.
    """
    _live_component()(key=f"{key}:live", data={"channel": key, "live": live})


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
    if state.seen_event(key) == event.get("id"):
        return None
    state.mark_event_seen(key, event.get("id"))
    # An edit made on a graph that Python has since replaced is dropped: the replacement wins.
    if event.get("revision") != revision:
        return None
    action = event.get("action")
    return CanvasEvent(
        graph=event["graph"],
        selected=event.get("selected"),
        action=action if action in ACTIONS else None,
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
