"""The sidebar: dashboard refresh rate, the project file, and the workspace link (the language switch is on the page)."""
from __future__ import annotations

import os

import streamlit as st

from i18n import _

from .. import projector, state
from . import import_model, project_file

PERIODS = [0.5, 1.0, 2.0, 5.0]


def default_period() -> float:
    try:
        return float(os.environ.get("NEUROCANVAS_REFRESH_S", "1.0"))
    except ValueError:
        return 1.0


def show() -> None:
    with st.sidebar:
        st.select_slider(_("Dashboard refresh (s)"), PERIODS, key=state.REFRESH,
                         help=_("how often the charts redraw while training; 1 s suits a projector, 0.5 s is smoother"))
        st.divider()
        project_file.show()
        import_model.show()
        st.divider()
        from .classroom import start_form
        start_form()
        projector.toggle()
        st.divider()
        st.caption(_("Workspace `{workspace}` — bookmark this page's address to come back to your project and "
                     "runs.").format(workspace=st.session_state[state.WS]))
