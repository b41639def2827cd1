"""The canvas in the app: take its edits into the project, push Python's edits back with a revision bump."""
from __future__ import annotations

import streamlit as st

from builder import ProjectError
from builder.outside import graph_from_outside
from i18n import _

from .. import state
from ..canvas import auto_layout, canvas, canvas_event
from ..derived import analyse, catalogue


def take_edit() -> None:
    """Apply the canvas edit of this run before anything derived is computed (shapes are then current)."""
    _apply(canvas_event(state.CANVAS, st.session_state[state.REVISION]))


def draw(height: int = 560) -> None:
    graph = state.graph()
    known = state.digest(graph)
    if known != st.session_state[state.CANVAS_HASH]:  # Python changed the graph: the canvas must adopt it
        state.mark_canvas_shows(known, bump=True)
    notes = analyse(state.project())["annotations"]
    event = canvas(graph, palette=catalogue(), annotations=notes, revision=st.session_state[state.REVISION],
                   key=state.CANVAS, height=height)
    if event is not None:  # only when take_edit could not see it first
        _apply(event)
        st.rerun()


def _apply(event) -> None:
    if event is None:
        return
    try:
        graph = graph_from_outside(event.graph)  # the browser is outside: size, nesting, ids, shapes of keys
    except ProjectError as exc:
        state.flash("error", _("The canvas edit was not applied: {why}").format(why=exc))
        return
    state.select(event.selected if isinstance(event.selected, str) else None)
    if event.action == "auto_layout":
        graph = auto_layout(graph)  # a new placement: the hash differs, so draw() pushes it back
    else:
        state.mark_canvas_shows(state.digest(graph), bump=False)
    state.set_graph(graph)
    state.hide_hint()
