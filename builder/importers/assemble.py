"""Nodes and edges found by an importer -> a checked project dict with a computed layout, and its weights."""
from __future__ import annotations

import torch

from i18n import _

from ..checked_project import check
from ..compile import build_model
from ..layout import auto_layout
from ..project import FORMAT, load_project
from .errors import ImportProblem


def project_dict(name: str, nodes: list[dict], edges: list[dict], description: str = "") -> dict:
    """A neurocanvas/1 dict laid out left to right; ImportProblem unless check() accepts the whole graph."""
    graph = auto_layout({"nodes": nodes, "edges": edges})  # a copy with every node placed
    data = {"format": FORMAT, "name": name, "description": description, "graph": graph, "training": {}}
    report = check(load_project(data))
    if not report.ok:  # the import must give a working graph or nothing
        problems = "; ".join(str(p) for p in report.errors[:5])
        raise ImportProblem(_("the imported graph does not check: {problems}").format(problems=problems),
                            report.errors[0].node)
    return data


def weights_of(data: dict, per_node: dict[str, dict]) -> dict:
    """The project's state_dict (build_model's names) from each node's own module state_dict."""
    model = build_model(load_project(data))
    for nid, state in per_node.items():
        module = getattr(model, model.node_modules[nid])
        _check_fit(nid, module.state_dict(), state)
        module.load_state_dict(state)
    return {k: v.detach().clone() for k, v in model.state_dict().items()}


def _check_fit(nid: str, want: dict, got: dict) -> None:
    """One sentence for weights that do not fit the layer the graph made (the file's shapes disagree)."""
    for name in sorted(set(want) | set(got)):
        if name not in got or name not in want:
            raise ImportProblem(_("node '{node}': the layer needs weights {need}, the file gives {have}").format(
                node=nid, need=", ".join(sorted(want)), have=", ".join(sorted(got))), nid)
        if tuple(got[name].shape) != tuple(want[name].shape):
            raise ImportProblem(_("node '{node}': its {name} has shape {have} where the layer needs {need}").format(
                node=nid, name=name, have=list(got[name].shape), need=list(want[name].shape)), nid)


def save_weights(state: dict, path) -> None:
    """The app's weights format: a plain state_dict, readable with torch.load(weights_only=True)."""
    torch.save(state, path)
