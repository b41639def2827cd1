"""Project-dict factory shared by the tests (a plain module: two conftest.py files would shadow each other)."""
from __future__ import annotations

import copy


def make_project(nodes, edges=None, training=None, name="test") -> dict:
    """A project dict. `nodes`: dicts, or (id, type, params) tuples; `edges`: dicts, or (src, dst[, port])
    tuples; edges=None chains the nodes in the order given."""
    nodes = [n if isinstance(n, dict) else {"id": n[0], "type": n[1], "params": dict(n[2]) if len(n) > 2 else {}}
             for n in nodes]
    if edges is None:
        edges = [(a["id"], b["id"]) for a, b in zip(nodes, nodes[1:])]
    edges = [e if isinstance(e, dict) else
             {"source": e[0], "target": e[1], **({"target_port": e[2]} if len(e) > 2 else {})} for e in edges]
    return {"format": "neurocanvas/1", "name": name, "description": "",
            "graph": {"nodes": copy.deepcopy(nodes), "edges": copy.deepcopy(edges)},
            "training": copy.deepcopy(training) if training is not None else {}}


def residual_chain(n: int = 60) -> dict:
    """A bare graph of n nodes: Input, then Linear/ReLU with an Add(skip, prev) every 7th node (no positions)."""
    nodes = [{"id": "in", "type": "Input", "params": {"shape": [64]}}]
    edges, prev, skip = [], "in", "in"
    while len(nodes) < n:
        i = len(nodes)
        if i % 7 == 0:
            nodes.append({"id": f"add{i}", "type": "Add", "params": {}})
            edges += [{"source": skip, "target": f"add{i}", "target_port": 0},
                      {"source": prev, "target": f"add{i}", "target_port": 1}]
            prev = skip = f"add{i}"
        else:
            kind = "Linear" if i % 2 else "ReLU"
            nodes.append({"id": f"{kind.lower()}{i}", "type": kind,
                          "params": {"out_features": 64} if kind == "Linear" else {}})
            edges.append({"source": prev, "target": nodes[-1]["id"]})
            prev = nodes[-1]["id"]
    return {"nodes": nodes, "edges": edges}
