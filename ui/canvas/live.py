"""The network alive on the canvas: per-node activation sparklines and dead shares, per-edge gradient flow."""
from __future__ import annotations

import math

from i18n import _

SPARK_BINS = 15  # the probe's 30 histogram bins, pairwise summed: readable at 110 px
DECADES = 4.0  # an edge 10^4 times weaker than the strongest is drawn thinnest and palest
WIDTH = (1.0, 6.0)
FAINT, STRONG = (203, 213, 225), (220, 38, 38)  # slate-300 .. red-600


def _spark(counts: list) -> list[float]:
    pairs = [sum(counts[i:i + 2]) for i in range(0, len(counts), 2)][:SPARK_BINS]
    top = max(pairs, default=0)
    return [round(c / top, 3) for c in pairs] if top else []


def _colour(t: float) -> str:
    return "#" + "".join(f"{round(a + (b - a) * t):02x}" for a, b in zip(FAINT, STRONG))


def edge_style(norm: float | None, strongest: float) -> dict:
    """Width and colour on a log scale relative to the strongest edge; None (no gradient) is faint and thin."""
    if not norm or not strongest:
        return {"width": WIDTH[0], "colour": _colour(0.0), "norm": norm}
    t = max(0.0, 1.0 + math.log10(norm / strongest) / DECADES)
    return {"width": round(WIDTH[0] + (WIDTH[1] - WIDTH[0]) * t, 2), "colour": _colour(t), "norm": norm}


def live_annotations(graph: dict, probes: dict | None) -> dict:
    """{"nodes": {id: {"hist", "dead"?, "dead_text"?}}, "edges": {"src->dst": {...}}}; {} before any probe."""
    if not probes:
        return {}
    ids = {n.get("id") for n in graph.get("nodes", [])}
    nodes = {}
    for nid, stats in (probes.get("activations") or {}).items():
        if nid not in ids:
            continue
        entry = {"hist": _spark((stats.get("hist") or {}).get("counts") or [])}
        if stats.get("dead_fraction") is not None:
            entry["dead"] = stats["dead_fraction"]
            entry["dead_text"] = _("dead {share}%").format(share=round(100 * stats["dead_fraction"]))
        nodes[nid] = entry
    flow = probes.get("flow") or {}
    wires = [e for e in graph.get("edges", []) if e.get("source") in ids and e.get("target") in ids]
    strongest = max((flow.get(e["source"]) or 0.0 for e in wires), default=0.0)
    edges = {f"{e['source']}->{e['target']}": edge_style(flow.get(e["source"]), strongest) for e in wires}
    return {"nodes": nodes, "edges": edges}
