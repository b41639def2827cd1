"""Pure pictures for the teacher's board: every student's loss curve on one chart, a network as a DOT graph,
the student link as a QR code."""
from __future__ import annotations

import io

import segno

from i18n import _

from ..derived import shape_text
from ..figures.theme import figure, layout
from ..plain import label


def loss_overlay(curves: dict[str, dict]) -> dict:
    """curves: {student name: snapshot of their latest run}; one training-loss line per student (a plotly spec)."""
    data = [dict(type="scatter", x=steps["step"], y=steps.get("loss"), mode="lines", name=label(name))
            for name, snap in curves.items() if (steps := (snap or {}).get("steps") or {}).get("step")]
    return figure(data, layout(_("Training loss, latest run"), xaxis=dict(title=dict(text=_("step"))),
                               yaxis=dict(title=dict(text=_("loss")), rangemode="tozero")))


def _quote(text) -> str:
    return '"' + str(text).replace("\\", "\\\\").replace('"', '\\"') + '"'


def network_dot(project: dict, shapes: dict | None = None) -> str:
    """The project's graph as Graphviz DOT, top to bottom, each node "id: Type [shape]" (read-only view)."""
    shapes = shapes or {}
    graph = project.get("graph") or {}
    lines = ["digraph G {", 'node [shape=box, style="rounded,filled", fillcolor="#eef3fb", fontname="sans-serif"];']
    for n in graph.get("nodes", []):
        nid = n.get("id")
        shape = f" {shape_text(shapes[nid])}" if nid in shapes else ""
        label = "{}: {}{}".format(nid, n.get("type"), shape)
        lines.append(f"{_quote(nid)} [label={_quote(label)}];")
    for e in graph.get("edges", []):
        lines.append(f"{_quote(e.get('source'))} -> {_quote(e.get('target'))};")
    return "\n".join(lines + ["}"])


def qr_png(text: str, scale: int = 8) -> bytes:
    """A QR code of `text` as PNG bytes, made locally (no network)."""
    buf = io.BytesIO()
    segno.make(text, error="m").save(buf, kind="png", scale=scale, border=2)
    return buf.getvalue()
