"""Operations on nodes and edges: set a parameter, rename, add, remove, connect, disconnect, move, insert.

Each checks what it can alone (the catalogue's rule for a value, builder.ids' rule for an id, that the node
exists) and raises EditError naming the node and the field; the whole graph is checked after (builder.edits).
"""
from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import ClassVar

from i18n import N_

from .catalogue import LAYERS
from .ids import why_refused
from .ops import GRAPH, LAYOUT, EditError, Op, edges_of, nodes_of, with_graph
from .params import validate

STEP_Y = 150  # an inserted node pushes what follows one row down (the canvas's layer distance)


def _find(doc: dict, node_id: str, field_name=None) -> tuple[int, dict]:
    for i, n in enumerate(nodes_of(doc)):
        if isinstance(n, dict) and n.get("id") == node_id:
            return i, n
    raise EditError(node_id, N_("there is no node \"{node}\"", node=node_id), field_name)


def _replace_node(doc: dict, i: int, node: dict) -> dict:
    nodes = nodes_of(doc)
    nodes[i] = node
    return with_graph(doc, nodes=nodes)


@dataclass(frozen=True)
class SetParam(Op):
    """Set one parameter of a node, validated by the catalogue (its kind, range and choices)."""

    node: str
    name: str
    value: object
    parts: ClassVar[frozenset] = frozenset({GRAPH})

    def on(self, doc):
        i, node = _find(doc, self.node, self.name)
        spec = LAYERS.get(node.get("type"))
        if spec is not None:
            ps = spec.params.get(self.name)
            if ps is None:
                raise EditError(self.node, N_("{type} has no parameter \"{name}\"", type=node.get("type"),
                                              name=self.name), self.name)
            err = validate(ps, self.name, self.value)[1]
            if err:
                raise EditError(self.node, N_("{type} {problem}", type=node.get("type"), problem=err), self.name)
        return _replace_node(doc, i, {**node, "params": {**(node.get("params") or {}), self.name: self.value}})


@dataclass(frozen=True)
class Rename(Op):
    """Give a node a new id (builder.ids' rule); its edges follow."""

    node: str
    new: str
    parts: ClassVar[frozenset] = frozenset({GRAPH})

    def on(self, doc):
        i, node = _find(doc, self.node, "id")
        if self.new == self.node:
            return doc
        why = why_refused(self.new) if isinstance(self.new, str) else N_("is not text")
        if why:
            raise EditError(self.node, N_("node id \"{id}\" {why}", id=str(self.new)[:80], why=why), "id")
        if any(isinstance(n, dict) and n.get("id") == self.new for n in nodes_of(doc)):
            raise EditError(self.node, N_("another layer is already called {new}", new=self.new), "id")
        renamed = {**node, "id": self.new}
        edges = [{**e, **{k: self.new for k in ("source", "target") if e.get(k) == self.node}}
                 if isinstance(e, dict) and self.node in (e.get("source"), e.get("target")) else e
                 for e in edges_of(doc)]
        nodes = nodes_of(doc)
        nodes[i] = renamed
        return with_graph(doc, nodes=nodes, edges=edges)


@dataclass(frozen=True)
class AddNode(Op):
    """A new node {"id", "type", "params", "pos"?} (not yet wired)."""

    spec: dict
    parts: ClassVar[frozenset] = frozenset({GRAPH})

    @property
    def node(self):
        return self.spec.get("id")

    def on(self, doc):
        nid = self.node
        why = why_refused(nid) if isinstance(nid, str) else N_("is not text")
        if why:
            raise EditError(nid, N_("node id \"{id}\" {why}", id=str(nid)[:80], why=why), "id")
        if any(isinstance(n, dict) and n.get("id") == nid for n in nodes_of(doc)):
            raise EditError(nid, N_("another layer is already called {new}", new=nid), "id")
        return with_graph(doc, nodes=nodes_of(doc) + [self.spec])


@dataclass(frozen=True)
class RemoveNode(Op):
    """Delete a node and every edge that touches it."""

    node: str
    parts: ClassVar[frozenset] = frozenset({GRAPH})

    def on(self, doc):
        i, _node = _find(doc, self.node)
        nodes = nodes_of(doc)
        del nodes[i]
        edges = [e for e in edges_of(doc) if not (isinstance(e, dict) and self.node in (e.get("source"),
                                                                                           e.get("target")))]
        return with_graph(doc, nodes=nodes, edges=edges)


@dataclass(frozen=True)
class Connect(Op):
    """An edge source -> target (on `target_port` of a multi-input node)."""

    source: str
    target: str
    target_port: int | None = None
    parts: ClassVar[frozenset] = frozenset({GRAPH})

    @property
    def node(self):
        return self.target

    def on(self, doc):
        _find(doc, self.source)
        _find(doc, self.target)
        edge = {"source": self.source, "target": self.target}
        if self.target_port is not None:
            edge["target_port"] = self.target_port
        return with_graph(doc, edges=edges_of(doc) + [edge])


@dataclass(frozen=True)
class Disconnect(Op):
    """Remove the edges source -> target."""

    source: str
    target: str
    parts: ClassVar[frozenset] = frozenset({GRAPH})

    @property
    def node(self):
        return self.target

    def on(self, doc):
        edges = edges_of(doc)
        kept = [e for e in edges if not (isinstance(e, dict) and (e.get("source"), e.get("target"))
                                         == (self.source, self.target))]
        if len(kept) == len(edges):
            raise EditError(self.target, N_("there is no edge {source} → {target}", source=self.source,
                                            target=self.target))
        return with_graph(doc, edges=kept)


@dataclass(frozen=True)
class Move(Op):
    """New canvas positions: ((node id, [x, y] or None: no position, auto-layout places it), ...)."""

    positions: tuple
    parts: ClassVar[frozenset] = frozenset({LAYOUT})

    def on(self, doc):
        where = dict(self.positions)
        for nid, pos in where.items():
            if pos is not None and not (isinstance(pos, (list, tuple)) and len(pos) == 2 and all(
                    isinstance(v, (int, float)) and not isinstance(v, bool) for v in pos)):
                raise EditError(nid, N_("\"pos\" must be [x, y], got {pos!r}", pos=pos), "pos")
        nodes = [_placed(n, where[n["id"]]) if isinstance(n, dict) and n.get("id") in where else n
                 for n in nodes_of(doc)]
        return with_graph(doc, nodes=nodes)


def _placed(node: dict, pos) -> dict:
    if pos is None:
        return {k: v for k, v in node.items() if k != "pos"}
    return {**node, "pos": list(pos)}


@dataclass(frozen=True)
class InsertNode(Op):
    """A new node of `type` between `before` and its input, or after `after` and what it feeds; what follows
    moves one row down so nothing overlaps (a fix's edit)."""

    type: str
    params: dict = field(default_factory=dict)
    before: str | None = None
    after: str | None = None
    parts: ClassVar[frozenset] = frozenset({GRAPH, LAYOUT})

    @property
    def node(self):
        return self.before or self.after

    def on(self, doc):
        anchor = self.node
        _i, at = _find(doc, anchor)
        nodes, edges = nodes_of(doc), edges_of(doc)
        nid = new_id(self.type, {n.get("id") for n in nodes if isinstance(n, dict)})
        if self.before is not None:
            edges = [{**{k: v for k, v in e.items() if k != "target_port"}, "target": nid}
                     if e.get("target") == anchor else e for e in edges] + [{"source": nid, "target": anchor}]
        else:
            edges = [{**e, "source": nid} if e.get("source") == anchor else e for e in edges]
            edges.append({"source": anchor, "target": nid})
        node = {"id": nid, "type": self.type, "params": dict(self.params)}
        pos = at.get("pos")
        if isinstance(pos, list) and len(pos) == 2:
            node["pos"] = [pos[0], pos[1] + (STEP_Y if self.after is not None else 0)]
            moved = downstream(edges, nid) | ({anchor} if self.before is not None else set())
            nodes = [{**n, "pos": [n["pos"][0], n["pos"][1] + STEP_Y]}
                     if n.get("id") in moved and isinstance(n.get("pos"), list) and len(n["pos"]) == 2 else n
                     for n in nodes]
        return with_graph(doc, nodes=nodes + [node], edges=edges)


def new_id(type_name: str, taken) -> str:
    """The canvas's own naming (graph.js newNodeId): flatten1, reshape1, relu2..."""
    stem = re.sub(r"[^a-z0-9_]", "", type_name.lower())
    sep = "_" if stem[-1:].isdigit() else ""
    n = 1
    while f"{stem}{sep}{n}" in taken:
        n += 1
    return f"{stem}{sep}{n}"


def downstream(edges: list, start: str) -> set:
    seen, todo = set(), [start]
    while todo:
        cur = todo.pop()
        for e in edges:
            if e.get("source") == cur and e.get("target") not in seen:
                seen.add(e["target"])
                todo.append(e["target"])
    return seen
