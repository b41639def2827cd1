"""What the page draws from its checked project: the palette, the fixes shown, canvas notes, model code.

The analyses themselves (check, agree, fixes) are builder's passes, cached there by content; this module only
renders the value's report for the canvas and the Code view.
"""
from __future__ import annotations

import functools

from builder import Checked, build_model, palette
from builder.fixes import with_fixes
from builder.shapes import shown
from i18n import _, language, text


def catalogue() -> dict:
    """The palette with its help lines in the page's language (types, categories and params stay PyTorch's)."""
    return _catalogue(language())


@functools.lru_cache(maxsize=4)
def _catalogue(lang: str) -> dict:
    specs = palette()
    for spec in specs.values():
        spec["help"] = _(spec["help"])
        for param in spec["params"].values():
            param["help"] = _(param["help"])
    return specs


def analysed(value: Checked) -> Checked:
    """The page's value with the fixes of the problems it shows (builder's fixes pass, cached by content)."""
    return with_fixes(value)


def annotations(value: Checked) -> dict:
    """What the canvas draws on nodes and edges, in the page's language (the value's report read once)."""
    return _annotations(value, language())


def shape_text(shape) -> str:
    """[64] or, for one number per sample, "[] (one number)" in the page's language."""
    return text(shown(shape))


@functools.lru_cache(maxsize=16)  # values hash by identity: one entry per value (and language) drawn
def _annotations(value: Checked, lang: str) -> dict:
    """{node id: {"shape", "params", "error"}, "_edges": {"src->dst": "[128]"}}."""
    report = value.report
    notes: dict[str, dict] = {}
    for node, shape in report.shapes.items():
        notes.setdefault(node, {})["shape"] = shape_text(shape)
    for node, count in report.param_counts.items():
        notes.setdefault(node, {})["params"] = int(count)
    notes["_edges"] = {f"{e.source}->{e.target}": shape_text(report.shapes[e.source])
                       for e in value.graph.edges if e.source in report.shapes}
    for p in report.errors:
        if p.node:
            entry = notes.setdefault(p.node, {})
            entry["error"] = (entry["error"] + "; " if "error" in entry else "") + p.message
    return notes


def model_code(value: Checked) -> tuple[str | None, str | None]:
    """(code, None) or (None, message): the PyTorch code of the compiled model."""
    return _code(_SameGraph(value))


class _SameGraph:
    """A value that hashes by its graph's digest: the code is made once per graph, whatever else changed."""

    __slots__ = ("value",)

    def __init__(self, value: Checked):
        self.value = value

    def __hash__(self) -> int:
        return hash(self.value.digest)

    def __eq__(self, other) -> bool:
        return isinstance(other, _SameGraph) and other.value.digest == self.value.digest


@functools.lru_cache(maxsize=16)
def _code(graph: _SameGraph) -> tuple[str | None, str | None]:
    try:  # the value's report: compiling does not check the graph again
        model = build_model(graph.value)
    except Exception as exc:
        return None, str(exc) or type(exc).__name__
    return module_code(model), None


def module_code(model) -> str:
    """The compiled model as a readable class: its submodules, then the forward pass torch.fx generated."""
    lines = ["import torch", "from torch import nn", "", "", "class Model(nn.Module):", "    def __init__(self):",
             "        super().__init__()"]
    for name, module in model.named_children():
        text = repr(module).splitlines()
        text = text[0] if len(text) == 1 else text[0].rstrip("(") + "(...)"
        prefix = "nn." if type(module).__module__.startswith("torch.nn") else ""
        lines.append(f"        self.{name} = {prefix}{text}")
    ours = sorted({type(m).__name__ for m in model.children() if not type(m).__module__.startswith("torch.nn")})
    if ours:
        lines.insert(2, f"from {type(next(m for m in model.children() if type(m).__name__ == ours[0])).__module__} "
                        f"import {', '.join(ours)}")
    forward = [("    " + line if line.strip() else "") for line in model.code.strip("\n").splitlines()]
    return "\n".join(lines + [""] + forward) + "\n"
