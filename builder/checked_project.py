"""The checked value (a project with its report), made once where a project enters; check cached by graph."""
from __future__ import annotations

import hashlib
import json
import threading
from collections import OrderedDict
from dataclasses import dataclass

from .budget import check_budget, training_of
from .checker import run_check
from .project import Graph, Project, ProjectError, as_graph
from .report import Report

CACHE_SIZE = 256  # graphs; a report is a few KB, and a class of 30 edits about as many graphs at once
_cache: OrderedDict[str, Report] = OrderedDict()
_cache_lock = threading.Lock()


@dataclass(frozen=True)
class Checked:
    """What flows from the door to exporters, trainer and bundle writer: never re-parsed, never re-checked."""

    project: Project
    report: Report

    @property
    def ok(self) -> bool:
        return self.report.ok

    @property
    def graph(self) -> Graph:
        return self.project.graph


def graph_digest(graph: Graph) -> str:
    """sha256 of what check reads (ids, types, params, wiring): positions and unknown keys do not count."""
    shape = {"nodes": [[n.id, n.type, n.params] for n in graph.nodes],
             "edges": [[e.source, e.target, e.target_port] for e in graph.edges]}
    text = json.dumps(shape, sort_keys=True, separators=(",", ":"), default=repr)
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


def check_graph(graph: Graph) -> Report:
    """The graph's report, from the cache when the same graph was checked before (a private copy either way)."""
    key = graph_digest(graph)
    with _cache_lock:
        report = _cache.get(key)
        if report is not None:
            _cache.move_to_end(key)
    if report is None:
        report = run_check(graph)
        with _cache_lock:
            _cache[key] = report
            while len(_cache) > CACHE_SIZE:
                _cache.popitem(last=False)
    return report.copy()  # callers may annotate their report; the cached one stays as checked


def clear_cache() -> None:
    with _cache_lock:
        _cache.clear()


def checked(project: Project) -> Checked:
    """The project with its report; the training section (maybe a 2 MB CSV) never enters the cache key."""
    report = check_graph(project.graph)
    check_budget(report, project.training)  # depends on the batch size and the budget in force: not cached
    return Checked(project, report)


def check(source) -> Report:
    """Check a project (path, dict, Project, Checked) or a bare graph (dict, Graph); never raises."""
    if isinstance(source, Checked):
        return source.report
    try:
        graph = as_graph(source)
    except ProjectError as e:
        report = Report()
        report.error(None, e.args[0] if e.args else str(e))  # a Message: read in the reader's language
        return report
    report = check_graph(graph)
    check_budget(report, training_of(source))
    return report
