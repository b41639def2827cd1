"""What follows from the project, computed once per content: the checked graph, canvas notes, model code."""
from __future__ import annotations

import functools

from builder import FORMAT, build_model, check, load_project, palette
from builder.shapes import shown
from i18n import _, language, text
from trainers.agreement import agreement

from .content import digest

CHECKS_KEPT = 64  # graphs whose check is kept: undo/redo and switching presets find theirs again
AGREEMENT_KEYS = ("dataset", "dataset_options", "loss")  # what the output must agree with, besides the graph


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


class Keyed:
    """A JSON value that hashes by its content, so an lru_cache keeps one result per content, not per object.

    The digest is taken once, when the value is wrapped; the cache keeps the value only to compute a miss.
    """

    __slots__ = ("value", "digest")

    def __init__(self, value):
        self.value = value
        self.digest = digest(value)

    def __hash__(self) -> int:
        return hash(self.digest)

    def __eq__(self, other) -> bool:
        return isinstance(other, Keyed) and other.digest == self.digest


def analyse(project: dict) -> dict:
    """{"graph": Graph | None, "report": Report | None, "problem": str | None, "annotations": {node id: {...}}}.

    Keyed on the graph alone: check reads nothing else, and the training section may hold a 2 MB CSV. The texts
    (problem, the notes' errors) are made per language: the cached check is shared by readers of both. The
    agreement of output, loss and data (trainers.agreement) is added, keyed on the graph and those settings.
    """
    keyed, wanted = Keyed(project.get("graph")), Keyed(_agreement_settings(project))
    checked = _agreed(keyed, wanted)
    return {**checked, "problem": checked["problem"] and text(checked["problem"]),
            "annotations": _annotations(keyed, wanted, language())}


def _agreement_settings(project: dict) -> dict:
    training = project.get("training") or {}
    wanted = {k: training.get(k) for k in AGREEMENT_KEYS if training.get(k) is not None}
    if wanted.get("dataset") == "csv":
        wanted.pop("dataset_options", None)  # not the file: an uploaded CSV is checked when it is read
    return wanted


def model_code(project: dict) -> tuple[str | None, str | None]:
    """(code, None) or (None, message): the PyTorch code of the compiled model."""
    return _code(Keyed(project.get("graph")))


def shape_text(shape) -> str:
    """[64] or, for one number per sample, "[] (one number)" in the page's language."""
    return text(shown(shape))


@functools.lru_cache(maxsize=CHECKS_KEPT)
def _analyse(graph: Keyed) -> dict:
    try:  # one parse and one check per graph content
        parsed_graph = load_project({"format": FORMAT, "name": "canvas", "graph": graph.value}).graph
        report = check(parsed_graph)
    except Exception as exc:  # a malformed graph dict: name the part, keep the page
        return {"graph": None, "report": None, "problem": (exc.args[0] if exc.args else None) or type(exc).__name__}
    return {"graph": parsed_graph, "report": report, "problem": None}


@functools.lru_cache(maxsize=CHECKS_KEPT)
def _agreed(graph: Keyed, training: Keyed) -> dict:
    base = _analyse(graph)
    if base["report"] is None or not base["report"].ok:
        return base
    errors, warnings = agreement({"format": FORMAT, "graph": graph.value, "training": training.value},
                                 base["report"])
    if not errors and not warnings:
        return base
    report = base["report"].copy()
    report.errors += errors
    report.warnings += warnings
    return {**base, "report": report}


@functools.lru_cache(maxsize=CHECKS_KEPT)
def _annotations(graph: Keyed, training: Keyed, lang: str) -> dict:
    report = _agreed(graph, training)["report"]
    return _notes(graph.value, report) if report is not None else {}


def _notes(graph: dict, report) -> dict:
    """What the canvas draws on nodes and edges: {node id: {"shape", "params", "error"}, "_edges": {...}}."""
    notes: dict[str, dict] = {}
    for node, shape in report.shapes.items():
        notes.setdefault(node, {})["shape"] = shape_text(shape)
    for node, count in report.param_counts.items():
        notes.setdefault(node, {})["params"] = int(count)
    notes["_edges"] = {f"{e['source']}->{e['target']}": shape_text(report.shapes[e["source"]])
                       for e in (graph or {}).get("edges", [])
                       if isinstance(e, dict) and e.get("source") in report.shapes}
    for p in report.errors:
        if p.node:
            entry = notes.setdefault(p.node, {})
            entry["error"] = (entry["error"] + "; " if "error" in entry else "") + p.message
    return notes


@functools.lru_cache(maxsize=16)
def _code(graph: Keyed) -> tuple[str | None, str | None]:
    checked = _analyse(graph)
    if checked["report"] is None:
        return None, text(checked["problem"])
    try:  # the cached report: compiling does not check the graph again
        model = build_model(checked["graph"], checked["report"])
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
