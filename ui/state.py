"""Every st.session_state key of the app, spelled once, and the only module that writes them.

The page holds one checked project (builder.Checked) and its history: every change is operations applied by
builder.edits.apply (the class's lock, trainers' data signature), the result replacing the value; the dict under
PROJECT is the value's read-only document, and one put there from outside is taken in at the door (take_in).
Getters only read; every function that writes says so in its name (set_, show_, mark_, take_, edit...)."""
from __future__ import annotations

import copy

import streamlit as st

from builder import Checked, ProjectError, blank_project, locks
from builder.checked_project import from_doc
from builder.project import with_sections
from builder.edits import apply, take
from builder.history import History
from builder.ops import Replace
from builder.report import Problem
from i18n import _
from trainers.agreement import signature

from .content import digest

PROJECT = "project"              # the project being edited: the checked value's read-only dict (tests inject one)
VALUE = "checked_project"        # the builder.Checked whose doc is under PROJECT: the one project of the page
HISTORY = "history"              # builder.history.History of the values before (Undo) and undone (Redo)
LOCK = "class_lock"              # (the class's "changes" setting, the lesson and its variants): "all", () outside
HELD = "class_held"              # the value the class's hold last passed (the hold runs again on another)
SELECTED = "selected_node"       # node id open in the inspector, or None
REVISION = "canvas_revision"     # bumped whenever Python replaces the graph shown on the canvas
CANVAS_SHOWS = "canvas_shows"    # the (read-only) graph the canvas is known to show
SAVED = "saved_project"          # the (read-only) project last written to the store
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
GALLERY_OPEN = "gallery_open"    # widget key of the "Lessons & examples" expander: its cards are drawn only when open

DEFAULTS = {SELECTED: None, REVISION: 0, CANVAS_SHOWS: None, SAVED: None, LANG: "en", RUN: None, LOCK: ("all", ()),
            COMPARE: [], REFRESH: 1.0, HINT: True, FLASH: None, UPLOAD_SEEN: None, GEN: 0, JOINED: {},
            HISTORY: History()}


def init_defaults(refresh: float = 1.0) -> None:
    """Every key its first value (a new browser session)."""
    for key, value in {**DEFAULTS, REFRESH: refresh}.items():
        if key not in st.session_state:
            st.session_state[key] = copy.deepcopy(value)


def value() -> Checked:
    """The page's checked project (a dict put under PROJECT from outside is taken in first)."""
    if st.session_state.get(VALUE) is None or st.session_state[VALUE].doc is not st.session_state.get(PROJECT):
        take_in()
    return st.session_state[VALUE]


def project() -> dict:
    """The project as a read-only dict: read it; change it with edit()."""
    return value().doc


def graph() -> dict:
    return value().doc["graph"]


def training() -> dict:
    return value().doc["training"]


def _door(doc) -> Checked:
    """A project dict from the store, parsed and checked once; an unreadable one is named (a blank one opens)."""
    try:
        return from_doc(with_sections(doc), signature)
    except ProjectError as exc:
        flash("error", _("The project could not be opened: {why}").format(why=exc))
        return from_doc(blank_project(), signature)


def take_in() -> None:
    """The door for a dict put under PROJECT from outside: one edit, part by part as far as the class's lock allows
    (what it fixes stays; an unreadable dict changes nothing and is named)."""
    doc, old = st.session_state.get(PROJECT), st.session_state.get(VALUE)
    if old is None:
        _commit(_door(doc), record=False)
    elif old.doc is not doc:
        result = take(old, with_sections(doc), *st.session_state[LOCK], signature)[0]
        if isinstance(result, Problem):
            flash("error", _("The project could not be opened: {why}").format(why=result))
        _commit(old if isinstance(result, Problem) else result, held=True)


def _commit(new: Checked, record: bool = True, own_widgets: bool = False, history: History | None = None,
            held: bool = False) -> None:
    """`new` becomes the project; the one before goes into the history (record); held: it came through the lock."""
    old = st.session_state.get(VALUE)
    st.session_state[VALUE], st.session_state[PROJECT] = new, new.doc
    st.session_state[HELD] = new if held else st.session_state.get(HELD)
    if old is None or new is old:
        return
    if history is not None or record:
        st.session_state[HISTORY] = history or st.session_state[HISTORY].after(old)
    if not own_widgets and new.doc["training"] is not old.doc["training"]:
        st.session_state[GEN] += 1  # Python changed the settings: their widgets start afresh with the new values


def edit(*ops, own_widgets: bool = False, record: bool = True, where: str = "project") -> Problem | None:
    """Apply builder.ops operations to the page's project (builder.edits.apply, under the class's lock): the
    problem naming node and field, or None. own_widgets: the settings widgets made it; record: an undo step."""
    changes, bases = st.session_state[LOCK]
    result = apply(value(), *ops, changes=changes, bases=bases, sign=signature, where=where)
    if isinstance(result, Problem):
        return result
    _commit(result, record, own_widgets, held=True)
    st.session_state[HINT] = False
    return None


def replace(new, select: str | None = None) -> tuple[Problem | None, set]:
    """A new project (lesson, upload, link, import, variant: dict or builder Project) as far as the class allows:
    (the problem when nothing opened, the parts the class kept). Undo starts afresh (no old network, new title)."""
    changes, bases = st.session_state[LOCK]
    if changes == "all":
        result, refused = apply(value(), Replace(new), sign=signature), []
    else:  # part by part: what the class fixes stays, unless `new` is one of the class's own
        result, refused = take(value(), new if isinstance(new, dict) else new.to_dict(), changes, bases, signature)
    if isinstance(result, Problem):
        return result, set()
    _commit(result, record=False, held=True)
    st.session_state.update({HISTORY: History(), SELECTED: select, RUN: None, COMPARE: [],
                             PRISTINE: digest(project())})
    st.session_state[GEN] += 1
    return None, {p.field for p in refused}


def undo() -> None:
    """The project as it was before the last edit (nothing when there is none)."""
    if step := st.session_state[HISTORY].back(value()):
        _commit(step[0], history=step[1], held=True)


def redo() -> None:
    if step := st.session_state[HISTORY].forward(value()):
        _commit(step[0], history=step[1], held=True)


def hold() -> set:
    """Put back what the class's lock fixes, from the nearest of the class's own projects (never the browser's), in a
    value that did not come through the lock (a workspace opened from the store): the parts put back."""
    if st.session_state.get(HELD) is value():
        return set()
    changes, bases = st.session_state[LOCK]
    base, parts = locks.nearest(changes, list(bases), project())
    result = take(value(), locks.held(changes, base, project()), changes, bases, signature)[0] if parts else None
    if isinstance(result, Checked):
        st.session_state[SELECTED] = None
        _commit(result, record=False)
        restart_settings()
    st.session_state[HELD] = value()
    return parts


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


def open_workspace(ws: str, project: dict, saved: bool) -> None:
    """This session now shows workspace `ws` with `project` (saved: from the store): a new value and history."""
    st.session_state[WS] = ws
    st.session_state[VALUE] = None  # another workspace: another value and another history
    _commit(_door(project), record=False)
    st.session_state[HISTORY] = History()
    st.session_state[HINT] = not saved
    st.session_state[SAVED] = value().doc if saved else None
    st.session_state[PRISTINE] = None if saved else digest(value().doc)  # a saved project is the person's work


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


def show_run(run_id: str | None, compare: list[str] | None = None) -> None:
    """Put run `run_id` on the dashboard; compare (when given) replaces the runs overlaid on its loss chart."""
    st.session_state[RUN] = run_id
    if compare is not None:
        st.session_state[COMPARE] = list(compare)


def mark_status(status: str | None) -> str | None:
    """Remember the run status of this poll; returns the one of the poll before."""
    seen, st.session_state[SEEN_STATUS] = st.session_state.get(SEEN_STATUS), status
    return seen


def mark_canvas_shows(shown: dict | None, bump: bool = False) -> None:
    """The canvas shows graph `shown` (None: not the project's); bump: Python replaced it, the canvas adopts it."""
    if bump:
        st.session_state[REVISION] += 1
    st.session_state[CANVAS_SHOWS] = shown


def seen_event(key: str):
    return st.session_state.get(SEEN_EVENT + key)


def mark_event_seen(key: str, event_id) -> None:
    st.session_state[SEEN_EVENT + key] = event_id


def set_bundle(bundle, file_id: str) -> None:
    st.session_state[BUNDLE], st.session_state[BUNDLE_FILE] = bundle, file_id


def mark_joined(code: str, ws: str) -> None:
    """This browser session joined class `code` as workspace `ws`."""
    st.session_state[JOINED] = {**st.session_state[JOINED], code: ws}


def _setter(key: str, what: str, value=None):
    """A function writing its argument (several: as a tuple; none: `value`) under `key`."""
    def write(*values) -> None:
        st.session_state[key] = values[0] if len(values) == 1 else values if values else value
    write.__doc__ = what
    return write


select = _setter(SELECTED, "Open node `value` (an id, or None) in the inspector.")
set_inspector_error = _setter(INSPECTOR_ERROR, "The last bad inspector input (None: none), shown under its widgets.")
set_layer = _setter(LAYER, "The layer whose activations over time are drawn.")
set_present = _setter(PRESENT, "Projector mode on or off.")
mark_lesson_seen = _setter(LESSON_SEEN, "The ?lesson= preset opened in this session.")
set_board_pick = _setter(BOARD_PICK, "The student whose work the teacher's board opens.")
hide_hint = _setter(HINT, "The first-visit hint is not shown any more.", False)
open_view = _setter(VIEW, "Switch the view control (only before it is drawn in this run, e.g. in a callback).")
set_compare = _setter(COMPARE, "The run ids overlaid on the loss chart.")
set_onnx = _setter(ONNX, "(project digest, ONNX bytes) prepared in Take it home.")
set_run_url = _setter(RUN_URL, "(run id, short link) of the run saved from Take it home.")
set_pending = _setter(PENDING, "The lesson waiting for \"Replace my network\" (None: nothing waits).")
mark_saved = _setter(SAVED, "The store holds this (read-only) project now.")
set_lock = _setter(LOCK, "(The class's setting, its lesson and variants): what edits are held to (\"all\", () outside).")


def restart_settings() -> None:
    """The training settings widgets start afresh from the project's values (new widget keys)."""
    st.session_state[GEN] += 1
