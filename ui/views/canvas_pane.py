"""The canvas in the app: take its edits into the project, push Python's edits back with a revision bump."""
from __future__ import annotations

import streamlit as st

from builder import ProjectError
from builder.edits import between
from builder.outside import bounded_graph
from i18n import _

from .. import language, state
from ..canvas import auto_layout, canvas, canvas_event, live_pictures
from ..canvas.live import live_annotations
from ..canvas.texts import canvas_texts
from ..derived import annotations, catalogue

WHERE = "canvas edit"  # how a problem of an edit from the canvas names where it came from


def take_edit() -> None:
    """Apply the canvas edit of this run before anything derived is computed (shapes are then current)."""
    _apply(canvas_event(state.CANVAS, st.session_state[state.REVISION]))


def draw(height: int = 560, bare: bool = False) -> None:
    """The canvas, drawn when the page reruns (its pictures while it trains: pictures(), at the page's end)."""
    _draw(height, _training_this_graph() is not None, bare)


def pictures() -> None:
    """While this network trains, a fragment renews the canvas's pictures each refresh; idle, nothing polls.

    Called last on the page: its element takes no room, and a fragment still adds a gap where it stands."""
    run = _training_this_graph()
    if run is None:
        return

    @st.fragment(run_every=float(st.session_state[state.REFRESH]) if run.status == "running" else None)
    def renew():
        language.follow()  # a fragment's rerun skips the page's top: without this the live canvas is English
        snap = run.snapshot()
        if run.status == "running" and snap.get("status") not in ("running", "queued", "paused"):
            st.rerun()  # the run ended: a full rerun draws the canvas without pictures and stops polling
        live_pictures(state.CANVAS, live_annotations(state.graph(), snap.get("probes")))

    renew()


def _training_this_graph():
    """The run on the dashboard when it is training (or paused) this very network (same layers and wires)."""
    from .train_buttons import current_run
    run = current_run()
    if run is None or run.status not in ("running", "paused"):
        return None
    return run if _wiring(run.project.get("graph") or {}) == _wiring(state.graph()) else None


def _wiring(graph: dict) -> tuple:
    return (sorted(str(n.get("id")) for n in graph.get("nodes", [])),
            sorted(f"{e.get('source')}->{e.get('target')}" for e in graph.get("edges", [])))


def _draw(height: int, live: bool, bare: bool) -> None:
    value = state.value()
    graph = value.doc["graph"]
    if graph is not st.session_state[state.CANVAS_SHOWS]:  # Python changed the graph: the canvas must adopt it
        state.mark_canvas_shows(graph, bump=True)
    notes = annotations(value)
    event = canvas(graph, palette=catalogue(), annotations=notes, revision=st.session_state[state.REVISION],
                   key=state.CANVAS, height=height, generation=st.session_state[state.GEN], texts=canvas_texts(),
                   bare=bare, history=st.session_state[state.HISTORY].to_dict(), live=live)
    if event is not None:  # only when take_edit could not see it first
        _apply(event)
        st.rerun()


def _apply(event) -> None:
    """The canvas event as operations on the project (the graph, or only its layout), then Undo/Redo if asked."""
    if event is None:
        return
    try:
        graph = bounded_graph(event.graph, WHERE)  # the browser is outside: size and nesting before any work
    except ProjectError as exc:
        state.flash("error", _("The canvas edit was not applied: {why}").format(why=exc))
        return
    state.select(event.selected if isinstance(event.selected, str) else None)
    doc = state.project()
    ops = between(doc, {**doc, "graph": graph})
    if event.action == "auto_layout":
        ops = between(doc, {**doc, "graph": auto_layout(graph)})  # a new placement: draw() pushes it back
    if problem := state.edit(*ops, where=WHERE):
        state.flash("error", _("The canvas edit was not applied: {why}").format(why=problem))
        state.mark_canvas_shows(None)  # the canvas shows the refused edit: draw() pushes the project back
    elif event.action not in ("auto_layout", "undo", "redo"):
        state.mark_canvas_shows(state.graph())
    if event.action == "undo":
        state.undo()
    elif event.action == "redo":
        state.redo()
    state.hide_hint()
