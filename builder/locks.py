"""What a class lets its students change, as parts of a project: one rule for the page's edits and for runs.

A project is cut into four parts, and a lock level fixes some of them. Every key of a project belongs to
exactly one part, so a key added to the format later is fixed by every lock that fixes "project":

    graph     the nodes (all but their positions) and the edges, and any other key of "graph"
    layout    where the nodes stand on the canvas ("pos"): always free, it computes nothing
    training  the "training" section (data set, loss, optimizer, epochs, ...)
    project   everything else: name, description, variants, lesson texts, keys added later
"""
from __future__ import annotations

import copy

PARTS = ("graph", "layout", "training", "project")
FIXED = {  # the class's "changes" setting -> the parts a student may not change
    "all": frozenset(),
    "training": frozenset({"graph", "project"}),
    "none": frozenset({"graph", "training", "project"}),
}


def fixed_parts(changes: str) -> frozenset:
    """The parts `changes` fixes; an unknown level fixes everything but the layout (fail closed)."""
    return FIXED.get(changes, FIXED["none"])


def may_change(changes: str, part: str) -> bool:
    return part not in fixed_parts(changes)


def _graph(project: dict) -> dict:
    graph = project.get("graph")
    return graph if isinstance(graph, dict) else {}


def _nodes(project: dict) -> list:
    nodes = _graph(project).get("nodes")
    return nodes if isinstance(nodes, list) else []


def parts(project: dict) -> dict:
    """{part: its value}, plain data that compares with ==."""
    graph = _graph(project)
    nodes = _nodes(project)
    return {
        "graph": {**{k: v for k, v in graph.items() if k != "nodes"},
                  "nodes": [{k: v for k, v in n.items() if k != "pos"} if isinstance(n, dict) else n for n in nodes]},
        "layout": [n.get("pos") if isinstance(n, dict) else None for n in nodes],
        "training": project.get("training") if isinstance(project.get("training"), dict) else {},
        "project": {k: v for k, v in project.items() if k not in ("graph", "training", "format")},
    }


def changed(before: dict, after: dict) -> set:
    """The parts in which `after` differs from `before`."""
    a, b = parts(before), parts(after)
    return {p for p in PARTS if a[p] != b[p]}


def refused(changes: str, lesson: dict, project: dict) -> set:
    """The parts of `project` that differ from `lesson` although `changes` fixes them (empty: allowed)."""
    return changed(lesson, project) & fixed_parts(changes)


def held(changes: str, lesson: dict, project: dict) -> dict:
    """`project` with every part that `changes` fixes put back from `lesson` (positions stay the student's
    while the nodes are the same)."""
    out = copy.deepcopy(project)
    fixed = refused(changes, lesson, project)
    if "graph" in fixed:
        out["graph"] = copy.deepcopy(_graph(lesson))
    if "training" in fixed:
        out["training"] = copy.deepcopy(lesson.get("training") or {})
    if "project" in fixed:
        for key in [k for k in out if k not in ("graph", "training", "format")]:
            del out[key]
        out.update({k: copy.deepcopy(v) for k, v in lesson.items() if k not in ("graph", "training", "format")})
    return out


def nearest(changes: str, bases: list[dict], project: dict) -> tuple[dict, set]:
    """(the base `project` departs from least in the parts `changes` fixes, those parts). `bases` are what a class
    hands out (its lesson, then the lesson with each of its variants applied): empty parts mean `project` is one of
    them where it matters, so it is allowed; else held(changes, base, project) is the nearest allowed project."""
    best = None
    for base in bases:
        parts = refused(changes, base, project)
        if best is None or len(parts) < len(best[1]):
            best = (base, parts)
        if not parts:
            break
    return best if best is not None else ({}, set(fixed_parts(changes)))
