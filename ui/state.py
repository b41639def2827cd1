"""Every st.session_state key of the app, spelled once, and the only module that writes them.

The project dict under PROJECT is the single truth; the Report, shapes and code are derived from it.
Getters only read; every function that writes says so in its name (set_, show_, mark_, take_...).
"""
from __future__ import annotations

import copy

import streamlit as st

from .content import digest

PROJECT = "project"              # the neurocanvas/1 project dict being edited
SELECTED = "selected_node"       # node id open in the inspector, or None
REVISION = "canvas_revision"     # bumped whenever Python replaces the graph shown on the canvas
CANVAS_HASH = "canvas_hash"      # hash of the graph the canvas is known to show
SAVED_HASH = "saved_hash"        # hash of the project last written to the store
WS = "workspace"                 # workspace id (mirrors ?ws= in the URL)
LANG = "lang"                    # "en" | "zh": the page's language (ui/language.py decides it)
LANG_APPLIED = "lang_applied"    # the language of the last run, to tell a new choice on the page from the URL's
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
LAST_VIEW = "last_view"          # the view open before: a click on the open view must not close it
PRISTINE = "pristine_hash"       # hash of the project as opened from a lesson (None: the person's own work)
PENDING = "pending_preset"       # the lesson waiting for "Replace my network" while there is work to lose
ONNX = "export_onnx"             # (project digest, ONNX bytes) prepared in "Take it home"
RUN_URL = "export_run_url"       # (run id, short link) of the run saved from "Take it home"
BUNDLE = "export_bundle"         # the last run bundle opened here (share.bundle.Bundle)
BUNDLE_FILE = "export_bundle_file"  # uploader file id of that bundle, so a rerun does not open it again
IMPORT_SEEN = "import_seen"      # file id of the last model import handled (ONNX or .py)
IMPORT_RESULT = "import_result"  # (error or None, file name, .pt bytes of the imported weights or None)
SEEN_EVENT = "_canvas_seen_event:"  # + component key: id of the last canvas event already handled
JOINED = "class_joined"          # {class code: workspace id} of the classes this browser session joined
PRESENT = "present"              # projector mode: no palette, inspector or sidebar; big text and metric
BOARD_PICK = "board_student"     # the student whose work the teacher's board opens read-only
LESSON_SEEN = "lesson_seen"      # the ?lesson= preset already opened in this session

DEFAULTS = {SELECTED: None, REVISION: 0, CANVAS_HASH: None, SAVED_HASH: None, LANG: "en", RUN: None,
            COMPARE: [], REFRESH: 1.0, HINT: True, FLASH: None, UPLOAD_SEEN: None, GEN: 0, JOINED: {}}


def init_defaults(refresh: float = 1.0) -> None:
    if REFRESH not in st.session_state:
        st.session_state[REFRESH] = refresh
    for key, value in DEFAULTS.items():
        if key not in st.session_state:
            st.session_state[key] = copy.deepcopy(value)




def project() -> dict:
    return st.session_state[PROJECT]


def graph() -> dict:
    return st.session_state[PROJECT]["graph"]


def training() -> dict:
    return st.session_state[PROJECT]["training"]


def _complete(project: dict) -> dict:
    """The project with the sections the page edits in place ("graph", "training") present."""
    if not isinstance(project.get("graph"), dict):
        project["graph"] = {"nodes": [], "edges": []}
    if not isinstance(project.get("training"), dict):
        project["training"] = {}
    return project


def set_sections() -> None:
    """Give a project put into the session from outside (a test, an old store row) its editable sections."""
    _complete(st.session_state[PROJECT])


def set_project(new: dict, select: str | None = None) -> None:
    """Replace the whole project (preset, upload, new): the canvas picks it up on this run."""
    st.session_state[PROJECT] = _complete(copy.deepcopy(new))
    st.session_state[SELECTED] = select
    st.session_state[RUN] = None
    st.session_state[COMPARE] = []
    st.session_state[GEN] += 1
    st.session_state[PRISTINE] = digest(st.session_state[PROJECT])


def apply_edit(new: dict, settings: bool = False) -> None:
    """A whole-project edit made by Python (a "Fix: ..." button); settings: the training section changed,
    so its widgets start afresh with the new values."""
    st.session_state[PROJECT] = _complete(new)
    if settings:
        st.session_state[GEN] += 1
    st.session_state[HINT] = False


def set_pending(name: str | None) -> None:
    """The lesson waiting for "Replace my network" (None: nothing waits)."""
    st.session_state[PENDING] = name


def edited() -> bool:
    """Whether the project holds work that replacing it would lose (it differs from the lesson opened)."""
    return st.session_state.get(PRISTINE) != digest(st.session_state[PROJECT])


def keep_view() -> None:
    """Call before the view control: Streamlit's segmented control deselects on a click on the open view."""
    if VIEW in st.session_state and st.session_state[VIEW] is None:
        st.session_state[VIEW] = st.session_state.get(LAST_VIEW) or "Dashboard"
    if st.session_state.get(VIEW):
        st.session_state[LAST_VIEW] = st.session_state[VIEW]


def flash(kind: str, text: str) -> None:
    """Show `text` once at the top of the next run; kind is success | info | warning | error."""
    st.session_state[FLASH] = (kind, text)


def take_flash() -> tuple[str, str] | None:
    """The message to show once, removed from the session."""
    message, st.session_state[FLASH] = st.session_state[FLASH], None
    return message


def selected_node() -> dict | None:
    sid = st.session_state.get(SELECTED)
    return next((n for n in graph().get("nodes", []) if n.get("id") == sid), None)


def open_workspace(ws: str, project: dict, saved: bool) -> None:
    """This session now shows workspace `ws` with `project` (saved: it came from the store)."""
    st.session_state[WS] = ws
    st.session_state[PROJECT] = _complete(project)
    st.session_state[HINT] = not saved
    st.session_state[SAVED_HASH] = digest(project) if saved else None
    st.session_state[PRISTINE] = None if saved else digest(project)  # a saved project is the person's work


def mark_saved(content_digest: str) -> None:
    st.session_state[SAVED_HASH] = content_digest


def select(node_id: str | None) -> None:
    st.session_state[SELECTED] = node_id


def set_graph(new: dict) -> None:
    """The graph as the canvas or the inspector left it."""
    st.session_state[PROJECT]["graph"] = new


def set_inspector_error(message: str | None) -> None:
    st.session_state[INSPECTOR_ERROR] = message


def mark_upload(file_id: str, error: str | None) -> None:
    """The project upload `file_id` was handled; error says what was wrong with it (None: opened)."""
    st.session_state[UPLOAD_SEEN] = file_id
    st.session_state[UPLOAD_ERROR] = error


def mark_import(file_id: str, error: str | None, name: str = "", weights: bytes | None = None) -> None:
    """The model import `file_id` was handled: its error, or the weights it brought (offered for download)."""
    st.session_state[IMPORT_SEEN] = file_id
    st.session_state[IMPORT_RESULT] = (error, name, weights)


def set_lang(lang: str) -> None:
    """The page's language for this run; LANG_APPLIED remembers it, so a later choice on the page is told apart."""
    st.session_state[LANG] = st.session_state[LANG_APPLIED] = lang


def set_layer(node_id: str | None) -> None:
    st.session_state[LAYER] = node_id


def hide_hint() -> None:
    st.session_state[HINT] = False


def open_view(name: str) -> None:
    """Switch the view control (allowed only before it is drawn in this run, e.g. in a button callback)."""
    st.session_state[VIEW] = name


def show_run(run_id: str | None, compare: list[str] | None = None) -> None:
    """Put run `run_id` on the dashboard; compare (when given) replaces the runs overlaid on its loss chart."""
    st.session_state[RUN] = run_id
    if compare is not None:
        st.session_state[COMPARE] = list(compare)


def set_compare(run_ids: list[str]) -> None:
    st.session_state[COMPARE] = list(run_ids)


def mark_status(status: str | None) -> str | None:
    """Remember the run status of this poll; returns the one of the poll before."""
    seen, st.session_state[SEEN_STATUS] = st.session_state.get(SEEN_STATUS), status
    return seen


def mark_canvas_shows(graph_digest: str, bump: bool) -> None:
    """The canvas shows the graph of `graph_digest`; bump: Python replaced it, so the canvas must adopt it."""
    if bump:
        st.session_state[REVISION] += 1
    st.session_state[CANVAS_HASH] = graph_digest


def seen_event(key: str):
    return st.session_state.get(SEEN_EVENT + key)


def mark_event_seen(key: str, event_id) -> None:
    st.session_state[SEEN_EVENT + key] = event_id


def set_onnx(content_digest: str, data: bytes) -> None:
    st.session_state[ONNX] = (content_digest, data)


def set_run_url(run_id: str | None, url: str) -> None:
    st.session_state[RUN_URL] = (run_id, url)


def set_bundle(bundle, file_id: str) -> None:
    st.session_state[BUNDLE], st.session_state[BUNDLE_FILE] = bundle, file_id


def set_present(on: bool) -> None:
    st.session_state[PRESENT] = on


def mark_lesson_seen(name: str) -> None:
    st.session_state[LESSON_SEEN] = name


def set_board_pick(ws: str | None) -> None:
    st.session_state[BOARD_PICK] = ws


def mark_joined(code: str, ws: str) -> None:
    """This browser session joined class `code` as workspace `ws`."""
    st.session_state[JOINED] = {**st.session_state[JOINED], code: ws}


def restart_settings() -> None:
    """The training settings widgets start afresh from the project's values (new widget keys)."""
    st.session_state[GEN] += 1
