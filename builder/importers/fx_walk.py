"""Walk a traced, propagated graph in order and turn it into project nodes and edges.

Each fx node gets a value (builder/importers/fx_values.py): a canvas node's output, a module's tuple, a recurrent
state, a tensor without a batch axis, or a Python value. Calls are mapped by fx_modules (module calls), fx_calls
(functions and methods) and fx_state (tuples, states, tables); any refusal names the user's line.
"""
from __future__ import annotations

import operator
import re

from torch import fx

from i18n import _

from .errors import ImportProblem
from .fx_trace import scope, subject, where
from .fx_values import STATIC, Unmapped, Val


def node_id(base: str, taken: set) -> str:
    """'features.0' -> 'features_0', unique among `taken`; an identifier, as node ids must be."""
    base = re.sub(r"\W", "_", base).strip("_") or "node"
    base = f"layer_{base}" if base[0].isdigit() else base
    nid, k = base, 2
    while nid in taken:
        nid, k = f"{base}_{k}", k + 1
    return nid


class Walk:
    """The project being made: nodes, edges, per-node weights, and the value of every fx node so far."""

    def __init__(self, gm: fx.GraphModule, meta: dict, shape, dtype: str, axis: int, cls: str = "Model"):
        self.gm, self.meta, self.shape, self.dtype, self.axis = gm, meta, tuple(shape), dtype, axis
        self.cls = cls  # the imported class's name, for sentences about forward as a whole
        self.nodes, self.edges, self.values, self.weights = [], [], {}, {}
        self.stateful = set()  # modules with weights already called: a second call would share them
        self.shared = set()  # parameters a node took (a position table, F.linear's weight): a second use shares them

    # ------------------------------------------------------------------ building
    def add(self, base, kind: str, params: dict, inputs: list[Val], weights=None, axis: int = 0) -> Val:
        """A node named after `base`: a module path, or the fx node of a call (then its scope and operation)."""
        if isinstance(base, fx.Node):
            op = kind.lower() if base.target is operator.getitem else re.sub(r"_\d+$", "", base.name)
            base = f"{scope(base)}.{op}" if scope(base) else op
        nid = node_id(base, {n["id"] for n in self.nodes})
        self.nodes.append({"id": nid, "type": kind, "params": params})
        for port, src in enumerate(inputs):
            self.edges.append({"source": src.nid, "target": nid} | ({"target_port": port} if len(inputs) > 1 else {}))
        if weights is not None:
            self.weights[nid] = weights
        return Val(nid, axis)

    def chain(self, n: fx.Node, steps: list, src: Val, axis: int = 0) -> Val:
        """One call made of several catalogue layers in a row (x.mean([2, 3]): pool, then flatten)."""
        for kind, params in steps:
            src = self.add(n, kind, params, [src], axis=axis)
        return src

    def refuse(self, n: fx.Node, what: str, culprit: str | None = None, about: bool = False) -> ImportProblem:
        """One sentence: the user's line, then (about=True) the module or call, then what is wrong and what works."""
        if about and subject(n):
            return ImportProblem(_("{where}: {subject} {what}").format(where=where(n), subject=subject(n), what=what),
                                 culprit or scope(n) or n.name)
        return ImportProblem(_("{where}: {what}").format(where=where(n), what=what), culprit or scope(n) or n.name)

    # ------------------------------------------------------------------ reading
    def value(self, a):
        """The value of an argument: fx nodes are looked up; lists and tuples keep their shape; Python values stay."""
        if isinstance(a, fx.Node):
            return self.values[a]
        if isinstance(a, (list, tuple)):
            return type(a)(self.value(x) for x in a)
        if isinstance(a, slice):
            return slice(self.value(a.start), self.value(a.stop), self.value(a.step))
        return a

    def py(self, a):
        """A Python argument with traced sizes replaced by their value in the first run (x.size(1) -> 8)."""
        if isinstance(a, fx.Node):
            m = self.meta[a]
            return m.py[0] if m.py is not None else a
        if isinstance(a, (list, tuple)):
            return type(a)(self.py(x) for x in a)
        if isinstance(a, slice):
            return slice(self.py(a.start), self.py(a.stop), self.py(a.step))
        return a

    def vals(self, n: fx.Node) -> list[Val]:
        return [v for v in (self.values.get(a) for a in n.all_input_nodes) if isinstance(v, Val)]

    def sample(self, a: fx.Node) -> tuple:
        return self.meta[a].sample()

    # ------------------------------------------------------------------ the walk
    def run(self):
        from . import fx_calls, fx_modules, fx_state
        self._check_output()
        for n in self.gm.graph.nodes:
            try:
                if n.op == "placeholder":
                    self._placeholder(n)
                elif n.op == "get_attr":
                    self.values[n] = fx_state.attribute(self, n)
                elif n.op == "call_module":
                    self.values[n] = fx_modules.call(self, n)
                elif n.op in ("call_function", "call_method"):
                    self.values[n] = fx_calls.call(self, n)
                elif n.op == "output":
                    self._output(n)
            except Unmapped as e:
                raise self.refuse(n, str(e), n.target if n.op == "call_module" else None, about=True) from None
            except ImportProblem as e:  # a module the catalogue lacks (modules.map_module): add the user's line
                if n.op != "call_module":
                    raise
                raise self.refuse(n, str(e), e.where) from None

    def _placeholder(self, n):
        if self.values:
            if n.users:  # bound to its default by the tracer when it has none of its own
                raise self.refuse(n, _("forward takes more than one input ('{name}'): the canvas has one Input")
                                  .format(name=n.target))
            self.values[n] = STATIC
            return
        params = {"shape": list(self.shape)} | ({"dtype": "long"} if self.dtype == "long" else {})
        self.values[n] = self.add(n.target, "Input", params, [], axis=self.axis)

    def _check_output(self):
        """Before any layer is mapped: a model that returns several values is refused for that, and says so."""
        out = next(n for n in self.gm.graph.nodes if n.op == "output")
        result = out.args[0]
        if isinstance(result, (tuple, list, dict)) and len(result) != 1:
            raise ImportProblem(_("{cls}.forward returns {n} values; a canvas model has one output: return only the "
                                  "one to train on (for a VAE, the reconstruction; its mu and logvar come from two "
                                  "Linear layers you can import as a class of their own)").format(
                cls=self.cls, n=len(result)))

    def _output(self, n):
        result = n.args[0]
        result = result[0] if isinstance(result, (tuple, list)) else result
        v = self.values.get(result) if isinstance(result, fx.Node) else None
        if not isinstance(v, Val):
            raise ImportProblem(_("{cls}.forward must return a tensor computed from its input").format(cls=self.cls))
        if v.axis != 0:
            raise ImportProblem(_("{cls}.forward returns a tensor whose batch is on axis {axis} (sequence-first); a "
                                  "canvas model's output is batch-first: return out.transpose(0, {axis})").format(
                cls=self.cls, axis=v.axis))

