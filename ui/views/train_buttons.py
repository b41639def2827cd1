"""Start, Pause, Step, Resume, Stop and "Run all variants": buttons outside the live fragment."""
from __future__ import annotations

import streamlit as st

from i18n import _
from presets import apply_variant
from trainers import TrainingSettings
from trainers.agreement import checked
from trainers.optimizers import learning_rate

from .. import state
from runs.admission import Refused
from runs.registry import REGISTRY, Run


def current_run() -> Run | None:
    """The run on the dashboard (reads only; follow_live_run() moves it on)."""
    rid = st.session_state.get(state.RUN)
    return REGISTRY.get(st.session_state[state.WS], rid) if rid else None


def follow_live_run() -> None:
    """When the run on the dashboard ended and another of this workspace is live (the next queued variant,
    or a run started in another tab), show that one and keep the old one on the loss chart."""
    ws, run = st.session_state[state.WS], current_run()
    if run is not None and not run.done:
        return
    live = REGISTRY.current(ws)
    if live is None or live.done:  # a finished run of the project before is not this one's
        return
    compare = st.session_state[state.COMPARE]
    if run is not None and live.id != run.id and run.id not in compare:
        compare = compare + [run.id]
    state.show_run(live.id, compare)


def why_not_trainable() -> str | None:
    """The reason Train is disabled, naming the node or field; None when the project can train."""
    from .classroom_student import lock_reason  # a teacher may hold the whole class
    if held := lock_reason():
        return held
    report = state.value().report
    if not report.ok:
        first, more = report.errors[0], len(report.errors) - 1
        return (_("Fix the graph first: {problem} (and {more} more)") if more
                else _("Fix the graph first: {problem}")).format(problem=first, more=more)
    try:
        TrainingSettings.from_dict(state.training())
    except Exception as exc:
        return _("Fix the training settings first: {problem}").format(problem=exc)
    options = state.training().get("dataset_options") or {}
    if state.training().get("dataset") == "csv" and not (options.get("text") or options.get("path")):
        return _("Upload a CSV file and pick the column to predict first (Train view, Data set)")
    return None


def _label(value) -> str:
    """'run 2 · Adam lr 0.001 · batch 64': the settings as trainers resolves them (their own defaults)."""
    n = len(REGISTRY.runs(st.session_state[state.WS])) + 1
    settings = TrainingSettings.from_dict(value.training)
    return _("run {n} · {optimizer} lr {lr:g} · batch {batch}").format(
        n=n, optimizer=settings.optimizer["type"], lr=learning_rate(settings.optimizer), batch=settings.batch_size)


def start(value=None, label: str | None = None) -> Run | None:
    """Train `value` (the page's checked project by default): the registry takes the checked value."""
    value = value or state.value()
    previous = current_run()
    try:
        run = REGISTRY.submit(st.session_state[state.WS], value, label or _label(value))
    except Refused as exc:  # over a server limit, or not what the student's class allows: the project stays
        state.flash("error", str(exc))
        return None
    compare = st.session_state[state.COMPARE]
    if previous is not None and previous.id != run.id and previous.id not in compare:
        compare = (compare + [previous.id])[-3:]
    state.show_run(run.id, compare)
    state.hide_hint()
    state.open_view("Dashboard")  # the view control is drawn after the buttons: allowed here
    return run


def run_variants() -> None:
    """Queue one run per preset variant with the same seed; they are overlaid on the loss chart."""
    project = state.project()
    ids, group = [], REGISTRY.new_group()
    for v in project.get("variants", []):
        try:
            variant = checked(apply_variant(project, v["id"]))  # each variant parsed and checked once, here
        except Exception as exc:
            state.flash("error", _('variant {value!r}: {exc}').format(value=v.get('id'), exc=exc))
            return
        label = (v.get("label") or {}).get(st.session_state[state.LANG]) or (v.get("label") or {}).get("en") or v["id"]
        try:
            ids.append(REGISTRY.submit(st.session_state[state.WS], variant, f"variant · {label}", group=group).id)
        except Refused as exc:
            state.flash("error", _("variant {value!r}: {exc}").format(value=v.get("id"), exc=exc))
            break
    if ids:
        state.open_view("Dashboard")
        state.show_run(ids[0], ids[1:])


def show() -> None:
    run = current_run()
    status = run.status if run else "idle"
    reason = why_not_trainable()
    live = status in ("running", "paused", "queued")
    cols = st.columns(6)
    if cols[0].button(_("Train"), key="btn_train", type="primary", icon=":material/play_arrow:",
                      disabled=bool(reason) or live, width="stretch"):
        start()
        st.rerun()
    if cols[1].button(_("Pause"), key="btn_pause", icon=":material/pause:", disabled=status != "running",
                      width="stretch"):
        run.job.pause()
        st.rerun()
    if cols[2].button(_("Step"), key="btn_step", icon=":material/skip_next:", disabled=status != "paused",
                      width="stretch", help=_("train one batch, then stay paused")):
        run.job.step()
    if cols[3].button(_("Resume"), key="btn_resume", icon=":material/resume:", disabled=status != "paused",
                      width="stretch"):
        run.job.resume()
        st.rerun()
    if cols[4].button(_("Stop"), key="btn_stop", icon=":material/stop:", disabled=not live, width="stretch"):
        REGISTRY.stop(run)
        st.rerun()
    if state.project().get("variants"):
        if cols[5].button(_("Run all variants"), key="btn_variants", icon=":material/compare:",
                          disabled=bool(reason) or live, width="stretch",
                          help=_("one run per variant of this lesson, same seed, overlaid on the loss chart")):
            run_variants()
            st.rerun()
    if reason:
        st.warning(reason, icon=":material/block:")
