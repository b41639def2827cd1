"""New project, download and upload of the project JSON; a bad upload says what is wrong and loses nothing."""
from __future__ import annotations

import json

import streamlit as st

from builder import ProjectError
from builder import safe_json
from builder.limits import LIMITS
from builder.outside import project_from_outside
from i18n import _

from . import state

BLANK = {"format": "neurocanvas/1", "name": "New project", "description": "",
         "graph": {"nodes": [{"id": "in", "type": "Input", "params": {"shape": [64]}, "pos": [0, 0]}], "edges": []},
         "training": {"dataset": "digits", "loss": "CrossEntropyLoss", "optimizer": {"type": "Adam", "lr": 0.001},
                      "batch_size": 64, "epochs": 10, "val_fraction": 0.2, "seed": 0}}


def parse_upload(name: str, data: bytes) -> dict:
    """The project dict of an uploaded file; ValueError naming the file and what is wrong (parsed once per file)."""
    if len(data) > LIMITS.project_bytes:
        raise ValueError(_("{name}: {n:,} bytes is above the {limit:,}-byte limit for a project file").format(
            name=name, n=len(data), limit=LIMITS.project_bytes))
    try:
        obj = safe_json.loads(data, name)
        project_from_outside(obj, name)  # the structure, bounded nesting, no server paths
        return obj
    except (ProjectError, safe_json.JSONLimitError) as exc:
        raise ValueError(str(exc)) from None
    except Exception as exc:  # whatever else the loader trips on, still name the file
        raise ValueError(_("{name}: not a NeuroCanvas project: {why}").format(name=name, why=exc)) from None


def file_name(project: dict) -> str:
    stem = "".join(c if c.isalnum() or c in "-_" else "_" for c in (project.get("name") or "project").strip())
    return f"{stem or 'project'}.json"


def show() -> None:
    project = state.project()
    st.download_button("Download project", json.dumps(project, indent=2, ensure_ascii=False),
                       file_name=file_name(project), mime="application/json", icon=":material/download:",
                       key="download_project", width="stretch")
    upload = st.file_uploader("Open a project (.json)", type=["json"], key="upload_project",
                              max_upload_size=max(1, LIMITS.project_bytes // 2**20))
    if upload is not None and upload.file_id != st.session_state.get(state.UPLOAD_SEEN):
        st.session_state[state.UPLOAD_SEEN] = upload.file_id
        try:
            new = parse_upload(upload.name, upload.getvalue())
        except ValueError as exc:
            st.session_state[state.UPLOAD_ERROR] = str(exc)
        else:
            st.session_state[state.UPLOAD_ERROR] = None
            state.set_project(new)
            state.flash("success", f"Opened {upload.name}.")
            st.rerun()
    if st.session_state.get(state.UPLOAD_ERROR):
        st.error(f"{st.session_state[state.UPLOAD_ERROR]}. Your current project is unchanged.", icon=":material/error:")
    if st.button("New blank project", key="new_project", icon=":material/add:", width="stretch"):
        state.set_project(BLANK)
        state.flash("info", "A blank project: drag layers from the palette onto the canvas and connect them.")
        st.rerun()
