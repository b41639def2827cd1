"""The fixes pass: for the problems shown, the edits that cure them (builder.ops operations), each verified.

    with_fixes(value) -> Checked   # every problem of value.report with its fixes, computed once per content

A fix is proposed from the problem's `rule` and the shapes around it, then applied to the project and checked
(through builder.cache, so the fixed graph's check is ready when the person applies it) and kept only when it
cures what it claims.
"""
from __future__ import annotations

import dataclasses
import math
from dataclasses import dataclass

from i18n import N_, Message

from . import cache
from .checked_project import Checked, check_graph, from_doc
from .node_ops import InsertNode, SetParam
from .ops import ApplyFix, set_training

MAX_FIXED_NODES = 8  # candidates are checked: bound the work on a graph full of errors


@dataclass(frozen=True)
class Fix:
    """One edit the person may apply with a button: a few operations, applied as one (ops.ApplyFix)."""

    message: Message  # N_("Fix: ...", **args): read in the reader's language (a cached report is shared)
    edits: tuple = ()  # builder.ops operations

    @property
    def label(self) -> str:
        return str(self.message)

    def to_dict(self) -> dict:
        return {"label": self.label, "edits": [e.to_dict() for e in self.edits]}


def insert(before: str, type_name: str, params: dict | None = None) -> InsertNode:
    """Edit: a new node of `type_name` between `before` and its (single) input."""
    return InsertNode(type_name, dict(params or {}), before=before)


def insert_after(after: str, type_name: str, params: dict | None = None) -> InsertNode:
    """Edit: a new node between `after` and everything it feeds (or at the end, when it feeds nothing)."""
    return InsertNode(type_name, dict(params or {}), after=after)


def with_fixes(value: Checked) -> Checked:
    """The fixes pass: `value` whose problems carry the fixes that cure them (cached by content)."""
    errors, warnings = cache.cached(("fixes", value.digest, value.signature), lambda: _fixed_problems(value))
    if list(errors) == value.report.errors and list(warnings) == value.report.warnings:
        return value
    report = value.report.copy()
    report.errors, report.warnings = list(errors), list(warnings)
    return dataclasses.replace(value, report=report)


def _fixed_problems(value: Checked) -> tuple[tuple, tuple]:
    report, done = value.report, 0
    errors = []
    for problem in report.errors:
        found = ()
        if problem.rule is None and problem.node is not None and done < MAX_FIXED_NODES:
            done += 1
            found = tuple(f for f in _node_candidates(problem.node, report) if _cures(value, f, problem.node))
        elif problem.rule in AGREEMENT:
            found = AGREEMENT[problem.rule](value, problem)
        errors.append(dataclasses.replace(problem, fixes=found) if found else problem)
    warnings = [dataclasses.replace(p, fixes=AGREEMENT[p.rule](value, p)) if p.rule in AGREEMENT else p
                for p in report.warnings]
    return tuple(errors), tuple(warnings)


def fixed(value: Checked, fix: Fix) -> Checked:
    """The project after `fix` (checked with the same signature; its analyses land in builder.cache)."""
    return from_doc(ApplyFix(fix).on(value.doc), lambda _training: value.signature)


def _cures(value: Checked, fix: Fix, node: str) -> bool:
    """Whether `fix` leaves `node` (nor a node it adds) with no error of the graph's own check."""
    after = fixed(value, fix)
    report = check_graph(after.graph, after.digest)
    added = {n.id for n in after.graph.nodes} - {n.id for n in value.graph.nodes}
    return report.input_node is not None and not any(p.node in {node} | added for p in report.errors)


def shape_candidates(values: int) -> list[list[int]]:
    """Shapes a flat vector of `values` can be viewed as: [1, L], [1, H, W] and [3, H, W] (square images)."""
    out = [[1, values]]
    for c in (1, 3):
        side = math.isqrt(values // c) if values % c == 0 else 0
        if side > 1 and c * side * side == values:
            out.append([c, side, side])
    return out


def _node_candidates(nid: str, report) -> list[Fix]:
    """Plausible cures for node `nid`'s error, from the shape arriving at it; verified by the caller."""
    srcs = report.inputs.get(nid) or []
    if len(srcs) != 1 or srcs[0] not in report.shapes or report.dtypes.get(srcs[0]) != "float":
        return []
    src, shape = srcs[0], report.shapes[srcs[0]]
    if len(shape) > 1:
        return [Fix(N_("Fix: insert Flatten before {node}", node=nid), (insert(nid, "Flatten"),))]
    fixes = []
    for want in shape_candidates(shape[0]) if shape else [[1]]:  # one number per sample ([]): give it an axis
        if src == report.input_node:
            fixes.append(Fix(N_("Fix: set {node}.shape to {shape}", node=src, shape=str(want)),
                             (SetParam(src, "shape", want),)))
        else:
            fixes.append(Fix(N_("Fix: insert Reshape to {shape} before {node}", node=nid, shape=str(want)),
                             (insert(nid, "Reshape", {"shape": want}),)))
    return fixes


def _linear_maps(value: Checked, problem) -> tuple:
    src = value.report.inputs.get(problem.node, [None])[0]
    return (Fix(N_("Fix: insert ReLU after {node}", node=src), (insert_after(src, "ReLU"),)),)


def _verified(value: Checked, fixes, want: tuple | None) -> tuple[Fix, ...]:
    """The fixes after which the graph checks clean (and gives `want` at its output, when given)."""
    kept = []
    for fix in fixes:
        if any(fix.edits[:len(k.edits)] == k.edits for k in kept):
            continue  # a longer variant of a fix that already cures it
        after = fixed(value, fix)
        report = check_graph(after.graph, after.digest)
        if report.ok and (want is None or tuple(report.shapes.get(report.output_node, ())) == tuple(want)):
            kept.append(fix)
    return tuple(kept)


def _no_weights(value: Checked, problem) -> tuple:
    size = value.signature.want() if value.signature else None
    if not size:
        return ()
    fix = Fix(N_("Fix: insert Linear({size}) after {node}", size=size[-1], node=problem.node),
              (insert_after(problem.node, "Linear", {"out_features": size[-1]}),))
    return _verified(value, (fix,), size)


def _input_size(value: Checked, problem) -> tuple:
    sig, nid = value.signature, problem.node
    wants = [list(sig.input_shape)] + ([[1, *sig.image_shape]] if sig.image_shape else [])
    fixes = tuple(Fix(N_("Fix: set {node}.shape to {shape}", node=nid, shape=str(w)), (SetParam(nid, "shape", w),))
                  for w in wants)  # the shapes after which the output fits too, else any that checks
    return _verified(value, fixes, sig.want()) or _verified(value, fixes, None)


def _input_dtype(value: Checked, problem) -> tuple:
    dtype = value.signature.dtype
    fix = Fix(N_("Fix: set {node}.dtype to {dtype}", node=problem.node, dtype=dtype),
              (SetParam(problem.node, "dtype", dtype),))
    return _verified(value, (fix,), None)


def _loss(index: int):
    def fixes(value: Checked, _problem) -> tuple:
        loss = value.signature.fix_losses[index]
        return (Fix(N_("Fix: use {loss}", loss=loss), (set_training(loss=loss),)),)
    return fixes


def _output(value: Checked, problem) -> tuple:
    report, want = value.report, value.signature.want()
    types = {n.id: n.type for n in value.graph.nodes}
    linears = [n for n in report.order if types.get(n) == "Linear"]
    if not linears:
        return ()
    last = linears[-1]
    resize = SetParam(last, "out_features", want[-1])
    fixes = [Fix(N_("Fix: set {node}.out_features to {size}", node=last, size=want[-1]), (resize,))]
    for lin in linears:  # the first Linear that reads more axes than the target has needs a Flatten before it
        src = (report.inputs.get(lin) or [None])[0]
        if src in report.shapes and len(report.shapes[src]) > len(want):
            fixes.append(Fix(N_("Fix: insert Flatten before {node}", node=lin), (insert(lin, "Flatten"),)))
            fixes.append(Fix(N_("Fix: insert Flatten before {node} and set {last}.out_features to {size}", node=lin,
                                last=last, size=want[-1]), (insert(lin, "Flatten"), resize)))
            break
    return _verified(value, fixes, want)


AGREEMENT = {  # problem rule -> its fixes (the rules of builder.agree, and the check's linear-map hint)
    "no_weights": _no_weights, "input_size": _input_size, "input_dtype": _input_dtype, "class_loss": _loss(0),
    "values_loss": _loss(1), "output": _output, "linear_maps": _linear_maps,
}
