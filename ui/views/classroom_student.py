"""A student's side of a class: join, come back, and locks the server enforces on their workspace."""
from __future__ import annotations

import streamlit as st

from builder import locks
from i18n import _
from presets import describe_target
from runs import admission
from runs import challenge as judge
from runs.classes import ClassError, Klass
from runs.registry import REGISTRY

from .. import state
from ..plain import md
from ..workspace import store
from .class_list import changes_labels, classes, client_id
from .opening import kept_back

COOKIE = "nc_class_{code}"  # this browser's workspace in a class: the workspace id is the secret
COOKIE_DAYS = 30


def _known_ws(klass: Klass) -> str | None:
    """The workspace this browser has in the class: from this session, or from its cookie."""
    for ws in (st.session_state[state.JOINED].get(klass.code), st.context.cookies.get(COOKIE.format(code=klass.code))):
        member = classes().member(ws) if ws else None
        if member is not None and member.code == klass.code:
            return member.ws
    return None


def route(klass: Klass) -> None:
    """Let a member of the class through to their own workspace; show anybody else the join form."""
    ws = st.query_params.get("ws")
    member = classes().member(ws) if ws else None
    if member is not None and member.code == klass.code:
        state.mark_joined(klass.code, member.ws)
        return
    known = _known_ws(klass)
    if known:
        st.query_params["ws"] = known
        return
    join_form(klass)
    st.stop()


def join_form(klass: Klass) -> None:
    st.markdown("## :material/school: " + md(klass.title))
    st.caption(_("Class {code}").format(code=klass.code))
    with st.container(border=True, width=420):
        name = st.text_input(_("Your name"), max_chars=40, key="join_name")
        if st.button(_("Join"), key="btn_join", type="primary", icon=":material/login:"):
            try:
                member = classes().join(klass.code, name, client=client_id())
            except ClassError as exc:  # it may repeat the name typed: shown as typed
                st.error(md(str(exc)))
                return
            store().save_project(member.ws, klass.lesson)
            state.mark_joined(klass.code, member.ws)
            st.query_params["ws"] = member.ws
            st.rerun()


def current() -> tuple[Klass, object] | None:
    """(class, member) of this session's workspace, or None outside every class."""
    member = classes().member(st.session_state.get(state.WS))
    klass = classes().get(member.code) if member else None
    return (klass, member) if klass else None


def enforce() -> None:
    """Before any edit of this run is taken: the class's lock is what the page's edits are held to (outside a class,
    none); what a workspace opened from the store holds against it is put back; then the class banner."""
    found = current()
    # the class's own level (a paused class keeps what its students may change: it only starts no run)
    state.set_lock((found[0].changes, tuple(admission.lesson_bases(found[0].lesson))) if found else ("all", ()))
    if found is None:
        return
    klass, member = found
    if parts := state.hold():  # from the class's own copy of the lesson (or a variant of it), never the browser's
        state.flash("warning", kept_back(parts))
    st.html(f"<script>document.cookie = '{COOKIE.format(code=klass.code)}={member.ws}; path=/; "
            f"max-age={COOKIE_DAYS * 86400}; SameSite=Lax';</script>", unsafe_allow_javascript=True)
    with st.container(border=True, key="class_banner"):
        st.markdown(_("**{title}** · class {code} · {name} · you may change: {what}").format(
            title=md(klass.title), code=klass.code, name=md(member.name), what=changes_labels()[klass.allows()]))
        if klass.locked:
            st.warning(_("Your teacher has paused the class: nothing can be changed or trained for now."),
                       icon=":material/lock:")
        if klass.challenge:
            _challenge_line(klass.challenge, member.ws)


def _challenge_line(goal: dict, ws: str) -> None:
    runs = [(r.project, r.snapshot()) for r in REGISTRY.runs(ws)]
    verdict = judge.best(goal, runs)
    text = _("Challenge: {target}").format(target=describe_target(goal, st.session_state.get(state.LANG) or "en"))
    if verdict["met"]:
        st.success(_("{text} — met ({value:.3f})").format(text=text, value=verdict["value"]),
                   icon=":material/trophy:")
    else:
        st.info(_("{text} — not yet: {why}").format(text=text, why="; ".join(verdict["why"])), icon=":material/flag:")


def may(what: str) -> bool:
    """Whether this session may change `what` ("graph" or "training") under its class's locks."""
    found = current()
    return locks.may_change(found[0].allows() if found else "all", what)


def fixed_settings() -> None:
    """The Train view of a student whose teacher fixed the training settings: what they are, not widgets."""
    st.info(_("Your teacher fixed the training settings of this lesson: press Train."), icon=":material/lock:")
    st.json(state.training(), expanded=True)


def lock_reason() -> str | None:
    """Why the server would not queue a run of this project (a paused class, a class's lock, a limit), or None."""
    found = admission.problem(st.session_state[state.WS], state.project(), REGISTRY.classes)
    return str(found) if found is not None else None
