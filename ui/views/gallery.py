"""The preset gallery: one card per lesson (title, one line, target), loaded in one click."""
from __future__ import annotations

import streamlit as st

from i18n import _

from presets import describe_target, list_presets, load_preset

from .. import state
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


def load(name: str) -> None:
    try:
        project = load_preset(name)
    except Exception as exc:
        state.flash("error", _('preset {name}: {exc}').format(name=name, exc=exc))
        return
    state.set_project(laid_out(project))
    state.flash("success", _("Loaded “{name}”. Press Train to see it learn.").format(
        name=project.get("name", name)))


def show() -> None:
    lang = st.session_state[state.LANG]
    try:
        infos = list_presets()
    except Exception as exc:
        st.error(_('The presets folder could not be read: {exc}').format(exc=exc))
        return
    cols = st.columns(COLUMNS)
    for i, info in enumerate(infos):
        with cols[i % COLUMNS].container(border=True, key=f"card_{info.name}"):
            st.markdown(f"**{info.title(lang)}**")
            st.caption(info.summaries.get(lang) or info.summaries.get("en") or "")
            if info.target:
                st.caption(target_text(info.target, lang))
            st.button(_("Open"), key=f"preset_{info.name}", on_click=load, args=(info.name,), width="stretch")
