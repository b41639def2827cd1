"""The sidebar: language, dashboard refresh rate, the project file, and the workspace link."""
from __future__ import annotations

import os

import streamlit as st

from . import project_io, projector, state

LANGS = {"en": "English", "zh": "中文"}
PERIODS = [0.5, 1.0, 2.0, 5.0]


def default_period() -> float:
    try:
        return float(os.environ.get("NEUROCANVAS_REFRESH_S", "1.0"))
    except ValueError:
        return 1.0


def show() -> None:
    with st.sidebar:
        st.segmented_control("Language / 语言", list(LANGS), format_func=LANGS.get, key=state.LANG,
                             selection_mode="single")
        if not st.session_state.get(state.LANG):
            st.session_state[state.LANG] = "en"
        st.select_slider("Dashboard refresh (s)", PERIODS, key=state.REFRESH,
                         help="how often the charts redraw while training; 1 s suits a projector, 0.5 s is smoother")
        st.divider()
        project_io.show()
        st.divider()
        from .views.classroom import start_form
        start_form()
        projector.toggle()
        st.divider()
        st.caption(f"Workspace `{st.session_state[state.WS]}` — bookmark this page's address to come back to "
                   "your project and runs.")
