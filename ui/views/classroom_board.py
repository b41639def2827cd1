"""The teacher's board at ?class=<code>&teacher=<key>: the student link with a QR code, one live row per
student, every loss curve on one chart, a student's work read-only, CSV, stop a run, lock the class."""
from __future__ import annotations

import pandas as pd
import streamlit as st

from i18n import _, ngettext
from presets import METRICS
from runs import board
from runs.classes import Klass

from runs.registry import REGISTRY, Run

from .. import state
from ..figures.curves import loss_figure
from ..plain import cell, md
from ..workspace import store
from .chart import chart
from .class_list import classes
from .classroom_chart import loss_overlay, network_dot, qr_png

_adopted: set[str] = set()  # workspaces whose stored runs this server process has loaded into the registry


def student_link(code: str) -> str:
    """The link students open: this server's address with ?class=<code> only (never the teacher's key)."""
    base = (st.context.url or "").split("?")[0]
    return f"{base.rstrip('/')}/?class={code}" if base else f"?class={code}"


def runs_of(ws: str) -> list[Run]:
    """A student's runs: live ones from the registry, finished ones of an earlier server process from the store."""
    if ws not in _adopted:
        _adopted.add(ws)
        for row in store().load_runs(ws):
            REGISTRY.adopt(ws, Run(id=row["id"], ws=ws, label=row["label"], project=row["project"],
                                   created=row["created"], final=row["snapshot"], saved=True))
    return REGISTRY.runs(ws)


def metric_of(klass: Klass) -> tuple[str, str]:
    """(metric, op) the board ranks by: the challenge's, else the lesson target's, else validation accuracy."""
    goal = klass.challenge or (klass.lesson.get("lesson") or {}).get("target") or {}
    return goal.get("metric", "val_accuracy"), goal.get("op", ">=")


def rows(klass: Klass) -> tuple[list[dict], dict]:
    """(board rows, {student: latest snapshot}) from the server's own store and registry."""
    metric, op = metric_of(klass)
    out, curves = [], {}
    for m in classes().members(klass.code):
        runs = [(r.project, r.snapshot()) for r in runs_of(m.ws)]
        row = board.row(m.name, store().load_project(m.ws), runs, metric, op, klass.challenge)
        out.append({**row, "ws": m.ws})
        if runs:
            curves[m.name] = runs[-1][1]
    return board.ranked(out, op) if klass.challenge else out, curves


def summary(data: list[dict]) -> str:
    """One line a teacher reads from the back of the room: how many students, training, finished, the best."""
    phases = [r["phase"] for r in data]
    line = ngettext("**{n}** student", "**{n}** students", len(data)).format(n=len(data)) + " · " + _(
        "**{training}** training · **{finished}** finished").format(
        training=phases.count("training") + phases.count("queued"), finished=phases.count("finished"))
    scored = [r for r in data if r["best"] is not None]
    top = data[0] if data[0].get("rank") else max(scored, key=lambda r: r["best"], default=None)
    if top is not None:  # ranked: the challenge's leader; else the best validation value
        value = top["score"] if top.get("rank") else top["best"]
        line += " · " + _("best {value:.3f} ({name})").format(value=value, name=md(top["student"]))
    return line


def table(data: list[dict], klass: Klass) -> pd.DataFrame:
    metric, _op = metric_of(klass)
    name = (METRICS.get(metric) or {}).get(st.session_state.get(state.LANG) or "en", metric)
    cols = {"rank": _("Rank"), "student": _("Student"), "status": _("Status"), "best": _("Best {metric}").format(
        metric=name), "parameters": _("Parameters"), "runs": _("Runs"), "met": _("Challenge met"), "why": _("Why not")}
    frame = pd.DataFrame(data, columns=[c for c in cols if c in (data[0] if data else cols)])
    return frame.rename(columns=cols)


def results_csv(frame: pd.DataFrame) -> str:
    """The board's table as CSV whose cells a spreadsheet shows as text (a name like =HYPERLINK(...) included)."""
    return frame.map(cell).to_csv(index=False)


def show(klass: Klass) -> None:
    link = student_link(klass.code)
    left, right = st.columns([5, 1], vertical_alignment="center")
    heading = _("Class {code} · {title}").format(code=klass.code, title=md(klass.title))
    left.markdown("### :material/co_present: " + heading)
    left.markdown(_("Students open:"))
    with left.container(key="student_link"):
        st.title(link, anchor=False)  # large enough to read from the back of the room
    right.image(qr_png(link), width=170)
    _teacher_controls(klass)
    live(klass)


def _teacher_controls(klass: Klass) -> None:
    left, _right = st.columns([1, 3])
    if klass.locked:
        if left.button(_("Unlock the class"), key="btn_unlock", icon=":material/lock_open:", width="stretch"):
            classes().set_locked(klass.code, False)
            st.rerun()
    elif left.button(_("Lock the class"), key="btn_lock", icon=":material/lock:", width="stretch",
                     help=_("students can change nothing and start no training until you unlock")):
        classes().set_locked(klass.code, True)
        st.rerun()


def _student_controls(data: list[dict]) -> None:
    """Picker and "Stop their run", drawn in the board's fragment: a row click and the button agree on its rerun."""
    cols = st.columns([2, 1], vertical_alignment="bottom")
    members = {r["ws"]: r["student"] for r in data}
    if st.session_state.get(state.BOARD_PICK) not in members:
        state.set_board_pick(None)  # a student of another class, or one who left
    pick = cols[0].selectbox(_("Student"), list(members), format_func=members.get, key=state.BOARD_PICK,
                             index=None, placeholder=_("pick a student (or click a row)"))
    run = REGISTRY.current(pick) if pick else None
    if cols[1].button(_("Stop their run"), key="btn_stop_student", icon=":material/stop:", width="stretch",
                      disabled=run is None or run.done):
        REGISTRY.stop(run)
        st.rerun()


def _picked(data: list[dict]) -> None:
    """A click on a row opens that student's work below (and aims "Stop their run" at them)."""
    chosen = st.session_state.get("board_table")
    picked = (chosen or {}).get("selection", {}).get("rows") if chosen else None
    if picked and picked[0] < len(data):
        state.set_board_pick(data[picked[0]]["ws"])


def live(klass: Klass) -> None:
    @st.fragment(run_every=float(st.session_state[state.REFRESH]))
    def refresh():
        data, curves = rows(klass)
        if not data:
            st.info(_("Nobody has joined yet. Students open the link above and type their name."),
                    icon=":material/group_add:")
            return
        _student_controls(data)
        with st.container(key="board_summary"):
            st.markdown(summary(data))
        frame = table(data, klass)
        st.dataframe(frame, hide_index=True, on_select=lambda: _picked(data), selection_mode="single-row",
                     key="board_table", width="stretch")
        st.download_button(_("Download results (CSV)"), results_csv(frame), file_name=f"class-{klass.code}.csv",
                           mime="text/csv", icon=":material/download:", key="board_csv")
        chart(loss_overlay, curves, key="chart_class_loss")
        _student_work(klass, st.session_state.get(state.BOARD_PICK))

    refresh()


def _student_work(klass: Klass, ws: str | None) -> None:
    """The picked student's network and latest run, read-only (for the projector)."""
    member = classes().member(ws) if ws else None
    if member is None or member.code != klass.code:
        return
    st.markdown("#### " + _("{name}'s network").format(name=md(member.name)))
    project = store().load_project(member.ws) or klass.lesson
    cols = st.columns([1, 2])
    cols[0].graphviz_chart(network_dot(project), width="stretch")
    runs = runs_of(member.ws)
    if runs:
        chart(loss_figure, runs[-1].snapshot(), key="chart_student_loss", where=cols[1])
    else:
        cols[1].caption(_("No run yet."))
