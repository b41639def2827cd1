"""The "Take it home" panel: downloads (script, weights, ONNX, bundle), share links, and opening a bundle.

Rendering only: every file is made by export.* from the checked project. Exports that use trained weights
use the run's own project (the graph may have been edited since it trained).
"""
from __future__ import annotations

import functools
import json
from urllib.parse import urlsplit, urlunsplit

import streamlit as st

from i18n import _

from builder import Checked, GraphError, build_model
from export.bundle import BundleError, build_bundle, read_bundle
from export.links import LinkError, share_url
from export.onnx import OnnxExportError, export_onnx
from export.script import class_name, export_script, file_stem
from export.weights import weights_bytes
from runs.restored import RestoredJob
from runs.store import run_url, save_run
from trainers.agreement import checked

from .. import state
from .opening import open_project
from .train_buttons import current_run


def _base_url() -> str:
    try:
        url = st.context.url or ""
    except Exception:  # outside a browser session (AppTest)
        url = ""
    parts = urlsplit(url or "http://localhost:8501/")
    return urlunsplit((parts.scheme, parts.netloc, parts.path or "/", "", ""))


def _trained(run) -> Checked | None:
    """The checked project a run trained (its own: the graph may have been edited since), when the run has
    weights to take home; else None. A run read back from the store is checked once, here."""
    if getattr(run, "job", None) is None:
        return None
    return getattr(run, "checked", None) or _stored(_ByRun(run))


class _ByRun:
    """A run that hashes by its id: its project never changes once submitted."""

    __slots__ = ("run",)

    def __init__(self, run):
        self.run = run

    def __hash__(self) -> int:
        return hash(getattr(self.run, "id", id(self.run)))

    def __eq__(self, other) -> bool:
        return isinstance(other, _ByRun) and hash(other) == hash(self)


@functools.lru_cache(maxsize=16)
def _stored(run: _ByRun) -> Checked:
    return checked(run.run.project)


def _state(run) -> dict:
    return run.job.state_dict()  # a consistent CPU copy, also while it trains


def _stem(value: Checked) -> str:
    return file_stem(class_name(value.project.name or "model"))


def _script(source) -> str:
    try:
        return export_script(source, training=True)
    except ValueError:  # a data set the script cannot load: the model class alone
        return export_script(source, training=False)


def _downloads(value: Checked, run) -> None:
    """Files are made on click (callables), not on every rerun, from the checked values: none is checked again."""
    stem = _stem(value)
    cols = st.columns(4)
    cols[0].download_button(_("Project (.json)"), lambda: json.dumps(value.doc, indent=2, ensure_ascii=False),
                            file_name=f"{stem}.json", mime="application/json", key="export_json")
    if not value.ok:
        st.caption(_('Code, weights and ONNX need a valid graph: {why}').format(why=value.report.errors[0]))
        return
    cols[1].download_button(_("PyTorch script (.py)"), lambda: _script(value), file_name=f"{stem}.py",
                            mime="text/x-python", key="export_py")
    trained = _trained(run)
    source = trained or value
    if trained is not None:
        cols[2].download_button(_("Trained weights (.pt)"), lambda: weights_bytes(_state(run)), file_name=f"{stem}.pt",
                                mime="application/octet-stream", key="export_pt")
        if trained.digest != value.digest:
            st.caption(_("The weights belong to the graph as it was when this run trained; "
                       "the script is the current graph."))
    if cols[3].button(_("Prepare ONNX"), key="export_onnx_prepare"):
        try:
            model = build_model(source)
            if trained is not None:
                model.load_state_dict(_state(run))
            state.set_onnx(source.digest, export_onnx(source, model))
        except (OnnxExportError, GraphError) as e:
            st.error(_('ONNX export: {e}').format(e=e))
    onnx = st.session_state.get(state.ONNX)
    if onnx and onnx[0] == source.digest:  # made for this graph, not an earlier one
        cols[3].download_button(_("ONNX (.onnx)"), onnx[1], file_name=f"{stem}.onnx",
                                mime="application/octet-stream", key="export_onnx_file")
    if trained is not None:
        st.download_button(_("Run bundle (.zip): project, weights, curves, script"),
                           lambda: build_bundle(trained, _state(run), run.snapshot()),
                           file_name=f"{stem}-run.zip", mime="application/zip", key="export_zip")


@functools.lru_cache(maxsize=16)  # values hash by identity: one link per value and address
def _share_url(value: Checked, base: str) -> tuple[str | None, str | None]:
    """(link, None) or (None, why): the checked project packed once per value and address."""
    try:
        return share_url(value, base), None
    except LinkError as e:
        return None, str(e)


def _links(value: Checked, run) -> None:
    base = _base_url()
    url, problem = _share_url(value, base)
    if url:
        st.text_input(_("Share link (graph + training settings; opens on any NeuroCanvas)"), url, key="export_link",
                      help=_('{n_url:,} characters').format(n_url=len(url)))
    else:
        st.warning(problem)
    trained = _trained(run)
    if trained is None or not getattr(run, "done", False):
        st.caption(_("A short link to the trained run appears here once a run has finished."))
        return
    if st.button(_("Save this run and get a short link"), key="export_save_run"):
        try:
            saved = save_run(trained, _state(run), run.snapshot(), ws=getattr(run, "ws", None))
            state.set_run_url(getattr(run, "id", None), run_url(base, saved))
        except (BundleError, OSError, RuntimeError) as e:  # RuntimeError: a quota reached, or no weights kept
            st.error(_('Could not save the run: {e}').format(e=e))
    saved = st.session_state.get(state.RUN_URL)
    if saved and saved[0] == getattr(run, "id", None):  # the link of this run, not of one shown earlier
        st.text_input(_("Read-only link to this trained run (others can make a copy)"), saved[1],
                      key="export_run_link")


def _upload():
    file = st.file_uploader(_("Open a run bundle (.zip)"), type=["zip"], key="export_upload")
    if file is None:
        return None
    if st.session_state.get(state.BUNDLE_FILE) == file.file_id:
        return None  # opened on an earlier rerun
    try:
        bundle = read_bundle(file.getvalue())
    except BundleError as e:
        st.error(f"{file.name}: {e}")
        return None
    state.set_bundle(bundle, file.file_id)
    curves = len(bundle.epochs.get("epoch", []))
    st.toast((_("Opened '{name}': trained weights, {curves} epoch(s) of curves.") if bundle.state_dict
              else _("Opened '{name}': {curves} epoch(s) of curves.")).format(name=bundle.project.name, curves=curves))
    return bundle


def restore(bundle, label: str = "bundle") -> None:
    """Open a bundle or saved run in this workspace: its project becomes the one edited and its finished
    run (weights, curves, probes; read-only, it cannot be resumed) the one on the dashboard."""
    import uuid

    from runs.registry import REGISTRY, Run
    opened = _("Opened '{name}' from a {label}: editing it changes your copy only.").format(
        name=bundle.project.name, label=label)
    if not open_project(bundle.project, opened):  # parsed and checked where the bundle was read
        return
    ws = st.session_state.get(state.WS)
    if ws:
        run = Run(id=uuid.uuid4().hex[:12], ws=ws, label=f"{bundle.project.name} ({label})",
                  project=state.project(), final=bundle.snapshot(), job=RestoredJob(bundle), checked=state.value())
        REGISTRY.adopt(ws, run)
        state.show_run(run.id)


def open_shared() -> None:
    """Open a shared project or saved run named in the URL (the links of this panel), once."""
    try:
        open_from_url()
    except Exception as exc:  # a broken link must not break the page
        state.flash("error", _('The link in the address could not be opened: {exc}').format(exc=exc))


def open_from_url() -> None:
    """Handle ?project=<share link> and ?run=<saved run id> once: open it, then drop the key from the URL."""
    from runs.opening import open_query

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
        open_project(opened.project, _("Opened the shared project '{name}'.").format(name=opened.project.name))


def show() -> None:
    """The "Take it home" view: the panel for the project being edited and the run on the dashboard."""
    panel(state.value(), current_run())


def panel(project, run=None, on_restore=None):
    """Draw the panel for the project being edited (its builder.Checked; a plain dict is checked here) and the run
    on the dashboard (a runs.registry.Run or None).

    A newly opened bundle is passed once to on_restore(bundle) (default: restore(), into this workspace).
    """
    value = project if isinstance(project, Checked) else checked(project)
    _downloads(value, run)
    st.divider()
    _links(value, run)
    st.divider()
    bundle = _upload()
    if bundle is not None:
        (on_restore or restore)(bundle)
        st.rerun()
    return bundle
