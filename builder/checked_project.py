"""The checked value: a project with its report, made once where a project enters; analyses cached by content.

Passes, each a function of the checked graph and what it reads besides, results in builder.cache:
check (the graph alone) -> budget (the batch size and optimizer) -> agree (the data set's signature and
loss, builder.agree) -> fixes for the problems shown (builder.fixes, on demand).
"""
from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass

from . import cache
from . import project as documents
from .agree import Signature, agree
from .budget import budget_problem, training_of
from .checker import run_check
from .frozen import freeze
from .project import Graph, Project, ProjectError, as_graph
from .report import Report


@dataclass(frozen=True, eq=False)
class Checked:
    """What flows from the door to the page, exporters, trainer and bundle writer: never re-parsed, never
    re-checked. `doc` is read-only and shared (history, runs); `report` is this value's own."""

    project: Project
    report: Report
    doc: dict | None = None              # the project as a read-only dict (builder.frozen): what `project` parses
    signature: Signature | None = None   # what the agree pass compared with; None: no data set was read
    digest: str = ""                     # graph_digest(project.graph): the key of its analyses

    def __post_init__(self):
        if self.doc is None:
            object.__setattr__(self, "doc", freeze(self.project.to_dict()))
        if not self.digest:
            object.__setattr__(self, "digest", graph_digest(self.project.graph))

    @property
    def ok(self) -> bool:
        return self.report.ok

    @property
    def graph(self) -> Graph:
        return self.project.graph

    @property
    def training(self) -> dict:
        return self.project.training


def graph_digest(graph: Graph) -> str:
    """sha256 of what check reads (ids, types, params, wiring): positions and unknown keys do not count."""
    shape = {"nodes": [[n.id, n.type, n.params] for n in graph.nodes],
             "edges": [[e.source, e.target, e.target_port] for e in graph.edges]}
    text = json.dumps(shape, sort_keys=True, separators=(",", ":"), default=repr)
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


def check_graph(graph: Graph, digest: str | None = None) -> Report:
    """The check pass: the graph's report, once per graph content (shared: read it, never write it)."""
    return cache.cached(("check", digest or graph_digest(graph)), lambda: run_check(graph))


def clear_cache() -> None:
    cache.clear()


def analysed(graph: Graph, training, signature: Signature | None, digest: str) -> Report:
    """check -> budget -> agree: a private copy of the cached check, with the budget's and the agreement's
    problems when there are any (a caller may annotate its report; the cached one stays as checked)."""
    base = check_graph(graph, digest)
    report = base.copy()
    over = budget_problem(base, signature or training)  # the batch size and the budget in force: not cached
    if over is not None:
        report.errors.append(over)
        return report
    if signature is None:  # nothing to compare with but the weights: too little to keep
        errors, warnings = agree(base, None)
    else:
        errors, warnings = cache.cached(("agree", digest, signature), lambda: agree(base, signature))
    report.errors += errors
    report.warnings += warnings
    return report


def checked(project: Project, signature: Signature | None = None, doc: dict | None = None,
            digest: str | None = None) -> Checked:
    """The project with its report; the training section (maybe a 2 MB CSV) never enters a cache key.

    signature: what the training asks of the network (trainers.agreement.signature); without it nothing is
    compared with data, and the budget is a lower bound (the batch size named, else 1). digest: the graph's,
    when it is known already."""
    digest = digest or graph_digest(project.graph)
    return Checked(project, analysed(project.graph, project.training, signature, digest), doc, signature, digest)


def from_doc(doc, sign=None, where: str = "project", before: Checked | None = None) -> Checked:
    """The door for a project dict: frozen, parsed once and checked; ProjectError names the field at fault.

    sign: training section -> Signature | None (trainers.agreement.signature), or None. before: the value this
    one was edited from; when its graph is the very same (read-only) object, the graph is not parsed again."""
    doc = freeze(doc)
    if before is not None and doc.get("graph") is before.doc.get("graph"):
        project, digest = documents.with_parsed_graph(doc, before.project.graph, where), before.digest
    else:
        project, digest = documents.project_from_dict(doc, where), None
    return checked(project, sign(project.training) if sign else None, doc, digest)


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
    return analysed(graph, training_of(source), None, graph_digest(graph))
