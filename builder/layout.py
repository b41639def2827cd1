"""Auto-layout: left-to-right layers by topological generation (networkx), centred vertically."""
from __future__ import annotations

import networkx as nx

X_GAP, Y_GAP = 240, 120


def auto_layout(graph: dict) -> dict[str, list[float]]:
    """node id -> [x, y] for a graph dict in the project format; works on graphs with cycles too."""
    g = nx.DiGraph()
    g.add_nodes_from(n["id"] for n in graph.get("nodes", []))
    g.add_edges_from((e["source"], e["target"]) for e in graph.get("edges", [])
                     if e.get("source") in g and e.get("target") in g)
    if not nx.is_directed_acyclic_graph(g):
        g = nx.condensation(g)  # cycles collapse into one layer; members keep their original ids below
        members = nx.get_node_attributes(g, "members")
        layers = [[m for c in gen for m in sorted(members[c])] for gen in nx.topological_generations(g)]
    else:
        layers = [list(gen) for gen in nx.topological_generations(g)]
    order = {n["id"]: i for i, n in enumerate(graph.get("nodes", []))}
    pos = {}
    for x, layer in enumerate(layers):
        layer.sort(key=order.get)
        top = -(len(layer) - 1) * Y_GAP / 2
        for y, nid in enumerate(layer):
            pos[nid] = [float(x * X_GAP), float(top + y * Y_GAP)]
    return pos
