"""New project, download and upload of the project JSON; a bad upload says what is wrong and loses nothing."""
from __future__ import annotations

import json

import streamlit as st

from i18n import _

from builder import ProjectError, blank_project, safe_json
from builder.limits import LIMITS
from builder.outside import project_from_outside
from trainers import starter_training

from .. import state
from .opening import open_project

BLANK = blank_project(starter_training())


def parse_upload(name: str, data: bytes):
    """The project (builder.Project) of an uploaded file, parsed once; ValueError naming the file and what is
    wrong."""
    if len(data) > LIMITS.project_bytes:
        raise ValueError(_("{name}: {n:,} bytes is above the {limit:,}-byte limit for a project file").format(
            name=name, n=len(data), limit=LIMITS.project_bytes))
    try:
        return project_from_outside(safe_json.loads(data, name), name)  # structure, bounded nesting, no paths
    except (ProjectError, safe_json.JSONLimitError) as exc:
        raise ValueError(str(exc)) from None
    except Exception as exc:  # whatever else the loader trips on, still name the file
        raise ValueError(_("{name}: not a NeuroCanvas project: {why}").format(name=name, why=exc)) from None


def file_name(project: dict) -> str:
    stem = "".join(c if c.isalnum() or c in "-_" else "_" for c in (project.get("name") or "project").strip())
    return f"{stem or 'project'}.json"


def show() -> None:
    project = state.project()
    st.download_button(_("Download project"), lambda: json.dumps(project, indent=2, ensure_ascii=False),  # on click
                       file_name=file_name(project), mime="application/json", icon=":material/download:",
                       key="download_project", width="stretch")
    upload = st.file_uploader(_("Open a project (.json)"), type=["json"], key="upload_project",
                              max_upload_size=max(1, LIMITS.project_bytes // 2**20))
    if upload is not None and upload.file_id != st.session_state.get(state.UPLOAD_SEEN):
        try:
            new = parse_upload(upload.name, upload.getvalue())
        except ValueError as exc:
            state.mark_upload(upload.file_id, str(exc))
        else:
            state.mark_upload(upload.file_id, None)
            if open_project(new, _('Opened {name}.').format(name=upload.name)):
                st.rerun()
    if st.session_state.get(state.UPLOAD_ERROR):
        st.error(_('{value}. Your current project is unchanged.').format(
            value=st.session_state[state.UPLOAD_ERROR]), icon=":material/error:")
    if st.button(_("New blank project"), key="new_project", icon=":material/add:", width="stretch"):
        open_project(BLANK, _("A blank project: drag layers from the palette onto the canvas and connect them."))
        st.rerun()
