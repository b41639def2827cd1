"""New project, download and upload of the project JSON; a bad upload says what is wrong and loses nothing."""
from __future__ import annotations

import json

import streamlit as st

from i18n import _

from builder import ProjectError, blank_project, load_project
from trainers import starter_training

from .. import state

BLANK = blank_project(starter_training())


def parse_upload(name: str, data: bytes) -> dict:
    """The project dict of an uploaded file; ValueError naming the file and what is wrong."""
    try:
        obj = json.loads(data.decode("utf-8"))
    except UnicodeDecodeError:
        raise ValueError(f"{name}: not a text file (expected a neurocanvas/1 JSON project)") from None
    except json.JSONDecodeError as exc:
        raise ValueError(f"{name}: not valid JSON: {exc.msg} at line {exc.lineno}, column {exc.colno}") from None
    try:
        load_project(obj)
    except ProjectError as exc:
        raise ValueError(f"{name}: {exc}") from None
    except Exception as exc:  # whatever else the loader trips on, still name the file
        raise ValueError(f"{name}: not a NeuroCanvas project: {exc}") from None
    if not isinstance(obj, dict) or "graph" not in obj:
        raise ValueError(f"{name}: no \"graph\" in the file")
    return obj


def file_name(project: dict) -> str:
    stem = "".join(c if c.isalnum() or c in "-_" else "_" for c in (project.get("name") or "project").strip())
    return f"{stem or 'project'}.json"


def show() -> None:
    project = state.project()
    st.download_button(_("Download project"), json.dumps(project, indent=2, ensure_ascii=False),
                       file_name=file_name(project), mime="application/json", icon=":material/download:",
                       key="download_project", width="stretch")
    upload = st.file_uploader(_("Open a project (.json)"), type=["json"], key="upload_project")
    if upload is not None and upload.file_id != st.session_state.get(state.UPLOAD_SEEN):
        try:
            new = parse_upload(upload.name, upload.getvalue())
        except ValueError as exc:
            state.mark_upload(upload.file_id, str(exc))
        else:
            state.mark_upload(upload.file_id, None)
            state.set_project(new)
            state.flash("success", _('Opened {name}.').format(name=upload.name))
            st.rerun()
    if st.session_state.get(state.UPLOAD_ERROR):
        st.error(_('{value}. Your current project is unchanged.').format(
            value=st.session_state[state.UPLOAD_ERROR]), icon=":material/error:")
    if st.button(_("New blank project"), key="new_project", icon=":material/add:", width="stretch"):
        state.set_project(BLANK)
        state.flash("info", _("A blank project: drag layers from the palette onto the canvas and connect them."))
        st.rerun()
