"""ONNX nodes -> groups, each one catalogue layer: a module call, found by the module path the exporter recorded.

Both exporters record where a node comes from (onnx_names.scopes). A group is
- everything under a composite module (an LSTM/GRU/RNN, a self-attention, a TransformerEncoderLayer), or
- the nodes of a leaf module (one with no submodule: nn.Linear, nn.ReLU, a hand-written Swish), or
- one node, for the operations a module's forward writes itself (`out + x`, `F.relu`, `torch.flatten`);
each split into its connected pieces, so a stateless module called twice (ResNet's `self.relu`) is two groups.
"""
from __future__ import annotations

from dataclasses import dataclass, field

from .onnx_names import module_path

_RECURRENT = {"LSTM", "GRU", "RNN"}


@dataclass
class Group:
    key: str  # the module path ("layer1.0.conv1"), or the node's own name for an operation of a forward
    nodes: list = field(default_factory=list)
    sources: list = field(default_factory=list)  # data tensors it reads from other groups, in order
    outputs: list = field(default_factory=list)  # data tensors it hands to other groups or the graph output
    path: str | None = None  # the module path, when the exporter recorded one


def _under(path: str | None, root: str) -> bool:
    return path is not None and (path == root or path.startswith(root + "."))


def _composites(nodes, paths: dict) -> list[str]:
    """Module paths that are one catalogue layer with everything under them, outermost first."""
    own: dict[str, set] = {}
    for n in nodes:
        if paths[id(n)]:
            own.setdefault(paths[id(n)], set()).add(n.op_type)
    every = set(own)
    roots = []
    for p, ops in own.items():
        encoder = any(_under(q, p + ".self_attn") for q in every) and any(_under(q, p + ".linear1") for q in every)
        if encoder or ops & _RECURRENT or {"Softmax", "MatMul"} <= ops:
            roots.append(p)
    roots.sort(key=lambda p: p.count("."))
    return [p for i, p in enumerate(roots) if not any(_under(p, q) for q in roots[:i])]


def _keys(nodes, paths: dict) -> list[tuple[str, str | None]]:
    every = {p for p in paths.values() if p}
    leaves = {p for p in every if not any(q != p and _under(q, p) for q in every)}
    roots = _composites(nodes, paths)
    out = []
    for n in nodes:
        p = paths[id(n)]
        root = next((r for r in roots if _under(p, r)), None)
        if root is not None:
            out.append((root, root))
        elif p in leaves:
            out.append((p, p))
        else:  # an operation of a forward (a module's own, or the model's): a layer of its own
            out.append((n.name or n.output[0], p))
    return out


def _pieces(members: list) -> list[list]:
    """The connected pieces of a group's nodes (an edge: one's output is another's input), in file order."""
    owner = {o: k for k, n in enumerate(members) for o in n.output}
    parent = list(range(len(members)))

    def find(k):
        while parent[k] != k:
            parent[k] = parent[parent[k]]
            k = parent[k]
        return k
    for k, n in enumerate(members):
        for i in n.input:
            if i in owner:
                parent[find(k)] = find(owner[i])
    pieces: dict[int, list] = {}
    for k, n in enumerate(members):
        pieces.setdefault(find(k), []).append(n)
    return list(pieces.values())


def groups(nodes, graph_input: str, final: set, static: set) -> list[Group]:
    """Groups in file (topological) order, with their data sources and outputs."""
    paths = {id(n): module_path(n) for n in nodes}
    by_key: dict[str, tuple[list, str | None]] = {}
    for n, (key, path) in zip(nodes, _keys(nodes, paths)):
        by_key.setdefault(key, ([], path))[0].append(n)
    found = []
    for key, (members, path) in by_key.items():
        pieces = _pieces(members)
        for k, piece in enumerate(pieces):
            found.append(Group(key if k == 0 else f"{key}#{k + 1}", piece, path=path))
    order = {id(n): k for k, n in enumerate(nodes)}
    found.sort(key=lambda g: order[id(g.nodes[0])])
    _wire(found, graph_input, final, static)
    return [g for g in found if g.outputs and not all(o in static for o in g.outputs)]


def _wire(found: list, graph_input: str, final: set, static: set) -> None:
    producer = {graph_input: None}
    for g in found:
        for n in g.nodes:
            for o in n.output:
                producer[o] = g
    for g in found:
        for n in g.nodes:
            if n.op_type == "Shape":
                continue
            for i in n.input:
                if i and i not in static and i in producer and producer[i] is not g and i not in g.sources:
                    g.sources.append(i)
                    if producer[i] is not None and i not in producer[i].outputs:
                        producer[i].outputs.append(i)
        g.outputs += [o for n in g.nodes for o in n.output if o in final and o not in g.outputs]


def order(found: list) -> list:
    """Groups so that each comes after the groups it reads from (file order where there is a choice)."""
    made = {o: g for g in found for o in g.outputs}
    done, out = set(), []

    def visit(g, stack=()):
        if id(g) in done or id(g) in stack:
            return
        for s in g.sources:
            if s in made:
                visit(made[s], stack + (id(g),))
        done.add(id(g))
        out.append(g)
    for g in found:
        visit(g)
    return out
