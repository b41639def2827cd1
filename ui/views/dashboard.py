"""Live training view: fragments that poll the run's snapshot while it trains and stop polling when it ends."""
from __future__ import annotations

import time

import streamlit as st

from i18n import N_, _, text

from .. import language, state
from ..figures import curves
from ..figures.run_compare import settings_table
from .chart import chart
from .train_buttons import current_run
from runs.registry import REGISTRY

LIVE = ("running", "queued")
FIRST_STEP_WAIT_S = 0.5  # a warm worker's first step comes ~0.3 s after the run left the queue (bench_runs.py)
STATUS = {"queued": N_("queued"), "running": N_("running"), "paused": N_("paused"), "finished": N_("finished"),
          "stopped": N_("stopped"), "failed": N_("failed")}  # translated when drawn, in the reader's language


def fmt_seconds(s) -> str:
    if s is None:
        return "–"
    s = int(round(s))
    return f"{s // 3600}:{s % 3600 // 60:02d}:{s % 60:02d}" if s >= 3600 else f"{s // 60}:{s % 60:02d}"


def progress_text(snap: dict) -> str:
    p = snap.get("progress") or {}
    return _("epoch {epoch}/{epochs} · step {step:,}/{steps:,} · {speed:,.0f} samples/s · ETA {eta} · "
             "{device}").format(
        epoch=min(p.get("epoch", 0) + 1, p.get("epochs", 0)), epochs=p.get("epochs", 0), step=p.get("step", 0),
        steps=p.get("total_steps", 0), speed=p.get("samples_per_s", 0), eta=fmt_seconds(p.get("eta_s")),
        device="GPU" if p.get("device") == "cuda" else p.get("device", "cpu").upper())


def status_banner(run, snap: dict) -> None:
    status = snap.get("status")
    if status == "queued":
        pos, wait = REGISTRY.queue_position(run), REGISTRY.wait_estimate(run)
        st.info(_("Waiting for a free training slot: position {pos} in the queue, starts in about {wait} "
                  "(the server trains {max_active} at a time).").format(
            pos=pos, wait=fmt_seconds(wait), max_active=REGISTRY.max_active), icon=":material/hourglass_top:")
    elif status == "failed":
        st.error(_('Training failed: {value}').format(
            value=snap.get('error') or run.error or _('unknown error')), icon=":material/error:")
    elif snap.get("message"):
        kind = st.warning if status == "paused" else st.info
        kind(status_message(snap), icon=":material/info:")


def notice_end(snap: dict) -> None:
    """When the run's status changed since the last poll, a full rerun redraws what was drawn for the old one:
    the buttons (Pause is enabled only once a queued run runs), the canvas's polling, polling off when it ended."""
    status = snap.get("status")
    seen = state.mark_status(status)
    if seen is not None and seen != status:
        st.rerun()


def progress_line(run, snap: dict) -> None:
    status_banner(run, snap)
    if snap.get("progress"):
        st.progress(min(1.0, float(snap["progress"].get("fraction") or 0.0)),
                    text=f"**{run.label}** · {text(STATUS.get(snap.get('status'), snap.get('status')))} · "
                         f"{progress_text(snap)}")


def await_first_step(run) -> None:
    """A run that left the queue a moment ago: wait (at most FIRST_STEP_WAIT_S after its start) for its first step,
    so the rerun after Train draws the curve's first points instead of an empty chart the next poll fills."""
    deadline = (run.started or 0.0) + FIRST_STEP_WAIT_S
    while time.monotonic() < deadline and run.status == "running":
        if (run.snapshot().get("steps") or {}).get("step"):
            return
        time.sleep(0.02)


def overlays(run) -> list[dict]:
    ws = st.session_state[state.WS]
    out = []
    for rid in st.session_state[state.COMPARE]:
        other = REGISTRY.get(ws, rid)
        if other is not None and other.id != run.id and comparable(run, other):
            out.append({"label": other.label, "snapshot": other.snapshot()})
    return out


def show() -> None:
    run = current_run()
    if run is None:
        st.info(_("Press **Train** to start; the loss curve and what happens inside each layer appear here live."),
                icon=":material/monitoring:")
        return
    period = float(st.session_state[state.REFRESH])
    await_first_step(run)

    @st.fragment(run_every=period if run.status in LIVE else None)
    def live():
        language.follow()
        REGISTRY.touch(st.session_state[state.WS])
        snap = run.snapshot()
        progress_line(run, snap)
        cols = st.columns(2)
        chart(curves.loss_figure, snap, overlays(run), key="chart_loss", where=cols[0])
        chart(curves.metric_figure, snap, overlays(run), key="chart_metric", where=cols[1])
        notice_end(snap)  # after the charts: a run that just started shows its first points before the page reruns

    live()
    _compare_picker(run)


def comparable(run, other) -> bool:
    """Curves compare only on the same data set and loss (a variant's graph or optimizer may differ)."""
    mine, theirs = run.project.get("training") or {}, other.project.get("training") or {}
    return all(mine.get(k) == theirs.get(k) for k in ("dataset", "dataset_options", "loss"))


def _take_compare(key: str) -> None:
    state.set_compare(list(st.session_state[key]))  # before the charts of this rerun are drawn


def _compare_picker(run) -> None:
    ws = st.session_state[state.WS]
    others = [r for r in REGISTRY.runs(ws) if r.id != run.id and comparable(run, r)][-10:]
    if others:
        names = {r.id: r.label for r in others}
        key = f"compare:{run.id}"
        chosen = st.multiselect(_("Compare with other runs (dashed on the charts)"), list(names),
                                default=[r for r in st.session_state[state.COMPARE] if r in names],
                                format_func=names.get, key=key, on_change=_take_compare, args=(key,))
        waiting = [r for r in st.session_state[state.COMPARE] if r not in names]  # beyond the last ten shown
        state.set_compare(chosen + waiting)
        if chosen:
            shown = [run] + [r for r in others if r.id in chosen]
            st.dataframe(settings_table([{"label": r.label, "project": r.project, "snapshot": r.snapshot()}
                                         for r in shown]), hide_index=True)
    snap = run.snapshot()
    if (snap.get("epochs") or {}).get("epoch") or (snap.get("steps") or {}).get("step"):
        st.download_button(_("Download metrics (CSV)"), curves.metrics_csv(snap),
                           file_name=f"{run.label.split(' ·')[0]}.csv",
                           mime="text/csv", icon=":material/download:", key=f"csv:{run.id}")


def status_message(snap: dict) -> str:
    """The run's message in the viewer's language: a worker sends its msgid and arguments beside the English text."""
    said = snap.get("message_n")
    if isinstance(said, list) and len(said) == 2 and isinstance(said[0], str) and isinstance(said[1], dict):
        return str(N_(said[0], **said[1]))
    return text(snap["message"])
