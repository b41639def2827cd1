"""The workspace of this browser session: its id in the URL, its project and runs from the store, orphan marks."""
from __future__ import annotations

import uuid

import streamlit as st

from . import state
from .runs import REGISTRY, Run
from .store import Store, valid_ws

FIRST_PRESET = "simplenet_digits"


@st.cache_resource(show_spinner=False)
def store() -> Store:
    """One SQLite store per server process (NEUROCANVAS_DATA decides where); finished runs are saved to it."""
    db = Store()
    REGISTRY.on_finish = lambda run: db.save_run(run.ws, run.id, run.label, run.created, run.project, run.final)
    return db


def _orphan(ws: str) -> None:
    REGISTRY.orphan(ws)  # must not block: it runs when the browser session disconnects


@st.cache_resource(scope="session", on_release=_orphan, show_spinner=False)
def _watch(ws: str) -> str:
    """Exists while this browser session is connected; its release marks the workspace's runs orphaned."""
    return ws


def flows_down(graph: dict) -> bool:
    """True when every edge goes down the canvas, the way the canvas draws its handles (out below, in above)."""
    pos = {n.get("id"): n.get("pos") for n in graph.get("nodes", [])}
    for e in graph.get("edges", []):
        a, b = pos.get(e.get("source")), pos.get(e.get("target"))
        if not (isinstance(a, list) and isinstance(b, list) and len(a) == len(b) == 2 and b[1] > a[1]):
            return False
    return True


def laid_out(project: dict) -> dict:
    """The project with its graph placed top to bottom when its saved positions run sideways."""
    from .canvas import auto_layout
    graph = project.get("graph") or {}
    if graph.get("edges") and not flows_down(graph):
        project = {**project, "graph": auto_layout(graph)}
    return project


def first_project() -> dict:
    from presets import load_preset
    try:
        return laid_out(load_preset(FIRST_PRESET))
    except Exception:  # presets missing: start from the smallest valid graph rather than fail
        return {"format": "neurocanvas/1", "name": "New project", "description": "",
                "graph": {"nodes": [{"id": "in", "type": "Input", "params": {"shape": [64]}, "pos": [0, 0]}],
                          "edges": []},
                "training": {"dataset": "digits"}}


def attach() -> str:
    """Make sure the session has a workspace: from ?ws=, or a new one written into the URL."""
    state.init_defaults()
    ws = st.query_params.get("ws")
    if not valid_ws(ws):
        ws = st.session_state.get(state.WS) if valid_ws(st.session_state.get(state.WS)) else uuid.uuid4().hex[:12]
        st.query_params["ws"] = ws
    db = store()
    if st.session_state.get(state.WS) != ws or state.PROJECT not in st.session_state:
        saved = db.load_project(ws)
        st.session_state[state.WS] = ws
        st.session_state[state.PROJECT] = saved or first_project()
        st.session_state[state.HINT] = saved is None
        st.session_state[state.PRISTINE] = None if saved else state.digest(st.session_state[state.PROJECT])
        st.session_state[state.SAVED_HASH] = state.digest(saved) if saved else None
        for row in db.load_runs(ws):  # finished runs of an earlier server process
            REGISTRY.adopt(ws, Run(id=row["id"], ws=ws, label=row["label"], project=row["project"],
                                   created=row["created"], final=row["snapshot"], saved=True))
        current = REGISTRY.current(ws)
        st.session_state[state.RUN] = current.id if current else None
    _watch(ws)
    REGISTRY.touch(ws)
    return ws


def save() -> None:
    """Write the project to the store when it changed since the last write."""
    digest = state.digest(state.project())
    if digest != st.session_state.get(state.SAVED_HASH):
        try:
            store().save_project(st.session_state[state.WS], state.project())
            st.session_state[state.SAVED_HASH] = digest
        except Exception as exc:  # a full disk or read-only data dir: say so, keep working in memory
            st.warning(f"Could not save the workspace to {store().path}: {exc}")


def open_shared() -> None:
    """Open a shared project or saved run named in the URL (the export panel's links), once."""
    try:
        from .export_panel import open_from_url
    except ImportError:  # installed without the export panel
        return
    try:
        open_from_url()
    except Exception as exc:  # a broken link must not break the page
        state.flash("error", f"The link in the address could not be opened: {exc}")
