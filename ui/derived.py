"""What follows from the project: the check Report, canvas annotations and model code, cached by content."""
from __future__ import annotations

import functools
import json

from builder import build_model, check, load_project, palette
from trainers.agreement import agreement


@functools.lru_cache(maxsize=1)
def catalogue() -> dict:
    return palette()


def _key(project: dict) -> str:
    return json.dumps({"graph": project.get("graph"), "training": project.get("training")}, sort_keys=True,
                      default=str)


def analyse(project: dict) -> dict:
    """{"report": Report | None, "problem": str | None, "annotations": {node id: {...}}} for the canvas."""
    return _analyse(_key(project))


def model_code(project: dict) -> tuple[str | None, str | None]:
    """(code, None) or (None, message): the PyTorch code of the compiled model."""
    return _code(_key(project))


def shape_text(shape) -> str:
    return "[" + ", ".join(str(s) for s in shape) + "]"


@functools.lru_cache(maxsize=64)
def _analyse(key: str) -> dict:
    data = json.loads(key)
    try:
        project = load_project({"format": "neurocanvas/1", "name": "canvas", **data})
        report = check(project)
    except Exception as exc:  # a malformed graph dict: name the part, keep the page
        return {"report": None, "problem": str(exc) or type(exc).__name__, "annotations": {}}
    errors, warnings = agreement(project, report)  # output, loss and data: known before Train
    report.errors += errors
    report.warnings += warnings
    notes: dict[str, dict] = {}
    for node, shape in report.shapes.items():
        notes.setdefault(node, {})["shape"] = shape_text(shape)
    for node, count in report.param_counts.items():
        notes.setdefault(node, {})["params"] = int(count)
    notes["_edges"] = {f"{e['source']}->{e['target']}": shape_text(report.shapes[e["source"]])
                       for e in data.get("graph", {}).get("edges", [])
                       if isinstance(e, dict) and e.get("source") in report.shapes}
    for p in report.errors:
        if p.node:
            entry = notes.setdefault(p.node, {})
            entry["error"] = (entry["error"] + "; " if "error" in entry else "") + p.message
    return {"report": report, "problem": None, "annotations": notes}


@functools.lru_cache(maxsize=16)
def _code(key: str) -> tuple[str | None, str | None]:
    data = json.loads(key)
    try:
        model = build_model(load_project({"format": "neurocanvas/1", "name": "canvas", **data}))
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
