"""The one place an edit happens: operations applied to a checked project give the next checked project.

    apply(value, *ops, changes="all", sign=None) -> Checked | Problem

Each operation (builder.ops) is first held against the class's lock (builder.locks: what `changes` lets a
student change), then applied to the document; the result is parsed once and checked once (the analyses come
from builder.cache when the graph was seen before). Nothing is written in place: the value before stays valid
(the page keeps it in its history).
"""
from __future__ import annotations

from i18n import N_

from . import locks
from .checked_project import Checked, checked, from_doc
from .frozen import freeze
from .node_ops import Move
from .ops import (GRAPH, LAYOUT, META_SKIP, PROJECT, TRAINING, EditError, Op, Replace, ReplaceTraining, SetGraph,
                  SetMeta, graph_of, node_of)
from .project import Project, ProjectError
from .report import Problem

FIXED = {  # part -> why a class lock refuses an operation on it
    GRAPH: N_("your teacher fixed this lesson's network: it cannot be changed"),
    TRAINING: N_("your teacher fixed this lesson's training settings: they cannot be changed"),
    PROJECT: N_("your teacher fixed this lesson: its name, texts and variants cannot be changed"),
    LAYOUT: N_("your teacher fixed where the layers stand"),
}


def refusal(op: Op, changes: str) -> Problem | None:
    """Why the class's `changes` setting refuses `op` (naming its node and the part), or None: allowed."""
    for part in sorted(op.parts):
        if not locks.may_change(changes, part):
            return Problem(node_of(op), FIXED[part], part)
    return None


def apply(value: Checked, *ops: Op, changes: str = "all", bases=(), sign=None,
          where: str = "project") -> Checked | Problem:
    """The next checked project, or the first problem (naming node and field) of an operation that cannot apply.

    changes: the class setting in force ("all" outside a class). bases: what the class hands out (its lesson, and
    the lesson with each variant applied): an edit of a part `changes` fixes is allowed only when it leaves the
    project as one of them in every fixed part (opening a variant), builder.locks.nearest. sign: training section
    -> Signature | None (trainers.agreement.signature), asked only when the training section changed (None:
    nothing agreed then). where: how a problem of the document names where it came from ("canvas edit")."""
    doc, locked = value.doc, None
    for op in ops:
        locked = locked or refusal(op, changes)
        try:
            doc = op.on(doc)
        except EditError as exc:
            return exc.problem
    if locked is not None and locks.nearest(changes, list(bases), doc)[1]:
        return locked
    if doc is value.doc:
        return value
    if doc.get("training") is value.doc.get("training"):  # the same section: the same data set and settings
        sign = lambda _training: value.signature  # noqa: E731
    if len(ops) == 1 and isinstance(ops[0], Replace) and isinstance(ops[0].project, Project):  # parsed at its door
        return checked(ops[0].project, sign(ops[0].project.training) if sign else None, freeze(doc))
    try:
        return from_doc(doc, sign, where, before=value)
    except ProjectError as exc:
        return Problem(None, exc.args[0] if exc.args else str(exc))


def between(before: dict, after: dict) -> list[Op]:
    """The operations that turn document `before` into `after`, one per part that differs (layout alone when
    only positions moved), so a lock can refuse one part and let the others through."""
    a, b = locks.parts(before), locks.parts(after)
    out: list[Op] = []
    if a["graph"] != b["graph"]:
        out.append(SetGraph(graph_of(after)))
    elif a["layout"] != b["layout"]:
        out.append(Move(tuple((n.get("id"), n.get("pos")) for n in graph_of(after).get("nodes", [])
                              if isinstance(n, dict))))
    if a["training"] != b["training"]:
        out.append(ReplaceTraining(b["training"]))
    if a["project"] != b["project"]:
        out.append(SetMeta(tuple((k, v) for k, v in after.items() if k not in META_SKIP), whole=True))
    return out


def take(value: Checked, doc: dict, changes: str = "all", bases=(), sign=None) -> tuple[Checked | Problem, list]:
    """`value` changed into `doc` (a project from outside: an upload, a link, a lesson, a test's dict) as one edit,
    one operation per part, as far as the class allows (see apply): (the result, the problems of the parts kept
    back: what the class fixes stays as it was)."""
    ops = between(value.doc, doc)
    kept, refused = allowed(ops, changes)
    if refused and not locks.nearest(changes, list(bases), doc)[1]:  # one of the class's own: allowed whole
        kept, refused = ops, []
    return apply(value, *kept, changes=changes, bases=bases, sign=sign), refused


def allowed(ops, changes: str) -> tuple[list[Op], list[Problem]]:
    """(the operations `changes` allows, the problems of those it refuses): a class hold keeps what it may."""
    kept, refused = [], []
    for op in ops:
        problem = refusal(op, changes)
        (kept if problem is None else refused).append(op if problem is None else problem)
    return kept, refused
