"""Compile a checked graph into a torch.fx.GraphModule: one submodule per node, forward in topological order."""
from __future__ import annotations

import keyword
import operator
import re
import warnings

import torch
from torch import fx, nn
from torch.fx.graph_module import _USER_PRESERVED_ATTRIBUTES_KEY

from .calls import MASK, causal_mask
from .catalogue import LAYERS, constructor_kwargs
from .checked_project import Checked, check
from .checker import _WARNINGS_LOCK
from .project import Graph, as_graph
from .report import Report


class GraphError(ValueError):
    """The graph cannot be built; `.report` holds every problem, each naming its node."""

    def __init__(self, report: Report):
        self.report = report
        super().__init__("; ".join(str(p) for p in report.errors))


# Names a node's submodule must not take: GraphModule's methods/properties (`code`, `graph`, `recompile`),
# its instance attributes (`training`, `meta`, `_modules`) and the extras build_model sets on the model.
_RESERVED = (set(dir(fx.GraphModule)) | set(vars(fx.GraphModule(nn.Module(), fx.Graph())))
             | {"x", "self", "torch", "nn", "node_modules", "input_dtype", "output_node", MASK})


def attribute_names(node_ids) -> dict[str, str]:
    """Python attribute names from node ids: `conv-1` -> `conv_1`, unique, never shadowing GraphModule's own."""
    names, taken = {}, set()
    for nid in node_ids:
        base = re.sub(r"\W", "_", nid) or "node"
        if base[0].isdigit():
            base = "n_" + base
        if keyword.iskeyword(base) or base in _RESERVED:
            base += "_"
        name, k = base, 2
        while name in taken:
            name, k = f"{base}_{k}", k + 1
        taken.add(name)
        names[nid] = name
    return names


def build_modules(report: Report, graph: Graph) -> dict[str, nn.Module]:
    """node id -> freshly initialised module (Input excluded)."""
    by_id = {n.id: n for n in graph.nodes}
    out = {}
    for nid in report.order:
        spec = LAYERS[by_id[nid].type]
        if spec.cls is None:
            continue
        ins = [(report.shapes[s], report.dtypes[s]) for s in report.inputs[nid]]
        # torch's construction warnings (LSTM dropout with one layer) are already the node's warnings in
        # the report; printed again here they would be stray stderr lines in the CLI and the server log.
        with _WARNINGS_LOCK, warnings.catch_warnings():
            warnings.simplefilter("ignore", UserWarning)
            out[nid] = spec.cls(**constructor_kwargs(spec, ins, report.params[nid]))
    return out


def _forward(graph: Graph, report: Report, names: dict) -> fx.Graph:
    """One call_module per node in topological order; a causal attention node gets the causal mask, made once per
    sequence length from its input (calls.causal_mask traced into the graph)."""
    fxg, values, masks = fx.Graph(), {}, {}
    for nid in report.order:
        spec = LAYERS[graph.node(nid).type]
        if spec.cls is None:
            values[nid] = fxg.placeholder(names[nid])
            continue
        args, name, how = tuple(values[s] for s in report.inputs[nid]), names[nid], spec.call_of(report.params[nid])
        mask = None
        if how.causal:
            steps = report.shapes[report.inputs[nid][0]][0]  # T of the (T, E) input
            if steps not in masks:
                masks[steps] = causal_mask(fx.Proxy(args[0])).node
                masks[steps]._rename(MASK)
            mask = masks[steps]
        call = fxg.create_node("call_module", name, args * how.repeat, how.extra(mask),
                               name=name + "_all" if how.first else name)
        values[nid] = fxg.create_node("call_function", operator.getitem, (call, 0), {}, name=name) if how.first else call
    fxg.output(values[report.output_node])
    return fxg


def build_model(source, report: Report | None = None) -> fx.GraphModule:
    """An nn.Module for a Checked value (or, as public API, a project or graph); forward takes (B, *shape)."""
    if isinstance(source, Checked):
        graph, report = source.graph, source.report
    else:
        graph = as_graph(source)
        report = report or check(source)  # with the memory budget: nothing is built beyond it
    if not report.ok:
        raise GraphError(report)
    names = attribute_names(report.order)
    modules = build_modules(report, graph)
    root = nn.Module()
    for nid, module in modules.items():
        root.add_module(names[nid], module)

    model = fx.GraphModule(root, _forward(graph, report, names), class_name="NeuroCanvasModel")
    extras = {"node_modules": {nid: names[nid] for nid in modules},  # node id -> submodule name
              "input_dtype": torch.long if report.dtypes[report.input_node] == "long" else torch.float32,
              "output_node": report.output_node}
    model.meta[_USER_PRESERVED_ATTRIBUTES_KEY] = extras  # fx restores these on deepcopy
    for key, value in extras.items():
        setattr(model, key, value)
    return model
