"""The preset gallery: one card per lesson (title, one line, target), loaded in one click."""
from __future__ import annotations

import streamlit as st

from i18n import _

from presets import describe_target, list_presets, load_preset

from .. import state
from .opening import open_project
from ..workspace import laid_out

COLUMNS = 4


TARGET = {"en": "Target", "zh": "目标"}


def target_text(target: dict | None, lang: str = "en") -> str:
    """ "Target: validation accuracy ≥ 0.93" in the page's language; "" without a target."""
    if not target:
        return ""
    try:
        line = describe_target(target, lang)
    except Exception:  # a target missing its metric/op/value: show what there is rather than fail the card
        line = " ".join(str(target.get(k, "")) for k in ("metric", "op", "value")).strip()
    return f"{TARGET.get(lang, TARGET['en'])}: {line}"


def edited() -> bool:
    """Whether the project holds work that replacing it would lose (it differs from the lesson opened)."""
    return st.session_state.get(state.PRISTINE) != state.digest(state.project())


def ask(name: str) -> None:
    """Open lesson `name`, or first ask when that would replace the person's own network."""
    if edited():
        state.set_pending(name)
    else:
        load(name)


def _cancel() -> None:
    state.set_pending(None)


def _confirm() -> None:
    name = st.session_state.get(state.PENDING)
    state.set_pending(None)
    if name:
        load(name)


def confirm_box() -> None:
    """'Replace my network' / 'Keep my network' while a lesson waits to be opened over the person's work."""
    name = st.session_state.get(state.PENDING)
    if not name:
        return
    with st.container(border=True, key="confirm_open"):
        st.warning(_("Opening the lesson “{name}” replaces the network you built. Download it first from "
                     "**Take it home** if you want to keep it.").format(name=name), icon=":material/warning:")
        cols = st.columns(2)
        cols[0].button(_("Replace my network"), key="btn_confirm_open", on_click=_confirm, type="primary")
        cols[1].button(_("Keep my network"), key="btn_cancel_open", on_click=_cancel)


def load(name: str) -> None:
    try:
        project = load_preset(name)
    except Exception as exc:
        state.flash("error", _('preset {name}: {exc}').format(name=name, exc=exc))
        return
    open_project(laid_out(project), _("Loaded “{name}”. Press Train to see it learn.").format(
        name=project.get("name", name)))


def show() -> None:
    lang = st.session_state[state.LANG]
    try:
        infos = list_presets()
    except Exception as exc:
        st.error(_('The presets folder could not be read: {exc}').format(exc=exc))
        return
    confirm_box()
    cols = st.columns(COLUMNS)
    for i, info in enumerate(infos):
        with cols[i % COLUMNS].container(border=True, key=f"card_{info.name}"):
            st.markdown(f"**{info.title(lang)}**")
            st.caption(info.summaries.get(lang) or info.summaries.get("en") or "")
            if info.target:
                st.caption(target_text(info.target, lang))
            st.button(_("Open"), key=f"preset_{info.name}", on_click=ask, args=(info.name,), width="stretch")
