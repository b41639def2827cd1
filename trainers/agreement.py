"""Does the checked network fit its data set and loss? Problems known before Train, each with its fixes."""
from __future__ import annotations

import math

import builder
from builder.fixes import Fix, apply, insert, insert_after, recheck, set_param, set_training
from builder.report import Problem
from i18n import N_

from .datasets import load_outline
from .losses import CLASS_INDEX_LOSSES
from .settings import TrainingSettings

REGRESSION_LOSS = "MSELoss"


def agreement(project, report) -> tuple[list[Problem], list[Problem]]:
    """(errors, warnings) about the Input against the data, the output against loss and targets, and weights.

    `report` is builder.check(project); nothing is said while the graph itself has errors.
    """
    project = builder.load_project(project)
    if not report.ok or report.output_node not in report.shapes:
        return [], []
    data = _data(project.training)
    doc = {"graph": project.graph.to_dict(), "training": dict(project.training)}
    if report.total_params == 0:  # before the output: the Linear its fix adds also gives the right size
        out, size = report.output_node, _want(data, project.training)
        fixes = (Fix(N_("Fix: insert Linear({size}) after {node}", size=size[-1], node=out),
                     (insert_after(out, "Linear", {"out_features": size[-1]}),)),) if size else ()
        return [Problem(out, N_("the network has no trainable parameters: nothing can learn. Add a layer with "
                                "weights (Linear, Conv2d...)"), None, _verified(doc, fixes, size))], []
    if data is None:
        return [], []
    errors, warnings = _input(doc, report, data), []
    if not errors:
        errors, warnings = _output(doc, report, data, TrainingSettings.from_dict(project.training).loss)
    return errors, warnings


def describe(problem: Problem) -> str:
    """'out: gives [64]… (Fix: set out.out_features to 10)' for the command line and error messages."""
    fixes = "; ".join(f.label for f in problem.fixes)
    return f"{problem} ({fixes})" if fixes else str(problem)


def _data(training: dict):
    try:
        settings = TrainingSettings.from_dict(training)
        options = settings.dataset_options
        if settings.dataset == "csv" and not (options.get("text") or options.get("path")):
            return None
        return load_outline(settings.dataset, **options)  # pictures: from their headers, never decoded here
    except Exception:  # a bad setting or an unreadable data set is reported where settings are checked
        return None


def _want(data, training: dict) -> tuple | None:
    """The output shape the data and loss ask for; None when not known."""
    if data is None:
        return None
    if data.task == "classification":
        return tuple(data.target_shape) + (int(data.n_classes),)
    return tuple(data.target_shape) or (1,)


def _input(doc: dict, report, data) -> list[Problem]:
    nid = report.input_node
    shape, natural = report.shapes[nid], tuple(data.input_shape)
    if math.prod(shape) != math.prod(natural):
        wants = [list(natural)] + ([[1, *data.image_shape]] if data.image_shape else [])
        fixes = tuple(Fix(N_("Fix: set {node}.shape to {shape}", node=nid, shape=str(w)),
                          (set_param(nid, "shape", w),)) for w in wants)
        message = N_("gives {shape} ({n} values), but data set '{data}' has {natural} per sample ({m} values)",
            shape=list(shape), n=math.prod(shape), data=data.name, natural=list(natural), m=math.prod(natural))
        want = _want(data, doc["training"])  # the shapes after which the output fits too, else any that checks
        return [Problem(nid, message, "shape", _verified(doc, fixes, want) or _verified(doc, fixes, None))]
    if report.dtypes[nid] != data.dtype:
        fix = Fix(N_("Fix: set {node}.dtype to {dtype}", node=nid, dtype=data.dtype),
                  (set_param(nid, "dtype", data.dtype),))
        message = N_("has dtype '{dtype}', but data set '{data}' gives {kind} values",
            dtype=report.dtypes[nid], data=data.name, kind=data.dtype)
        return [Problem(nid, message, "dtype", _verified(doc, (fix,), None))]
    return []


def _output(doc: dict, report, data, loss: str) -> tuple[list[Problem], list[Problem]]:
    out, nid = tuple(report.shapes[report.output_node]), report.output_node
    classes = data.task == "classification"
    if loss in CLASS_INDEX_LOSSES and not classes:
        fix = Fix(N_("Fix: use {loss}", loss=REGRESSION_LOSS), (set_training("loss", REGRESSION_LOSS),))
        return [Problem(nid, N_("{loss} needs class labels, but '{data}' is a regression task",
            loss=loss, data=data.name), "loss", (fix,))], []
    want = _want(data, doc["training"])
    allowed = {want} | ({(1,)} if classes and data.n_classes == 2 and loss == "BCEWithLogitsLoss" else set())
    if out in allowed or (not classes and math.prod(out) == math.prod(want)):
        if classes and loss not in CLASS_INDEX_LOSSES and loss != "BCEWithLogitsLoss":
            fix = Fix(N_("Fix: use {loss}", loss="CrossEntropyLoss"), (set_training("loss", "CrossEntropyLoss"),))
            return [], [Problem(nid, N_("{loss} on class labels compares one-hot vectors; CrossEntropyLoss is the loss "
                                       "made for classes", loss=loss), "loss", (fix,))]
        return [], []
    if classes:
        message = N_("gives {out}, but {loss} on '{data}' needs {want}: one score for each of its {n} classes",
            out=list(out), loss=loss, data=data.name, want=list(want), n=data.n_classes)
    else:
        message = N_("gives {out}, but the targets of '{data}' are {want}",
            out=list(out), data=data.name, want=list(want))
    return [Problem(nid, message, None, _verified(doc, _shape_fixes(doc, report, want), want))], []


def _shape_fixes(doc: dict, report, want: tuple) -> tuple[Fix, ...]:
    types = {n["id"]: n["type"] for n in doc["graph"]["nodes"]}
    linears = [n for n in report.order if types.get(n) == "Linear"]
    if not linears:
        return ()
    last = linears[-1]
    resize = set_param(last, "out_features", want[-1])
    fixes = [Fix(N_("Fix: set {node}.out_features to {size}", node=last, size=want[-1]), (resize,))]
    for lin in linears:  # the first Linear that reads more axes than the target has needs a Flatten before it
        src = (report.inputs.get(lin) or [None])[0]
        if src in report.shapes and len(report.shapes[src]) > len(want):
            fixes.append(Fix(N_("Fix: insert Flatten before {node}", node=lin), (insert(lin, "Flatten"),)))
            fixes.append(Fix(N_("Fix: insert Flatten before {node} and set {last}.out_features to {size}", node=lin,
                                last=last, size=want[-1]), (insert(lin, "Flatten"), resize)))
            break
    return tuple(fixes)


def _verified(doc: dict, fixes, want: tuple | None) -> tuple[Fix, ...]:
    """The fixes after which the graph checks clean (and gives `want` at its output, when given)."""
    kept = []
    for fix in fixes:
        if any(fix.edits[:len(k.edits)] == k.edits for k in kept):
            continue  # a longer variant of a fix that already cures it
        report = recheck(apply(doc, fix)["graph"])
        if report.ok and (want is None or tuple(report.shapes.get(report.output_node, ())) == tuple(want)):
            kept.append(fix)
    return tuple(kept)
