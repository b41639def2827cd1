"""The Lesson tab: the preset's lesson text in English or Chinese, with its target."""
from __future__ import annotations

import streamlit as st

from i18n import _

from presets import lesson

from .. import state
from . import variants
from .gallery import target_text


def show() -> None:
    lang = st.session_state[state.LANG]
    text = lesson(state.project(), lang)
    if not text:
        st.info(_("This project has no lesson. Open one from **Lessons & examples** at the top of the page."))
        return
    st.subheader(text.get("title") or state.project().get("name", ""))
    if text.get("target"):
        st.caption(target_text(text["target"], lang))
    st.markdown(text.get("body") or text.get("summary") or "")
    variants.show(lang)
