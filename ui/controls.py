"""Start, Pause, Step, Resume, Stop and "Run all variants": buttons outside the live fragment."""
from __future__ import annotations

import streamlit as st

from trainers import TrainingSettings

from . import state
from .derived import analyse
from .runs import REGISTRY, Run


def current_run() -> Run | None:
    """The run on the dashboard; when it ended and another of this workspace is live (the next queued
    variant, or a run started in another tab), follow that one and keep the old one on the loss chart."""
    ws, rid = st.session_state[state.WS], st.session_state.get(state.RUN)
    run = REGISTRY.get(ws, rid) if rid else None
    if run is None or run.done:
        live = REGISTRY.current(ws)
        if live is not None and (run is None or not live.done):
            if run is not None and live.id != run.id and run.id not in st.session_state[state.COMPARE]:
                st.session_state[state.COMPARE] = st.session_state[state.COMPARE] + [run.id]
            st.session_state[state.RUN] = live.id
            run = live
    return run


def why_not_trainable() -> str | None:
    """The reason Train is disabled, naming the node or field; None when the project can train."""
    from .views.classroom_student import lock_reason  # a teacher may hold the whole class
    if held := lock_reason():
        return held
    derived = analyse(state.project())
    if derived["report"] is None:
        return f"The graph cannot be read: {derived['problem']}"
    if not derived["report"].ok:
        first = derived["report"].errors[0]
        more = len(derived["report"].errors) - 1
        return f"Fix the graph first: {first}" + (f" (and {more} more)" if more else "")
    try:
        TrainingSettings.from_dict(state.training())
    except Exception as exc:
        return f"Fix the training settings first: {exc}"
    options = state.training().get("dataset_options") or {}
    if state.training().get("dataset") == "csv" and not (options.get("text") or options.get("path")):
        return "Upload a CSV file and pick the column to predict first (Train view, Data set)"
    return None


def _label(project: dict) -> str:
    n = len(REGISTRY.runs(st.session_state[state.WS])) + 1
    t = project.get("training") or {}
    opt = t.get("optimizer") or {}
    return f"run {n} · {opt.get('type', 'Adam')} lr {opt.get('lr', 0.001):g} · batch {t.get('batch_size', 64)}"


def start(project: dict | None = None, label: str | None = None) -> Run:
    project = project or state.project()
    previous = current_run()
    run = REGISTRY.submit(st.session_state[state.WS], project, label or _label(project))
    st.session_state[state.RUN] = run.id
    if previous is not None and previous.id != run.id and previous.id not in st.session_state[state.COMPARE]:
        st.session_state[state.COMPARE] = (st.session_state[state.COMPARE] + [previous.id])[-3:]
    st.session_state[state.HINT] = False
    st.session_state[state.VIEW] = "Dashboard"  # the view control is drawn after the buttons: allowed here
    return run


def run_variants() -> None:
    """Queue one run per preset variant with the same seed; they are overlaid on the loss chart."""
    from presets import apply_variant
    project = state.project()
    ids = []
    for v in project.get("variants", []):
        try:
            variant = apply_variant(project, v["id"])
        except Exception as exc:
            state.flash("error", f"variant {v.get('id')!r}: {exc}")
            return
        label = (v.get("label") or {}).get(st.session_state[state.LANG]) or (v.get("label") or {}).get("en") or v["id"]
        ids.append(REGISTRY.submit(st.session_state[state.WS], variant, f"variant · {label}").id)
    if ids:
        st.session_state[state.VIEW] = "Dashboard"
        st.session_state[state.RUN] = ids[0]
        st.session_state[state.COMPARE] = ids[1:]


def show() -> None:
    run = current_run()
    status = run.status if run else "idle"
    reason = why_not_trainable()
    live = status in ("running", "paused", "queued")
    cols = st.columns(6)
    if cols[0].button("Train", key="btn_train", type="primary", icon=":material/play_arrow:",
                      disabled=bool(reason) or live, width="stretch"):
        start()
        st.rerun()
    if cols[1].button("Pause", key="btn_pause", icon=":material/pause:", disabled=status != "running", width="stretch"):
        run.job.pause()
        st.rerun()
    if cols[2].button("Step", key="btn_step", icon=":material/skip_next:", disabled=status != "paused",
                      width="stretch", help="train one batch, then stay paused"):
        run.job.step()
    if cols[3].button("Resume", key="btn_resume", icon=":material/resume:", disabled=status != "paused",
                      width="stretch"):
        run.job.resume()
        st.rerun()
    if cols[4].button("Stop", key="btn_stop", icon=":material/stop:", disabled=not live, width="stretch"):
        REGISTRY.stop(run)
        st.rerun()
    if state.project().get("variants"):
        if cols[5].button("Run all variants", key="btn_variants", icon=":material/compare:",
                          disabled=bool(reason) or live, width="stretch",
                          help="one run per variant of this lesson, same seed, overlaid on the loss chart"):
            run_variants()
            st.rerun()
    if reason:
        st.warning(reason, icon=":material/block:")
