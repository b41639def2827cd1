"""The teacher's board as plain rows: one per student, from their stored project and their runs' snapshots.

A run is given as (project it trained, snapshot); rows are plain dicts a table, a CSV or a test can read.
"""
from __future__ import annotations

import builder
from i18n import _

from . import challenge as judge

LIVE = ("queued", "running", "paused")


def _check(project: dict | None):
    try:
        return builder.check(builder.load_project(project or {}))
    except Exception as exc:  # an unreadable project is shown as such, never raised on the board
        return str(exc)


def _same_work(a: dict | None, b: dict | None) -> bool:
    """Whether two projects train the same thing (node positions and names aside)."""
    def core(p):
        nodes = [{k: v for k, v in n.items() if k != "pos"} for n in ((p or {}).get("graph") or {}).get("nodes", [])]
        return nodes, ((p or {}).get("graph") or {}).get("edges"), (p or {}).get("training")
    return core(a) == core(b)


def status(project: dict | None, runs: list[tuple[dict, dict]], report) -> tuple[str, str]:
    """(phase, text): editing / invalid (graph: error) / queued / training (40%) / finished, failed, stopped."""
    last = runs[-1][1] if runs else None
    state = (last or {}).get("status")
    if state in LIVE:
        fraction = ((last or {}).get("progress") or {}).get("fraction") or 0.0
        word = {"queued": _("queued"), "running": _("training"), "paused": _("paused")}[state]
        phase = "training" if state == "running" else state
        return phase, word if state == "queued" else "{word} {pct:.0f}%".format(word=word, pct=100 * fraction)
    if isinstance(report, str):
        return "invalid", _("invalid project: {error}").format(error=report)
    if not report.ok:
        return "invalid", _("invalid graph: {error}").format(error=report.errors[0])
    if last is not None and _same_work(project, runs[-1][0]):
        if state == "failed":
            return "failed", _("failed: {error}").format(error=last.get("error") or "")
        return state, {"finished": _("finished"), "stopped": _("stopped")}.get(state, str(state))
    return "editing", _("editing")


def row(name: str, project: dict | None, runs: list[tuple[dict, dict]], metric: str, op: str = ">=",
        goal: dict | None = None) -> dict:
    """One student's row: name, status, best metric over finished runs, parameters, runs, challenge."""
    report = _check(project)
    best = None
    for _project, snap in runs:
        if (snap or {}).get("status") == "finished":
            value = judge.final_value(snap, metric)
            best = value if judge.better(op, value, best) else best
    phase, text = status(project, runs, report)
    out = {"student": name, "phase": phase, "status": text, "best": best,
           "parameters": None if isinstance(report, str) else report.total_params, "runs": len(runs)}
    if goal:
        verdict = judge.best(goal, runs)
        out.update({"met": verdict["met"], "score": verdict["value"], "why": "; ".join(verdict["why"])})
    return out


def ranked(rows: list[dict], op: str = ">=") -> list[dict]:
    """Rows with "rank" (1, 2, ...) for those who met the challenge, best first; the others follow unranked."""
    met = [r for r in rows if r.get("met")]
    met.sort(key=lambda r: -r["score"] if op != "<=" else r["score"])  # a met row always has a score
    others = [r for r in rows if not r.get("met")]
    return [{**r, "rank": i + 1} for i, r in enumerate(met)] + [{**r, "rank": None} for r in others]
