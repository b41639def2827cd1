"""Fixes that a problem offers: small declarative edits on the project, each checked to cure what it claims."""
from __future__ import annotations

import copy
import dataclasses
import math
import re
from dataclasses import dataclass

from i18n import N_, Message

STEP_Y = 150  # an inserted node pushes what follows one row down (the canvas's layer distance)
MAX_FIXED_NODES = 8  # candidates are re-checked: bound the work on a graph full of errors
LINEAR_MAPS = ("Linear", "Conv1d", "Conv2d")  # two in a row collapse into one linear map


@dataclass(frozen=True)
class Fix:
    """One edit the person may apply with a button; `edits` are plain dicts (see apply)."""

    message: Message  # N_("Fix: ...", **args): read in the reader's language (a cached report is shared)
    edits: tuple = ()  # ({"op": "insert" | "set" | "training", ...}, ...)

    @property
    def label(self) -> str:
        return str(self.message)

    def to_dict(self) -> dict:
        return {"label": self.label, "edits": [dict(e) for e in self.edits]}


def insert(before: str, type_name: str, params: dict | None = None) -> dict:
    """Edit: a new node of `type_name` between `before` and its (single) input."""
    return {"op": "insert", "before": before, "type": type_name, "params": dict(params or {})}


def insert_after(after: str, type_name: str, params: dict | None = None) -> dict:
    """Edit: a new node between `after` and everything it feeds (or at the end, when it feeds nothing)."""
    return {"op": "insert", "after": after, "type": type_name, "params": dict(params or {})}


def set_param(node: str, name: str, value) -> dict:
    return {"op": "set", "node": node, "param": name, "value": value}


def set_training(key: str, value) -> dict:
    return {"op": "training", "key": key, "value": value}


def new_id(type_name: str, taken) -> str:
    """The canvas's own naming (graph.js newNodeId): flatten1, reshape1, relu2..."""
    stem = re.sub(r"[^a-z0-9_]", "", type_name.lower())
    sep = "_" if stem[-1:].isdigit() else ""
    n = 1
    while f"{stem}{sep}{n}" in taken:
        n += 1
    return f"{stem}{sep}{n}"


def apply(project: dict, fix: Fix) -> dict:
    """A new project dict with every edit of `fix` applied (the input is not changed)."""
    out = copy.deepcopy(project)
    graph = out.setdefault("graph", {"nodes": [], "edges": []})
    for edit in fix.edits:
        if edit["op"] == "insert":
            _insert(graph, edit)
        elif edit["op"] == "set":
            node = next(n for n in graph["nodes"] if n["id"] == edit["node"])
            node.setdefault("params", {})[edit["param"]] = copy.deepcopy(edit["value"])
        elif edit["op"] == "training":
            out.setdefault("training", {})[edit["key"]] = copy.deepcopy(edit["value"])
    return out


def _insert(graph: dict, edit: dict) -> None:
    nodes, edges = graph["nodes"], graph.setdefault("edges", [])
    nid = new_id(edit["type"], {n["id"] for n in nodes})
    if "before" in edit:
        anchor, incoming = edit["before"], [e for e in edges if e.get("target") == edit["before"]]
        for e in incoming:
            e["target"] = nid
            e.pop("target_port", None)
        edges.append({"source": nid, "target": anchor})
    else:
        anchor, outgoing = edit["after"], [e for e in edges if e.get("source") == edit["after"]]
        for e in outgoing:
            e["source"] = nid
        edges.append({"source": anchor, "target": nid})
    at = next((n.get("pos") for n in nodes if n["id"] == anchor), None)
    node = {"id": nid, "type": edit["type"], "params": dict(edit["params"])}
    if isinstance(at, list) and len(at) == 2:
        node["pos"] = [at[0], at[1] + (STEP_Y if "after" in edit else 0)]
        moved = _downstream(edges, nid) | ({anchor} if "before" in edit else set())
        for n in nodes:
            if n["id"] in moved and isinstance(n.get("pos"), list) and len(n["pos"]) == 2:
                n["pos"] = [n["pos"][0], n["pos"][1] + STEP_Y]
    nodes.append(node)


def _downstream(edges: list, start: str) -> set:
    seen, todo = set(), [start]
    while todo:
        cur = todo.pop()
        for e in edges:
            if e.get("source") == cur and e.get("target") not in seen:
                seen.add(e["target"])
                todo.append(e["target"])
    return seen


def shape_candidates(values: int) -> list[list[int]]:
    """Shapes a flat vector of `values` can be viewed as: [1, L], [1, H, W] and [3, H, W] (square images)."""
    out = [[1, values]]
    for c in (1, 3):
        side = math.isqrt(values // c) if values % c == 0 else 0
        if side > 1 and c * side * side == values:
            out.append([c, side, side])
    return out


def _candidates(graph: dict, nid: str, report) -> list[Fix]:
    """Plausible cures for node `nid`'s error, from the shape arriving at it; verified by the caller."""
    srcs = report.inputs.get(nid) or []
    if len(srcs) != 1 or srcs[0] not in report.shapes or report.dtypes.get(srcs[0]) != "float":
        return []
    src, shape = srcs[0], report.shapes[srcs[0]]
    if len(shape) > 1:
        return [Fix(N_("Fix: insert Flatten before {node}", node=nid), (insert(nid, "Flatten"),))]
    fixes = []
    for want in shape_candidates(shape[0]) if shape else [[1]]:  # one number per sample ([]): give it an axis
        if src == report.input_node:
            fixes.append(Fix(N_("Fix: set {node}.shape to {shape}", node=src, shape=str(want)),
                             (set_param(src, "shape", want),)))
        else:
            fixes.append(Fix(N_("Fix: insert Reshape to {shape} before {node}", node=nid, shape=str(want)),
                             (insert(nid, "Reshape", {"shape": want}),)))
    return fixes


def recheck(graph: dict):
    """The report of a fixed graph, without fixes of its own (they would recurse)."""
    from .checker import run_check
    from .project import as_graph
    return run_check(as_graph(graph), fixes=False)


def cures(graph: dict, fix: Fix, nodes) -> bool:
    """Whether applying `fix` leaves none of `nodes` (nor a node it adds) with an error."""
    fixed = apply({"graph": graph}, fix)["graph"]
    report = recheck(fixed)
    added = {n["id"] for n in fixed["nodes"]} - {n["id"] for n in graph["nodes"]}
    return report.input_node is not None and not any(p.node in set(nodes) | added for p in report.errors)


def attach(graph, report) -> None:
    """Give each node error of `report` the fixes that cure it, and flag linear maps with nothing between."""
    as_dict = graph.to_dict() if hasattr(graph, "to_dict") else graph
    done = 0
    for i, problem in enumerate(report.errors):
        if problem.node is None or problem.fixes or done >= MAX_FIXED_NODES:
            continue
        found = [f for f in _candidates(as_dict, problem.node, report) if cures(as_dict, f, [problem.node])]
        done += 1
        if found:
            report.errors[i] = dataclasses.replace(problem, fixes=tuple(found))
    _no_activation(as_dict, report)


def _no_activation(graph: dict, report) -> None:
    types = {n.get("id"): n.get("type") for n in graph.get("nodes", [])}
    for dst, srcs in report.inputs.items():
        if len(srcs) == 1 and types.get(dst) in LINEAR_MAPS and types.get(srcs[0]) in LINEAR_MAPS:
            report.warn(dst, N_("follows {node} with no activation between: two linear maps in a row are one linear "
                                "map", node=srcs[0]))
            report.warnings[-1] = dataclasses.replace(report.warnings[-1], fixes=(
                Fix(N_("Fix: insert ReLU after {node}", node=srcs[0]), (insert_after(srcs[0], "ReLU"),)),))

