"""Export a project as a readable, standalone PyTorch script: one nn.Module class named after the project.

The class needs no constructor arguments; its attribute names are build_model's (from the node ids), so
the same state_dict loads into both. Custom layers are copied from builder/layers.py, only those used.
"""
from __future__ import annotations

import inspect

from builder import layers
from builder.calls import MASK_SOURCE
from builder.catalogue import LAYERS, constructor_kwargs
from builder.checked_project import Checked
from builder.compile import GraphError, attribute_names
from builder.project import Graph
from builder.report import Report

from .names import class_name, file_stem, text  # noqa: F401  (public here too: the views and tests import them)

STDLIB = ("math", "io", "json", "gzip", "struct", "pathlib")


def shape_comment(shape, dtype: str = "float") -> str:
    """(B, 1, 8, 8); (B,) for one number per sample, as torch prints it."""
    dims = ", ".join(["B"] + [str(d) for d in shape])
    return f"({dims}{',' if not shape else ''})" + (" token ids" if dtype == "long" else "")


def _split_args(args: str) -> list[str]:
    """Split 'a=1, b=(2, 3), c="x, y"' at top-level commas."""
    out, depth, quote, start = [], 0, None, 0
    for i, ch in enumerate(args):
        if quote:
            quote = None if ch == quote and args[i - 1] != "\\" else quote
        elif ch in "\"'":
            quote = ch
        elif ch in "([{":
            depth += 1
        elif ch in ")]}":
            depth -= 1
        elif ch == "," and depth == 0:
            out.append(args[start:i])
            start = i + 1
    return out + [args[start:]]


def _valid(source: Checked) -> Report:
    if not source.ok:
        raise GraphError(source.report)
    return source.report


def custom_classes(graph: Graph) -> list[type]:
    """Our own layer classes the graph uses, in builder/layers.py order."""
    used = {LAYERS[n.type].cls for n in graph.nodes}
    return [c for c in vars(layers).values() if isinstance(c, type) and c in used]


def _forward_lines(graph: Graph, report: Report, names: dict) -> tuple[str, list[str]]:
    """The forward's argument name and body. A value used only by the next line is called `x`."""
    order = report.order
    consumers = {nid: set() for nid in order}
    for nid in order:
        for src in report.inputs[nid]:
            consumers[src].add(nid)
    var = {}
    for i, nid in enumerate(order):
        nxt = order[i + 1] if i + 1 < len(order) else None
        var[nid] = "x" if consumers[nid] == {nxt} or not consumers[nid] else names[nid]
    body, masked = [], None  # masked: the sequence length causal_mask was made for
    for nid in order[1:]:
        how, args = LAYERS[graph.node(nid).type].call_of(report.params[nid]), [var[s] for s in report.inputs[nid]]
        steps = report.shapes[report.inputs[nid][0]][0] if how.causal else None
        if how.causal and steps != masked:
            body += [f"# ({steps}, {steps}): step t attends to steps 0..t only (-inf above the diagonal)",
                     MASK_SOURCE.format(x=args[0])]
            masked = steps
        body.append(f"{var[nid]} = {how.source(names[nid], args)}  # "
                    f"{shape_comment(report.shapes[nid], report.dtypes[nid])}")
    body.append(f"return {var[report.output_node]}")
    return var[report.input_node], body


def import_block(modules) -> str:
    """Import lines (standard library first, then numpy/pandas and torch); `from x import y` kept as given."""
    line = lambda m: m if m.startswith("from ") else f"import {m}"  # noqa: E731
    stdlib = sorted(line(m) for m in set(modules) if m.split(" ")[1 if m.startswith("from ") else 0] in STDLIB)
    other = sorted(line(m) for m in set(modules) if line(m) not in stdlib)
    other += ["import torch", "from torch import nn"]
    return "\n".join(sorted(stdlib, key=lambda t: t.startswith("from ")) + ([""] if stdlib else []) + other) + "\n"


def _init_lines(graph: Graph, report: Report, names: dict) -> list[str]:
    """`self.fc1 = nn.Linear(...)  # 8,320 parameters` per node; a long call gets one argument per line."""
    init = ["    def __init__(self):", "        super().__init__()"]
    for nid in report.order[1:]:
        spec = LAYERS[graph.node(nid).type]
        ins = [(report.shapes[s], report.dtypes[s]) for s in report.inputs[nid]]
        call = spec.source(constructor_kwargs(spec, ins, report.params[nid]))
        notes = [f"node {text(nid, 60)!r}"] if names[nid] != nid else []
        if report.param_counts.get(nid):
            notes.append(f"{report.param_counts[nid]:,} parameters")
        note = f"  # {', '.join(notes)}" if notes else ""
        line = f"        self.{names[nid]} = {call}{note}"
        if len(line) > 110:
            head, args = call.split("(", 1)
            parts = [a.strip() for a in _split_args(args[:-1])]
            line = "\n".join([f"        self.{names[nid]} = {head}({note}"] + [f"            {a}," for a in parts]
                             + ["        )"])
        init.append(line)
    return init


def _docstring(name: str, description: str, report: Report) -> list[str]:
    inp, out = report.input_node, report.output_node
    first = (f'    """{text(name)}: {shape_comment(report.shapes[inp], report.dtypes[inp])} -> '
             f'{shape_comment(report.shapes[out])}, {report.total_params:,} trainable parameters.')
    if description:
        return [first, "", f"    {text(description, 400)}", '    """', ""]
    return [first + '"""', ""]


def module_source(source: Checked, cls: str | None = None, imports=()) -> str:
    """Imports, the custom layer classes used, and the model class: importable on its own."""
    report, project = _valid(source), source.project
    cls = cls or class_name(project.name)
    names = attribute_names(report.order)
    pieces = [inspect.getsource(c).rstrip() for c in custom_classes(source.graph)]
    imports = set(imports) | ({"math"} if any("math." in p for p in pieces) else set())
    inp = report.input_node
    arg, body = _forward_lines(source.graph, report, names)
    fwd = [f"    def forward(self, {arg}):  # {shape_comment(report.shapes[inp], report.dtypes[inp])}"]
    fwd += [f"        {line}" for line in body]
    model = "\n".join([f"class {cls}(nn.Module):", *_docstring(project.name, project.description, report),
                       *_init_lines(source.graph, report, names), "", *fwd])
    return import_block(imports) + "".join(f"\n\n{p}\n" for p in pieces) + f"\n\n{model}\n"


def export_script(source: Checked, training: bool = False) -> str:
    """The whole script: module docstring, the model class and a `main()`.

    training=False: main() builds the model, optionally loads a state_dict and runs a random batch.
    training=True: main() also loads the project's data set and trains with its loss and optimizer.
    """
    report = _valid(source)
    cls = class_name(source.project.name)
    if training:
        from .training import training_source  # only scripts with a loop need trainers and the data set code
        main, imports, usage = training_source(source, cls)
    else:
        main, imports, usage = _inference_main(report, cls), (), f"python {file_stem(cls)}.py [weights.pt]"
    body = module_source(source, cls, imports)
    doc = (f'"""{text(source.project.name)} — exported from NeuroCanvas as plain PyTorch.\n\n'
           f"Run: {usage}\nWeights saved by NeuroCanvas (a state_dict) load with "
           f"model.load_state_dict(torch.load(path, weights_only=True)).\n\"\"\"\n")
    return doc + body + "\n\n" + main + '\n\n\nif __name__ == "__main__":\n    main()\n'


def _inference_main(report: Report, cls: str) -> str:
    shape = tuple(report.shapes[report.input_node])
    if report.dtypes[report.input_node] == "long":
        make = f"torch.zeros(4, {', '.join(map(str, shape))}, dtype=torch.long)  # token ids"
    else:
        make = f"torch.randn(4, {', '.join(map(str, shape))})"
    return (f"def main(argv=None):\n"
            f"    import sys\n"
            f"    argv = sys.argv[1:] if argv is None else argv\n"
            f"    model = {cls}()\n"
            f"    if argv:  # a state_dict file, e.g. the weights downloaded from NeuroCanvas\n"
            f"        model.load_state_dict(torch.load(argv[0], weights_only=True))\n"
            f"    model.eval()\n"
            f"    x = {make}\n"
            f"    with torch.no_grad():\n"
            f"        y = model(x)\n"
            f"    n = sum(p.numel() for p in model.parameters() if p.requires_grad)\n"
            f'    print(f"{cls}: {{n:,}} parameters; input {{tuple(x.shape)}} -> output {{tuple(y.shape)}}")')
