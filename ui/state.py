"""Every st.session_state key of the app, spelled once, with the few helpers that read and write them.

The project dict under PROJECT is the single truth; the Report, shapes and code are derived from it.
"""
from __future__ import annotations

import copy
import hashlib
import json

import streamlit as st

PROJECT = "project"              # the neurocanvas/1 project dict being edited
SELECTED = "selected_node"       # node id open in the inspector, or None
REVISION = "canvas_revision"     # bumped whenever Python replaces the graph shown on the canvas
CANVAS_HASH = "canvas_hash"      # hash of the graph the canvas is known to show
SAVED_HASH = "saved_hash"        # hash of the project last written to the store
WS = "workspace"                 # workspace id (mirrors ?ws= in the URL)
LANG = "lang"                    # "en" | "zh" for lessons and gallery cards
RUN = "run_id"                   # the run shown on the dashboard
COMPARE = "compare_runs"         # run ids overlaid on the loss chart
REFRESH = "refresh_s"            # dashboard polling period while training
HINT = "show_hint"               # the first-visit hint is still shown
FLASH = "flash"                  # (kind, text) shown once at the top of the page
UPLOAD_SEEN = "upload_seen"      # file id of the last project upload handled
UPLOAD_ERROR = "upload_error"    # what was wrong with the last uploaded project file
INSPECTOR_ERROR = "inspector_error"  # the last bad inspector input, shown under its widgets
SEEN_STATUS = "dash_seen_status"  # run status at the last dashboard poll, to notice the end of a run
LAYER = "insides_layer"          # the layer whose activations over time are drawn
VIEW = "main_tab"                # the open view: Train | Dashboard | Code | Lesson | Take it home
CANVAS = "canvas"                # widget key of the canvas component
GEN = "project_generation"       # bumped when the whole project is replaced: settings widgets start afresh
JOINED = "class_joined"          # {class code: workspace id} of the classes this browser session joined
PRESENT = "present"              # projector mode: no palette, inspector or sidebar; big text and metric
BOARD_PICK = "board_student"     # the student whose work the teacher's board opens read-only
BOARD_SEEN = "board_members"     # how many students the board's controls were drawn with
LESSON_SEEN = "lesson_seen"      # the ?lesson= preset already opened in this session

DEFAULTS = {SELECTED: None, REVISION: 0, CANVAS_HASH: None, SAVED_HASH: None, LANG: "en", RUN: None,
            COMPARE: [], REFRESH: 1.0, HINT: True, FLASH: None, UPLOAD_SEEN: None, GEN: 0, JOINED: {}}


def init_defaults(refresh: float = 1.0) -> None:
    if REFRESH not in st.session_state:
        st.session_state[REFRESH] = refresh
    for key, value in DEFAULTS.items():
        if key not in st.session_state:
            st.session_state[key] = copy.deepcopy(value)


def digest(obj) -> str:
    return hashlib.sha1(json.dumps(obj, sort_keys=True, default=str).encode()).hexdigest()


def project() -> dict:
    return st.session_state[PROJECT]


def graph() -> dict:
    return st.session_state[PROJECT].setdefault("graph", {"nodes": [], "edges": []})


def training() -> dict:
    return st.session_state[PROJECT].setdefault("training", {})


def set_project(new: dict, select: str | None = None) -> None:
    """Replace the whole project (preset, upload, new): the canvas picks it up on this run."""
    st.session_state[PROJECT] = copy.deepcopy(new)
    st.session_state[SELECTED] = select
    st.session_state[RUN] = None
    st.session_state[COMPARE] = []
    st.session_state[GEN] += 1


def flash(kind: str, text: str) -> None:
    """Show `text` once at the top of the next run; kind is success | info | warning | error."""
    st.session_state[FLASH] = (kind, text)


def selected_node() -> dict | None:
    sid = st.session_state.get(SELECTED)
    return next((n for n in graph().get("nodes", []) if n.get("id") == sid), None)
