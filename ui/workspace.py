"""The workspace of this browser session: its id in the URL, its project and runs from the store, orphan marks."""
from __future__ import annotations

import uuid

import streamlit as st

from i18n import _

from builder import blank_project
from presets import load_preset
from trainers import starter_training

from . import state
from .canvas import auto_layout
from runs.registry import REGISTRY, Run
from runs.store import Store, valid_ws

FIRST_PRESET = "simplenet_digits"


@st.cache_resource(show_spinner=False)
def store() -> Store:
    """One SQLite store per server process (NEUROCANVAS_DATA decides where); runs are saved to it as they train.

    The first page also warms the training workers, so Train never waits for torch to import."""
    db = Store()
    REGISTRY.attach_store(db)
    REGISTRY.warm()
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
    graph = project.get("graph") or {}
    if graph.get("edges") and not flows_down(graph):
        project = {**project, "graph": auto_layout(graph)}
    return project


def first_project() -> dict:
    try:
        return laid_out(load_preset(FIRST_PRESET))
    except Exception:  # presets missing: start from the smallest valid graph rather than fail
        return blank_project(starter_training())


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
        state.open_workspace(ws, saved or first_project(), saved=saved is not None)
        for row in db.load_runs(ws):  # finished runs of an earlier server process
            REGISTRY.adopt(ws, Run(id=row["id"], ws=ws, label=row["label"], project=row["project"],
                                   created=row["created"], final=row["snapshot"], saved=True))
        current = REGISTRY.current(ws)
        state.show_run(current.id if current else None)
    _watch(ws)
    REGISTRY.touch(ws)
    return ws


def save() -> None:
    """Write the project to the store when it is another value than the one written last (read-only values:
    the same object is the same content, so an unchanged rerun costs no hashing)."""
    project = state.project()
    if project is not st.session_state.get(state.SAVED):
        try:
            store().save_project(st.session_state[state.WS], project)
            state.mark_saved(project)
        except Exception as exc:  # a full disk or read-only data dir: say so, keep working in memory
            st.warning(_('Could not save the workspace to {path}: {exc}').format(path=store().path, exc=exc))

