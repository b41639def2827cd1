"""The canvas in the app: take its edits into the project, push Python's edits back with a revision bump."""
from __future__ import annotations

import streamlit as st

from . import state
from .canvas import auto_layout, canvas, canvas_event
from .derived import analyse, catalogue


def take_edit() -> None:
    """Apply the canvas edit of this run before anything derived is computed (shapes are then current)."""
    _apply(canvas_event(state.CANVAS, st.session_state[state.REVISION]))


def draw(height: int = 560, bare: bool = False) -> None:
    graph = state.graph()
    known = state.digest(graph)
    if known != st.session_state[state.CANVAS_HASH]:  # Python changed the graph: the canvas must adopt it
        st.session_state[state.REVISION] += 1
        st.session_state[state.CANVAS_HASH] = known
    notes = analyse(state.project())["annotations"]
    event = canvas(graph, palette=catalogue(), annotations=notes, revision=st.session_state[state.REVISION],
                   key=state.CANVAS, height=height, bare=bare)
    if event is not None:  # only when take_edit could not see it first
        _apply(event)
        st.rerun()


def _apply(event) -> None:
    if event is None:
        return
    st.session_state[state.SELECTED] = event.selected
    graph = event.graph
    if event.action == "auto_layout":
        graph = auto_layout(graph)  # a new placement: the hash differs, so draw() pushes it back
    else:
        st.session_state[state.CANVAS_HASH] = state.digest(graph)
    state.project()["graph"] = graph
    st.session_state[state.HINT] = False
