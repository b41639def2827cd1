"""The classroom on the page: ?class= routing (teacher's board, join form), ?lesson=, and "Start a class"."""
from __future__ import annotations

import streamlit as st

from i18n import _
from presets import describe_target, lesson, list_presets, load_preset
from runs.challenge import clean
from runs.classes import ClassError
from runs.gate import teacher_password

from .. import state
from ..workspace import laid_out
from .class_list import changes_labels, classes, client_id  # noqa: F401  (classes: public here, the tests open it)
from .opening import open_project

CURRENT = "__current__"  # the lesson choice that hands out the project being edited


def route() -> None:
    """?class= shows the teacher's board or the join form instead of the page (before any workspace)."""
    code = st.query_params.get("class")
    if code is None:
        return
    klass = classes().get(code)
    if klass is None:
        st.error(_("There is no class with the code {code}. Check the link or ask your teacher.")
                 .format(code=str(code)[:20]), icon=":material/error:")
        st.stop()
    key = st.query_params.get("teacher")
    if key is not None:
        if classes().is_teacher(klass.code, key):
            from .classroom_board import show as board
            board(klass)
        else:
            st.error(_("This teacher link is not valid for class {code}: the board stays closed. Use the link "
                       "you got when you started the class.").format(code=klass.code), icon=":material/lock:")
        st.stop()
    from .classroom_student import route as student
    student(klass)


def open_lesson() -> None:
    """?lesson=<preset>: anyone gets the preset untrained in their workspace, once per session."""
    name = st.query_params.get("lesson")
    if not name or st.session_state.get(state.LESSON_SEEN) == name or "class" in st.query_params:
        return
    state.mark_lesson_seen(name)
    try:
        project = load_preset(str(name)[:80])
    except Exception as exc:  # an unknown name: say which presets exist, keep the page
        state.flash("error", _("The lesson in the address could not be opened: {error}").format(error=exc))
        return
    open_project(laid_out(project), _("Opened the lesson “{name}”, untrained. Press Train to see it learn.")
                 .format(name=project.get("name", name)))


def _lesson_choices() -> dict:
    lang = st.session_state.get(state.LANG) or "en"
    choices = {CURRENT: _("The current project")}
    for info in list_presets():
        choices[info.name] = info.title(lang)
    return choices


def _lesson_project(choice: str) -> dict:
    if choice == CURRENT:
        return state.project()  # read-only: the class stores its own copy (as JSON) when it is started
    return laid_out(load_preset(choice))


def _challenge_inputs(project: dict) -> dict | None:
    target = (project.get("lesson") or {}).get("target")
    if not st.checkbox(_("Add a challenge"), key="class_challenge", disabled=not target,
                       help=_("students meet it on the server's own check of their trained network")):
        return None
    st.caption(describe_target(target, st.session_state.get(state.LANG) or "en"))
    goal = dict(target)
    goal["value"] = st.number_input(_("Target value"), value=float(target["value"]), key="class_goal_value")
    params = st.number_input(_("Maximum parameters (0: no limit)"), min_value=0, value=0, step=1000,
                             key="class_max_params")
    epochs = st.number_input(_("Maximum epochs (0: no limit)"), min_value=0, value=0, key="class_max_epochs")
    types = sorted({n.get("type") for n in (project.get("graph") or {}).get("nodes", [])} - {"Input"})
    allowed = st.multiselect(_("Allowed layer types (empty: any)"), sorted(set(types) | _all_types()),
                             key="class_layers")
    goal.update({"max_params": int(params), "max_epochs": int(epochs), "layers": allowed})
    if st.checkbox(_("Fixed data set"), value=True, key="class_fixed_data"):
        goal["dataset"] = (project.get("training") or {}).get("dataset")
    return clean(goal)


def _all_types() -> set:
    from builder import LAYERS
    return set(LAYERS) - {"Input"}


def start_form() -> None:
    """The sidebar's "Classroom" section: pick a lesson, a language and what students may change."""
    st.markdown("**" + _("Classroom") + "**")
    choices = _lesson_choices()
    choice = st.selectbox(_("Lesson"), list(choices), format_func=choices.get, key="class_lesson")
    lang = st.segmented_control(_("Class language"), ["en", "zh"], format_func={"en": "English", "zh": "中文"}.get,
                                default="en", key="class_lang") or "en"
    labels = changes_labels()
    changes = st.radio(_("Students may change"), list(labels), format_func=labels.get, key="class_changes")
    try:
        project = _lesson_project(choice)
    except Exception as exc:
        st.error(_("This lesson cannot be handed out: {error}").format(error=exc))
        return
    goal = _challenge_inputs(project)
    password = None
    if teacher_password():
        password = st.text_input(_("Teacher password"), type="password", key="class_password",
                                 help=_("the password the owner of this server set for starting classes"))
    else:
        st.caption(_("No teacher password is set on this server: anyone may start a class (a few per address)."))
    if st.button(_("Start a class"), key="btn_start_class", type="primary", icon=":material/school:", width="stretch"):
        title = (lesson(project, lang) or {}).get("title") or project.get("name") or _("Lesson")
        try:
            code, key = classes().create(title, project, lang=lang, changes=changes, challenge=goal,
                                         client=client_id(), password=password)
        except ClassError as exc:
            st.error(str(exc))
            return
        mine = st.query_params.get("lang")  # the board keeps the teacher's language, not the class's
        st.query_params.clear()
        st.query_params.update({"class": code, "teacher": key} | ({"lang": mine} if mine else {}))
        st.rerun()


def class_language() -> str | None:
    """The language of the class this page belongs to (its join form, or a student's workspace); None outside.

    The teacher's board is left to the teacher's own language."""
    if "teacher" in st.query_params:
        return None
    klass = classes().get(st.query_params.get("class")) if "class" in st.query_params else None
    if klass is None:
        member = classes().member(st.query_params.get("ws"))
        klass = classes().get(member.code) if member else None
    return klass.lang if klass else None
