"""Auto-layout (networkx): layers top to bottom by longest path, children under their parents, long nets wrapped."""
from __future__ import annotations

import copy

import networkx as nx

# Geometry matched to the node face the canvas bundle draws (180 px wide).
DX, DY = 230, 150  # distance between neighbours in a layer / between layers
NODE_W, NODE_H = 180, 100
COLUMN_GAP = 120  # between the columns a long network wraps into
ASPECT = 1.6  # width / height of a typical canvas pane: long networks wrap to fill it
MIN_ROWS = 3
ONE_COLUMN = 8  # up to this many layers stay in one column: no long edge back to the top
GRID = 4  # layers not yet connected to anything: this many per row, under the network


def _layers(g: nx.DiGraph) -> list[list[str]]:
    """Node ids per layer; layer = longest path from a source. A cycle (an invalid graph) shares one layer."""
    dag = nx.condensation(g)
    depth: dict[int, int] = {}
    for c in nx.topological_sort(dag):
        depth[c] = max((depth[p] + 1 for p in dag.predecessors(c)), default=0)
    layers: list[list[str]] = [[] for _ in range(max(depth.values(), default=-1) + 1)]
    order = {node_id: i for i, node_id in enumerate(g.nodes)}
    for c, d in depth.items():
        layers[d].extend(sorted(dag.nodes[c]["members"], key=order.__getitem__))
    return layers


def _slots(g: nx.DiGraph, layers: list[list[str]]) -> dict[str, float]:
    """Horizontal slot of each node in its layer (centred on 0); children sit under their parents."""
    slot: dict[str, float] = {}
    for layer in layers:
        first_seen = {node_id: i for i, node_id in enumerate(layer)}

        def barycentre(node_id):
            parents = [slot[p] for p in g.predecessors(node_id) if p in slot]
            return sum(parents) / len(parents) if parents else first_seen[node_id]

        layer.sort(key=barycentre)
        for i, node_id in enumerate(layer):
            slot[node_id] = i - (len(layer) - 1) / 2
    return slot


def _rows_per_column(n_layers: int, column_width: int) -> int:
    """Layers per column that let "fit view" draw the nodes largest on a pane of ASPECT."""
    if n_layers <= ONE_COLUMN:
        return max(1, n_layers)
    def zoom(columns: int) -> float:
        rows = -(-n_layers // columns)
        width = columns * column_width - COLUMN_GAP
        height = (rows - 1) * DY + NODE_H
        return min(ASPECT / width, 1 / height)

    most = max(1, n_layers // MIN_ROWS)
    best = max(range(1, most + 1), key=lambda c: (zoom(c), -c))
    return -(-n_layers // best)


def auto_layout(graph: dict) -> dict:
    """A copy of the graph (project format) with every node placed: inputs at the top, outputs below; nodes
    not yet connected sit in a grid under the network instead of one long row."""
    g = nx.DiGraph()
    g.add_nodes_from(n["id"] for n in graph.get("nodes", []))
    g.add_edges_from((e["source"], e["target"]) for e in graph.get("edges", [])
                     if e.get("source") in g and e.get("target") in g)
    loose = [n for n in g.nodes if g.degree(n) == 0]
    if len(loose) > 1:
        g.remove_nodes_from(loose)
    else:
        loose = []
    layers = _layers(g)
    slot = _slots(g, layers)
    widest = max((len(layer) for layer in layers), default=1)
    column_width = (widest - 1) * DX + NODE_W + COLUMN_GAP
    rows = _rows_per_column(len(layers), column_width)
    pos = {}
    for d, layer in enumerate(layers):
        column, row = divmod(d, rows)
        for node_id in layer:
            pos[node_id] = [round(column * column_width + slot[node_id] * DX), row * DY]
    below = max((y for _, y in pos.values()), default=-DY) + DY
    for i, node_id in enumerate(loose):
        row, col = divmod(i, GRID)
        pos[node_id] = [round((col - (min(GRID, len(loose)) - 1) / 2) * DX), below + row * DY]
    out = copy.deepcopy(graph)
    for node in out.get("nodes", []):
        node["pos"] = pos[node["id"]]
    return out
