"""Edits as operations: typed, immutable changes to a project document, each naming the part it changes.

This module holds the base and the operations on whole parts (graph, training, project, the whole project);
builder.node_ops those on one node or edge.

An operation's `on(doc)` returns the next document (a new dict sharing every unchanged part; the input is never
written) or raises EditError naming the node and the field. `parts` are builder.locks' parts: a class lock is
a rule over them, checked in builder.edits.apply. The fixes' edits are these same operations.
"""
from __future__ import annotations

from dataclasses import dataclass, fields
from typing import ClassVar

from i18n import N_

from .frozen import freeze
from .report import Problem

GRAPH, LAYOUT, TRAINING, PROJECT = "graph", "layout", "training", "project"
WHOLE = frozenset({GRAPH, LAYOUT, TRAINING, PROJECT})
META_SKIP = ("format", "graph", "training")  # the keys that are not the "project" part


class EditError(ValueError):
    """An operation that cannot apply; `problem` names the node and the field."""

    def __init__(self, node, message, field_name=None):
        super().__init__(message)
        self.problem = Problem(node, message, field_name)


class Op:
    """Base of every operation: `parts` it changes, `on(doc)` the next document, `to_dict()` for people."""

    parts: ClassVar[frozenset] = frozenset()  # subclasses name "node" too (a field or property), when they concern one

    def __post_init__(self):
        for f in fields(self):  # nothing an operation holds can be changed after it is made
            object.__setattr__(self, f.name, _held(getattr(self, f.name)))

    def on(self, doc: dict) -> dict:
        raise NotImplementedError

    def to_dict(self) -> dict:
        return {"op": type(self).__name__, **{f.name: getattr(self, f.name) for f in fields(self)}}


def node_of(op) -> str | None:
    """The node an operation concerns, or None."""
    return getattr(op, "node", None)


def _held(value):
    """Frozen, with tuples kept tuples: ((key, value), ...) stays a tuple of pairs."""
    return tuple(_held(v) for v in value) if isinstance(value, tuple) else freeze(value)


def graph_of(doc: dict) -> dict:
    graph = doc.get("graph")
    return graph if isinstance(graph, dict) else {"nodes": [], "edges": []}


def nodes_of(doc: dict) -> list:
    return list(graph_of(doc).get("nodes") or [])


def edges_of(doc: dict) -> list:
    return list(graph_of(doc).get("edges") or [])


def with_graph(doc: dict, nodes=None, edges=None) -> dict:
    graph = graph_of(doc)
    new = {**graph, "nodes": nodes if nodes is not None else graph.get("nodes", []),
           "edges": edges if edges is not None else graph.get("edges", [])}
    return {**doc, "graph": new}


@dataclass(frozen=True)
class SetGraph(Op):
    """The whole graph as the canvas left it (nodes, positions and wires at once)."""

    graph: dict
    parts: ClassVar[frozenset] = frozenset({GRAPH, LAYOUT})

    def on(self, doc):
        return {**doc, "graph": self.graph}


@dataclass(frozen=True)
class SetTraining(Op):
    """Set keys of the training section: ((key, value), ...); the others stay."""

    values: tuple
    parts: ClassVar[frozenset] = frozenset({TRAINING})

    def on(self, doc):
        training = doc.get("training") if isinstance(doc.get("training"), dict) else {}
        return {**doc, "training": {**training, **dict(self.values)}}


@dataclass(frozen=True)
class ReplaceTraining(Op):
    """The whole training section."""

    training: dict
    parts: ClassVar[frozenset] = frozenset({TRAINING})

    def on(self, doc):
        return {**doc, "training": self.training}


@dataclass(frozen=True)
class SetMeta(Op):
    """The project part (name, description, variants, lesson, keys added later): ((key, value), ...);
    whole: the keys not named are removed."""

    values: tuple
    whole: bool = False
    parts: ClassVar[frozenset] = frozenset({PROJECT})

    def on(self, doc):
        kept = {k: v for k, v in doc.items() if k in META_SKIP or not self.whole}
        return {**kept, **{k: v for k, v in self.values if k not in META_SKIP}}


@dataclass(frozen=True)
class ApplyFix(Op):
    """Every edit of a fix (builder.fixes.Fix), as one operation: one step of the history."""

    fix: object

    @property
    def parts(self):
        return frozenset().union(*(e.parts for e in self.fix.edits))

    @property
    def node(self):
        return next((node_of(e) for e in self.fix.edits if node_of(e)), None)

    def __post_init__(self):
        pass  # a Fix is frozen already

    def on(self, doc):
        for edit in self.fix.edits:
            doc = edit.on(doc)
        return doc


@dataclass(frozen=True)
class Replace(Op):
    """A whole new project (upload, link, lesson, import, variant, new): a dict or a parsed builder Project."""

    project: object
    parts: ClassVar[frozenset] = WHOLE

    def __post_init__(self):
        if isinstance(self.project, dict):
            object.__setattr__(self, "project", freeze(self.project))

    def on(self, doc):
        return self.project if isinstance(self.project, dict) else self.project.to_dict()


def set_training(**values) -> SetTraining:
    return SetTraining(tuple(values.items()))
