"""Bring your own model: an ONNX file with its data file(s) or a zip of them (always), or a PyTorch .py class
(only where the server allows code)."""
from __future__ import annotations

import io
import os
import tempfile
from pathlib import Path

import streamlit as st
import torch

from builder.importers import ImportProblem, import_module, import_onnx, load_class
from builder.importers.fx_import import parse_shape
from builder.importers.onnx_files import from_upload
from builder.limits import current
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


def import_upload(name: str, data: bytes, class_name: str = "", shape: str = "", notes: list | None = None):
    """(project dict, .pt bytes of its weights) of one uploaded file; ImportProblem says what is wrong."""
    return import_uploads([(name, data)], class_name, shape, notes)


def import_uploads(files: list[tuple[str, bytes]], class_name: str = "", shape: str = "",
                   notes: list | None = None) -> tuple[dict, bytes]:
    """(project dict, .pt bytes of its weights) of what one upload holds: a .onnx with the data file(s)
    torch.onnx.export wrote beside it, a zip of them, or (where allowed) a .py; ImportProblem says what is wrong."""
    names = [n for n, _d in files]
    if len(files) == 1 and names[0].lower().endswith(".py") and code_allowed():
        project, weights = _from_python(names[0], files[0][1], class_name, shape)
    elif any(n.lower().endswith((".onnx", ".zip")) for n in names):
        name, model, data = from_upload(files)
        project, weights = import_onnx(model, Path(name).stem, name, data, notes)
    else:
        raise ImportProblem(_("{file}: only .onnx files (with their data file, or zipped) can be imported here").format(
            file=", ".join(names)[:200]))
    buf = io.BytesIO()
    torch.save(weights, buf)
    return project, buf.getvalue()


def _apply(uploads, class_name: str = "", shape: str = "") -> None:
    seen, label = "+".join(sorted(u.file_id for u in uploads)), ", ".join(u.name for u in uploads)
    notes: list = []
    try:
        project, weights = import_uploads([(u.name, u.getvalue()) for u in uploads], class_name, shape, notes)
    except ImportProblem as exc:
        state.mark_import(seen, str(exc))
        return
    except Exception as exc:  # a bug of ours or an odd file: a message, never a traceback on the page
        state.mark_import(seen, _("{file}: cannot be imported ({why})").format(file=label, why=type(exc).__name__))
        return
    project["training"] = state.training()  # keep the data set and settings the person chose (read-only, shared)
    done = _("Imported {file}: {n} layers on the canvas.").format(file=label, n=len(project["graph"]["nodes"]))
    if not open_project(project, "  \n".join([done] + notes), kind="warning" if notes else "success"):
        state.mark_import(seen, None)
        return
    state.mark_import(seen, None, Path(uploads[0].name).stem, weights)
    st.rerun()


def _max_mb() -> int:
    limits = current()
    return max(1, max(limits.onnx_bytes, limits.onnx_data_bytes) >> 20)


def show() -> None:
    allowed = code_allowed()
    kinds = ["onnx", "data", "bin", "zip"] + (["py"] if allowed else [])
    uploads = st.file_uploader(_("Import a model (.onnx or .py)") if allowed else _("Import a model (.onnx)"),
                               type=kinds, key="import_model", accept_multiple_files=True, max_upload_size=_max_mb(),
                               help=_("An ONNX file with the data file torch.onnx.export wrote beside it "
                                      "(model.onnx and model.onnx.data, both at once), or a zip of them."))
    if not allowed:
        st.caption(_("Importing a .py file runs its code on this server, so it is off here ({env}=1 turns it "
                     "on). ONNX files are data and always welcome.").format(env=ALLOW_ENV))
    uploads = list(uploads or [])
    seen = "+".join(sorted(u.file_id for u in uploads))
    fresh = bool(uploads) and seen != st.session_state.get(state.IMPORT_SEEN)
    if fresh and len(uploads) == 1 and uploads[0].name.lower().endswith(".py") and allowed:
        class_name = st.text_input(_("Class to import"), key="import_class")
        shape = st.text_input(_("Input shape without the batch axis"), key="import_shape", placeholder="3,32,32")
        if st.button(_("Import the class"), key="import_go", disabled=not class_name or not shape):
            _apply(uploads, class_name, shape)
    elif fresh:
        _apply(uploads)
    error, name, weights = st.session_state.get(state.IMPORT_RESULT) or (None, "", None)
    if error:
        st.error(_("{problem}. Your current project is unchanged.").format(problem=error), icon=":material/error:")
    elif weights:
        st.download_button(_("Download its weights (.pt)"), weights, file_name=f"{name or 'imported'}.pt",
                           key="import_weights", icon=":material/download:", width="stretch")
