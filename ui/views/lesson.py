"""The Lesson tab: the preset's lesson text in English or Chinese, with its target."""
from __future__ import annotations

import streamlit as st

from presets import lesson

from .. import state
from .gallery import target_text


def show() -> None:
    lang = st.session_state[state.LANG]
    text = lesson(state.project(), lang)
    if not text:
        st.info("This project has no lesson. Open one from **Lessons & examples** at the top of the page."
                if lang == "en" else "这个项目没有课程。请在页面顶部的「课程与示例」中打开一个。")
        return
    st.subheader(text.get("title") or state.project().get("name", ""))
    if text.get("target"):
        st.caption(target_text(text["target"], lang))
    st.markdown(text.get("body") or text.get("summary") or "")
