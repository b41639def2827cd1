"""Bring your own model: an ONNX file (always) or a PyTorch .py class (only where the server allows code)."""
from __future__ import annotations

import io
import os
import tempfile
from pathlib import Path

import streamlit as st
import torch

from builder.importers import ImportProblem, import_module, import_onnx, load_class
from builder.importers.fx_import import parse_shape
from builder.importers.onnx_read import too_large
from i18n import _

from .. import state
from .opening import open_project

ALLOW_ENV = "NEUROCANVAS_ALLOW_CODE_IMPORT"
MAX_PY_BYTES = 200_000  # a model definition, not a program


def code_allowed() -> bool:
    return os.environ.get(ALLOW_ENV) == "1"


def _from_python(name: str, data: bytes, class_name: str, shape: str):
    """Runs the uploaded file (the caller checked that the server allows it)."""
    if len(data) > MAX_PY_BYTES:
        raise ImportProblem(_("{file}: larger than the {kb} KB limit for a model file").format(
            file=name, kb=MAX_PY_BYTES // 1000))
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "model.py"
        path.write_bytes(data)
        cls = load_class(path, class_name.strip())
        try:
            module = cls()
        except Exception as exc:  # the class's own constructor
            raise ImportProblem(_("{name}() failed: {why}").format(name=class_name, why=str(exc)[:200])) from None
        return import_module(module, parse_shape(shape), name=class_name.strip())


def import_upload(name: str, data: bytes, class_name: str = "", shape: str = "") -> tuple[dict, bytes]:
    """(project dict, .pt bytes of its weights) of an uploaded model; ImportProblem says what is wrong."""
    if name.lower().endswith(".onnx"):
        too_large(len(data), name)
        project, weights = import_onnx(data, Path(name).stem, name)
    elif name.lower().endswith(".py") and code_allowed():
        project, weights = _from_python(name, data, class_name, shape)
    else:
        raise ImportProblem(_("{file}: only .onnx files can be imported here").format(file=name))
    buf = io.BytesIO()
    torch.save(weights, buf)
    return project, buf.getvalue()


def _apply(upload, class_name: str = "", shape: str = "") -> None:
    try:
        project, weights = import_upload(upload.name, upload.getvalue(), class_name, shape)
    except ImportProblem as exc:
        state.mark_import(upload.file_id, str(exc))
        return
    except Exception as exc:  # a bug of ours or an odd file: a message, never a traceback on the page
        state.mark_import(upload.file_id, _("{file}: cannot be imported ({why})").format(
            file=upload.name, why=type(exc).__name__))
        return
    project["training"] = state.training()  # keep the data set and settings the person chose (read-only, shared)
    if not open_project(project, _("Imported {file}: {n} layers on the canvas.").format(
            file=upload.name, n=len(project["graph"]["nodes"]))):
        state.mark_import(upload.file_id, None)
        return
    state.mark_import(upload.file_id, None, Path(upload.name).stem, weights)
    st.rerun()


def show() -> None:
    allowed = code_allowed()
    kinds = ["onnx", "py"] if allowed else ["onnx"]
    upload = st.file_uploader(_("Import a model (.onnx or .py)") if allowed else _("Import a model (.onnx)"),
                              type=kinds, key="import_model")
    if not allowed:
        st.caption(_("Importing a .py file runs its code on this server, so it is off here ({env}=1 turns it "
                     "on). ONNX files are data and always welcome.").format(env=ALLOW_ENV))
    fresh = upload is not None and upload.file_id != st.session_state.get(state.IMPORT_SEEN)
    if fresh and upload.name.lower().endswith(".py") and allowed:
        class_name = st.text_input(_("Class to import"), key="import_class")
        shape = st.text_input(_("Input shape without the batch axis"), key="import_shape", placeholder="3,32,32")
        if st.button(_("Import the class"), key="import_go", disabled=not class_name or not shape):
            _apply(upload, class_name, shape)
    elif fresh:
        _apply(upload)
    error, name, weights = st.session_state.get(state.IMPORT_RESULT) or (None, "", None)
    if error:
        st.error(_("{problem}. Your current project is unchanged.").format(problem=error), icon=":material/error:")
    elif weights:
        st.download_button(_("Download its weights (.pt)"), weights, file_name=f"{name or 'imported'}.pt",
                           key="import_weights", icon=":material/download:", width="stretch")
