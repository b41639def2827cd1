"""The project document (`neurocanvas/1`): load, validate its structure, save; unknown keys survive."""
from __future__ import annotations

import copy
import json
from dataclasses import dataclass, field
from pathlib import Path

from i18n import N_

from . import safe_json
from .frozen import is_frozen
from .limits import LIMITS

FORMAT = "neurocanvas/1"
MAX_FILE_BYTES = LIMITS.project_bytes  # a project is a few KB; anything this big is not one
MAX_NODES = LIMITS.nodes


class ProjectError(ValueError):
    """The input is not a readable project; the message names the file and the field."""


@dataclass
class Node:
    id: str
    type: str
    params: dict = field(default_factory=dict)
    pos: list | None = None
    extra: dict = field(default_factory=dict)  # unknown keys, written back on save

    def to_dict(self) -> dict:
        d = {"id": self.id, "type": self.type, "params": copy.deepcopy(self.params)}
        if self.pos is not None:
            d["pos"] = list(self.pos)
        return {**d, **copy.deepcopy(self.extra)}


@dataclass
class Edge:
    source: str
    target: str
    target_port: int | None = None
    extra: dict = field(default_factory=dict)

    def to_dict(self) -> dict:
        d = {"source": self.source, "target": self.target}
        if self.target_port is not None:
            d["target_port"] = self.target_port
        return {**d, **copy.deepcopy(self.extra)}


@dataclass
class Graph:
    nodes: list[Node] = field(default_factory=list)
    edges: list[Edge] = field(default_factory=list)
    extra: dict = field(default_factory=dict)

    def node(self, node_id: str) -> Node | None:
        return next((n for n in self.nodes if n.id == node_id), None)

    def to_dict(self) -> dict:
        return {"nodes": [n.to_dict() for n in self.nodes], "edges": [e.to_dict() for e in self.edges],
                **copy.deepcopy(self.extra)}


@dataclass
class Project:
    graph: Graph
    name: str = "Untitled"
    description: str = ""
    training: dict = field(default_factory=dict)  # raw; trainers parse and validate it
    extra: dict = field(default_factory=dict)

    def to_dict(self) -> dict:
        return {"format": FORMAT, "name": self.name, "description": self.description,
                "graph": self.graph.to_dict(), "training": copy.deepcopy(self.training),
                **copy.deepcopy(self.extra)}


def _own(value):
    """A private copy of a value from the input; a read-only one (builder.frozen) is shared as it is."""
    return value if is_frozen(value) else copy.deepcopy(value)


def _split(d: dict, known: tuple) -> tuple[dict, dict]:
    return {k: d[k] for k in known if k in d}, {k: _own(v) for k, v in d.items() if k not in known}


def _node(i: int, d, where: str) -> Node:
    if not isinstance(d, dict):
        raise ProjectError(N_("{where}: graph.nodes[{i}] must be an object, got {kind}",
                              where=where, i=i, kind=type(d).__name__))
    k, extra = _split(d, ("id", "type", "params", "pos"))
    nid = k.get("id")
    if not isinstance(nid, str) or not nid.strip():
        raise ProjectError(N_("{where}: graph.nodes[{i}] needs a non-empty string \"id\", got {nid!r}",
                              where=where, i=i, nid=nid))
    if not isinstance(k.get("type"), str):
        raise ProjectError(N_("{where}: node {nid}: \"type\" must be a layer name string, got {value!r}",
                              where=where, nid=nid, value=k.get('type')))
    params = k.get("params", {})
    if params is None:
        params = {}
    if not isinstance(params, dict):
        raise ProjectError(N_("{where}: node {nid}: \"params\" must be an object, got {kind}",
                              where=where, nid=nid, kind=type(params).__name__))
    pos = k.get("pos")
    if pos is not None and not (isinstance(pos, (list, tuple)) and len(pos) == 2
                                and all(isinstance(v, (int, float)) and not isinstance(v, bool) for v in pos)):
        raise ProjectError(N_("{where}: node {nid}: \"pos\" must be [x, y], got {pos!r}",
                              where=where, nid=nid, pos=pos))
    return Node(nid, k["type"], _own(params), list(pos) if pos is not None else None, extra)


def _edge(i: int, d, where: str) -> Edge:
    if not isinstance(d, dict):
        raise ProjectError(N_("{where}: graph.edges[{i}] must be an object, got {kind}",
                              where=where, i=i, kind=type(d).__name__))
    k, extra = _split(d, ("source", "target", "target_port"))
    for key in ("source", "target"):
        if not isinstance(k.get(key), str):
            raise ProjectError(N_("{where}: graph.edges[{i}] needs a string \"{key}\" (a node id), got {value!r}",
                                  where=where, i=i, key=key, value=k.get(key)))
    port = k.get("target_port")
    if port is not None and (isinstance(port, bool) or not isinstance(port, int) or port < 0):
        raise ProjectError(N_("{where}: graph.edges[{i}] ({source} → {target}): \"target_port\" must be a "
                              "non-negative integer, got {port!r}",
                              where=where, i=i, source=k['source'], target=k['target'], port=port))
    return Edge(k["source"], k["target"], port, extra)


def project_from_dict(data, where: str = "project") -> Project:
    k, extra = _top(data, where)
    graph = k.get("graph")
    if not isinstance(graph, dict):
        raise ProjectError(N_("{where}: \"graph\" must be an object with \"nodes\" and \"edges\"", where=where))
    g, gextra = _split(graph, ("nodes", "edges"))
    nodes, edges = g.get("nodes", []), g.get("edges", [])
    if not isinstance(nodes, list):
        raise ProjectError(N_("{where}: graph.nodes must be a list", where=where))
    if not isinstance(edges, list):
        raise ProjectError(N_("{where}: graph.edges must be a list", where=where))
    if len(nodes) > MAX_NODES:
        raise ProjectError(N_("{where}: {n_nodes} nodes is more than the limit of {MAX_NODES}",
                              where=where, n_nodes=len(nodes), MAX_NODES=MAX_NODES))
    if len(edges) > LIMITS.edges:
        raise ProjectError(N_("{where}: {n_edges} edges is more than the limit of {limit}",
                              where=where, n_edges=len(edges), limit=LIMITS.edges))
    return _project(k, extra, Graph([_node(i, n, where) for i, n in enumerate(nodes)],
                                    [_edge(i, e, where) for i, e in enumerate(edges)], gextra))


def with_parsed_graph(data, graph: Graph, where: str = "project") -> Project:
    """The project of `data` whose "graph" is already parsed as `graph` (an edit that left the graph as it was):
    only the rest (format, name, description, training) is read."""
    k, extra = _top(data, where)
    return _project(k, extra, graph)


def _top(data, where: str) -> tuple[dict, dict]:
    if not isinstance(data, dict):
        raise ProjectError(N_("{where}: a project is a JSON object, got {kind}",
                              where=where, kind=type(data).__name__))
    fmt = data.get("format")
    if fmt != FORMAT:
        raise ProjectError(N_("{where}: \"format\" must be \"{FORMAT}\", got {fmt!r}",
                              where=where, FORMAT=FORMAT, fmt=fmt))
    k, extra = _split(data, ("format", "name", "description", "graph", "training"))
    if not isinstance(k.get("training", {}), dict):
        raise ProjectError(N_("{where}: \"training\" must be an object", where=where))
    for key in ("name", "description"):
        if key in k and not isinstance(k[key], str):
            raise ProjectError(N_("{where}: \"{key}\" must be a string", where=where, key=key))
    return k, extra


def _project(k: dict, extra: dict, graph: Graph) -> Project:
    return Project(graph=graph, name=k.get("name", "Untitled"), description=k.get("description", ""),
                   training=_own(k.get("training", {})), extra=extra)


def parse_project(text: str | bytes, where: str = "project") -> Project:
    if len(text) > MAX_FILE_BYTES:
        raise ProjectError(N_("{where}: {n_text:,} bytes is too large for a project file",
                              where=where, n_text=len(text)))
    try:
        data = safe_json.loads(text, where, MAX_FILE_BYTES)  # bounded nesting: no RecursionError
    except safe_json.JSONLimitError as e:
        raise ProjectError(str(e)) from None
    return project_from_dict(data, where)


def graph_from_dict(data: dict, where: str = "graph") -> Graph:
    """A bare `{"nodes": [...], "edges": [...]}` graph, as the canvas and `build_model(graph)` use it."""
    wrapped = {"format": FORMAT, "graph": data}
    return project_from_dict(wrapped, where).graph


def load_project(source) -> Project:
    """A Project from a path, a dict, or a Project (returned as is)."""
    if isinstance(source, Project):
        return source
    if isinstance(source, dict):
        return project_from_dict(source)
    path = Path(source)
    try:
        if path.stat().st_size > MAX_FILE_BYTES:
            raise ProjectError(N_("{path}: {st_size:,} bytes is too large for a project file",
                                  path=path, st_size=path.stat().st_size))
        text = path.read_bytes()
    except OSError as e:
        raise ProjectError(N_("{path}: cannot read ({strerror})", path=path, strerror=e.strerror)) from None
    return parse_project(text, str(path))


def as_graph(source) -> Graph:
    """The graph of a project (path, dict, Project) or a bare graph (dict with nodes/edges, or Graph)."""
    if isinstance(source, Graph):
        return source
    if isinstance(source, dict) and "format" not in source and "nodes" in source:
        return graph_from_dict(source)
    return load_project(source).graph


def with_sections(doc):
    """`doc` with "graph" and "training" objects present (a page shows both; an old row or a test may lack them)."""
    if not isinstance(doc, dict):
        return doc
    return {**doc, **{k: v for k, v in (("graph", {"nodes": [], "edges": []}), ("training", {}))
                      if not isinstance(doc.get(k), dict)}}


def blank_project(training: dict | None = None, name: str = "New project") -> dict:
    """A new project dict: one Input node; `training` is the section it starts with (trainers' starter)."""
    return {"format": FORMAT, "name": name, "description": "",
            "graph": {"nodes": [{"id": "in", "type": "Input", "params": {"shape": [64]}, "pos": [0, 0]}], "edges": []},
            "training": copy.deepcopy(training or {})}


def dumps(project: Project) -> str:
    return json.dumps(project.to_dict(), indent=2, ensure_ascii=False) + "\n"


def save_project(project: Project, path) -> None:
    Path(path).write_text(dumps(load_project(project)), encoding="utf-8")
