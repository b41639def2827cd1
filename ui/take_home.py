"""The "Take it home" tab: the export engineer's panel when present, else the project file and model code."""
from __future__ import annotations

import json

import streamlit as st

from i18n import _

from . import state
from .controls import current_run
from .derived import model_code
from .project_io import file_name


def show() -> None:
    try:
        from . import export_panel
    except ImportError:
        export_panel = None
    if export_panel is not None:
        export_panel.show(state.project(), current_run())
        return
    project = state.project()
    st.download_button(_("Project file (.json)"), json.dumps(project, indent=2, ensure_ascii=False),
                       file_name=file_name(project), mime="application/json", key="home_project")
    code, problem = model_code(project)
    if code:
        st.download_button(_("Model code (.py)"), code, file_name="model.py", mime="text/x-python", key="home_code")
    else:
        st.caption(_('No model code while the graph has problems: {problem}').format(problem=problem))
