"""The "Take it home" panel: downloads (script, weights, ONNX, bundle), share links, and opening a bundle.

Rendering only: every file is made by builder.export_* and share.*. Exports that use trained weights
use the run's own project (the graph may have been edited since it trained).
"""
from __future__ import annotations

import json
from urllib.parse import urlsplit, urlunsplit

import streamlit as st

from builder import GraphError, build_model, check, load_project
from builder.export_code import class_name, export_script, file_stem
from builder.export_onnx import OnnxExportError, export_onnx
from builder.export_weights import weights_bytes
from share.bundle import BundleError, build_bundle, read_bundle
from share.links import LinkError, share_url
from runs.store import run_url, save_run

BUNDLE = "export_bundle"  # session key: the last bundle opened here (share.bundle.Bundle)


def _base_url() -> str:
    try:
        url = st.context.url or ""
    except Exception:  # outside a browser session (AppTest)
        url = ""
    parts = urlsplit(url or "http://localhost:8501/")
    return urlunsplit((parts.scheme, parts.netloc, parts.path or "/", "", ""))


def _trained(run):
    """The project a run trained, when the run has weights to take home; else None."""
    return run.project if getattr(run, "job", None) is not None else None


def _state(run) -> dict:
    return run.job.state_dict()  # a consistent CPU copy, also while it trains


def _digest(project: dict) -> str:
    return json.dumps(project, sort_keys=True, default=str)


def _stem(project: dict) -> str:
    return file_stem(class_name(project.get("name") or "model"))


def _script(project: dict) -> str:
    try:
        return export_script(project, training=True)
    except ValueError:  # a data set the script cannot load: the model class alone
        return export_script(project, training=False)


def _downloads(project: dict, run) -> None:
    stem = _stem(project)
    report = check(project)
    cols = st.columns(4)
    cols[0].download_button("Project (.json)", json.dumps(project, indent=2, ensure_ascii=False),
                            file_name=f"{stem}.json", mime="application/json", key="export_json")
    if not report.ok:
        st.caption(f"Code, weights and ONNX need a valid graph: {report.errors[0]}")
        return
    cols[1].download_button("PyTorch script (.py)", _script(project), file_name=f"{stem}.py",
                            mime="text/x-python", key="export_py")
    trained = _trained(run)
    source = trained or project
    if trained is not None:  # files built on click (callables), not on every rerun
        cols[2].download_button("Trained weights (.pt)", lambda: weights_bytes(_state(run)), file_name=f"{stem}.pt",
                                mime="application/octet-stream", key="export_pt")
        if _digest(trained) != _digest(project):
            st.caption("The weights belong to the graph as it was when this run trained; "
                       "the script is the current graph.")
    if cols[3].button("Prepare ONNX", key="export_onnx_prepare"):
        try:
            model = build_model(load_project(source))
            if trained is not None:
                model.load_state_dict(_state(run))
            st.session_state["export_onnx"] = (_digest(source), export_onnx(source, model))
        except (OnnxExportError, GraphError) as e:
            st.error(f"ONNX export: {e}")
    onnx = st.session_state.get("export_onnx")
    if onnx and onnx[0] == _digest(source):  # made for this graph, not an earlier one
        cols[3].download_button("ONNX (.onnx)", onnx[1], file_name=f"{stem}.onnx",
                                mime="application/octet-stream", key="export_onnx_file")
    if trained is not None:
        st.download_button("Run bundle (.zip): project, weights, curves, script",
                           lambda: build_bundle(trained, _state(run), run.snapshot()),
                           file_name=f"{stem}-run.zip", mime="application/zip", key="export_zip")


def _links(project: dict, run) -> None:
    base = _base_url()
    try:
        url = share_url(project, base)
        st.text_input("Share link (graph + training settings; opens on any NeuroCanvas)", url, key="export_link",
                      help=f"{len(url):,} characters")
    except LinkError as e:
        st.warning(str(e))
    trained = _trained(run)
    if trained is None or not getattr(run, "done", False):
        st.caption("A short link to the trained run appears here once a run has finished.")
        return
    if st.button("Save this run and get a short link", key="export_save_run"):
        try:
            saved = save_run(trained, _state(run), run.snapshot(), ws=getattr(run, "ws", None))
            st.session_state["export_run_url"] = (getattr(run, "id", None), run_url(base, saved))
        except (BundleError, OSError, RuntimeError) as e:  # RuntimeError: a quota reached, or no weights kept
            st.error(f"Could not save the run: {e}")
    saved = st.session_state.get("export_run_url")
    if saved and saved[0] == getattr(run, "id", None):  # the link of this run, not of one shown earlier
        st.text_input("Read-only link to this trained run (others can make a copy)", saved[1],
                      key="export_run_link")


def _upload():
    file = st.file_uploader("Open a run bundle (.zip)", type=["zip"], key="export_upload")
    if file is None:
        return None
    if st.session_state.get(BUNDLE + "_file") == file.file_id:
        return None  # opened on an earlier rerun
    try:
        bundle = read_bundle(file.getvalue())
    except BundleError as e:
        st.error(f"{file.name}: {e}")
        return None
    st.session_state[BUNDLE], st.session_state[BUNDLE + "_file"] = bundle, file.file_id
    curves = len(bundle.epochs.get("epoch", []))
    st.toast(f"Opened '{bundle.project.name}': {'trained weights, ' if bundle.state_dict else ''}"
             f"{curves} epoch(s) of curves.")
    return bundle


def restore(bundle, label: str = "bundle") -> None:
    """Open a bundle or saved run in this workspace: its project becomes the one edited and its finished
    run (weights, curves, probes; read-only, it cannot be resumed) the one on the dashboard."""
    import uuid

    from . import state
    from runs.registry import REGISTRY, Run
    project = bundle.project.to_dict()
    state.set_project(project)
    ws = st.session_state.get(state.WS)
    if ws:
        run = Run(id=uuid.uuid4().hex[:12], ws=ws, label=f"{bundle.project.name} ({label})", project=project,
                  final=bundle.snapshot(), job=bundle.as_job())
        REGISTRY.adopt(ws, run)
        st.session_state[state.RUN] = run.id
    state.flash("success", f"Opened '{bundle.project.name}' from a {label}: editing it changes your copy only.")


def open_from_url() -> None:
    """Handle ?project=<share link> and ?run=<saved run id> once: open it, then drop the key from the URL."""
    from runs.opening import open_query

    from . import state
    opened = open_query(st.query_params)
    if opened is None:
        return
    for key in ("project", "run"):
        st.query_params.pop(key, None)
    if opened.error:
        state.flash("error", opened.error)
    elif opened.run is not None:
        restore(opened.run, "saved run")
    else:
        state.set_project(opened.project.to_dict())
        state.flash("success", f"Opened the shared project '{opened.project.name}'.")


def show(project: dict, run=None, on_restore=None):
    """Draw the panel for the project being edited and the run on the dashboard (a runs.registry.Run or None).

    A newly opened bundle is passed once to on_restore(bundle) (default: restore(), into this workspace).
    """
    _downloads(project, run)
    st.divider()
    _links(project, run)
    st.divider()
    bundle = _upload()
    if bundle is not None:
        (on_restore or restore)(bundle)
        st.rerun()
    return bundle
