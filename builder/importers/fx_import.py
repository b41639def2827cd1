"""A PyTorch nn.Module -> a project: traced with torch.fx, each call mapped onto a catalogue type."""
from __future__ import annotations

import importlib.util
import re
import sys
from pathlib import Path

import torch
from torch import fx
from torch.fx.passes.shape_prop import ShapeProp, TensorMetadata

from i18n import _

from .assemble import project_dict, weights_of
from .errors import ImportProblem
from .functions import ALIAS, map_call
from .modules import catalogue_type, map_module

_TUPLE = "tuple"  # marks a module whose output is a tuple (RNN, attention): only element 0 may be used


class _Tracer(fx.Tracer):
    """Catalogue layers (ours too, matched by class name) stay whole instead of being traced through."""

    def is_leaf_module(self, m, qualname):
        return catalogue_type(m) is not None or super().is_leaf_module(m, qualname)


def _fname(target) -> str:
    if isinstance(target, str):
        return f"Tensor.{target}"
    return f"{getattr(target, '__module__', None) or ''}.{getattr(target, '__name__', repr(target))}".lstrip(".")


def _is_tensor(n) -> bool:
    return isinstance(n, fx.Node) and isinstance(n.meta.get("tensor_meta"), TensorMetadata)


def _trace(module: torch.nn.Module, x: torch.Tensor) -> fx.GraphModule:
    try:
        gm = fx.GraphModule(module, _Tracer().trace(module))
        gm.graph.eliminate_dead_code()
        gm.recompile()
        with torch.no_grad():
            ShapeProp(gm).propagate(x)
    except Exception as e:  # torch.fx cannot follow data-dependent control flow, and the code may fail
        why = str(e).splitlines()[0][:300] if str(e) else type(e).__name__
        raise ImportProblem(_("{cls} cannot be traced with torch.fx: {why}").format(
            cls=type(module).__name__, why=why)) from None
    return gm


def _node_id(n: fx.Node, taken: set) -> str:
    """The module path for a layer ('features.0' -> 'features_0'), the argument name for the Input."""
    base = str(n.target) if n.op in ("call_module", "placeholder") else n.name
    base = re.sub(r"\W", "_", base).strip("_") or "node"
    base = f"layer_{base}" if base[0].isdigit() else base
    nid, k = base, 2
    while nid in taken:
        nid, k = f"{base}_{k}", k + 1
    return nid


class _Walk:
    """Turns the traced graph into project nodes and edges; `values` maps fx nodes to node ids."""

    def __init__(self, gm: fx.GraphModule, shape, dtype):
        self.gm, self.shape, self.dtype = gm, shape, dtype
        self.nodes, self.edges, self.values, self.weights, self.called = [], [], {}, {}, set()

    def add(self, fx_node, kind, params, inputs):
        nid = _node_id(fx_node, {n["id"] for n in self.nodes})
        self.nodes.append({"id": nid, "type": kind, "params": params})
        for port, src in enumerate(inputs):
            edge = {"source": self.values[src], "target": nid}
            if len(inputs) > 1:
                edge["target_port"] = port
            self.edges.append(edge)
        return nid

    def module(self, n):
        if n.target in self.called:
            raise ImportProblem(_("module '{path}' is called more than once (shared weights): a canvas node is "
                                  "one call").format(path=n.target), n.target)
        self.called.add(n.target)
        sub = self.gm.get_submodule(n.target)
        kind, params = map_module(n.target, sub)
        ins = [a for a in n.args if isinstance(a, fx.Node)]
        if kind == "MultiheadAttention" and (len(set(ins)) != 1 or n.kwargs.get("key") is not None):
            raise ImportProblem(_("module '{path}' is not called as self-attention attn(x, x, x)").format(
                path=n.target), n.target)
        nid = self.add(n, kind, params, ins[:1] if kind == "MultiheadAttention" else ins)
        self.weights[nid] = sub.state_dict()
        tuple_out = not _is_tensor(n)
        self.values[n] = (_TUPLE, nid) if tuple_out else nid

    def call(self, n):
        src = n.args[0] if n.args and isinstance(n.args[0], fx.Node) else None
        if isinstance(self.values.get(src), tuple):  # element of an RNN's / attention's (output, state)
            if n.target.__name__ != "getitem" or n.args[1] != 0:
                raise ImportProblem(_("'{node}' uses the state that module '{path}' returns; the canvas keeps "
                                      "only its output (element 0)").format(node=n.name, path=src.target), n.name)
            self.values[n] = self.values[src][1]
            return
        ins = [a for a in n.all_input_nodes if _is_tensor(a)]
        if not _is_tensor(n):  # sizes and shapes feeding a view(): no node of their own
            self.values[n] = None
            return
        try:
            found = map_call(n, ins) if ins else None
        except (ValueError, TypeError):
            found = None
        if found is None:
            raise ImportProblem(_("function {fn} at '{node}' has no layer in the catalogue").format(
                fn=_fname(n.target), node=n.name), n.name)
        if found == ALIAS:
            self.values[n] = self.values[ins[0]]
        else:
            self.values[n] = self.add(n, *found, ins)

    def run(self):
        for n in self.gm.graph.nodes:
            if n.op == "placeholder":
                if self.values:
                    raise ImportProblem(_("forward takes more than one input ('{name}'): the canvas has one Input")
                                        .format(name=n.name), n.name)
                params = {"shape": list(self.shape)} | ({"dtype": "long"} if self.dtype == "long" else {})
                self.values[n] = self.add(n, "Input", params, [])
            elif n.op == "call_module":
                self.module(n)
            elif n.op in ("call_function", "call_method"):
                self.call(n)
            elif n.op == "get_attr":
                raise ImportProblem(_("forward reads the tensor '{name}' directly; only layers can become nodes")
                                    .format(name=n.target), n.target)
            elif n.op == "output" and not isinstance(self.values.get(n.args[0]), str):
                raise ImportProblem(_("forward must return one tensor"))


def parse_shape(text: str | None) -> list[int]:
    """'3,32,32' -> [3, 32, 32]: the input shape of one sample, as typed on the command line or the page."""
    try:
        dims = [int(d) for d in (text or "").replace(" ", "").split(",") if d]
    except ValueError:
        dims = []
    if not dims or any(d < 1 for d in dims):
        raise ImportProblem(_("input shape: positive whole numbers separated by commas, e.g. 3,32,32; got "
                              "{value!r}").format(value=text))
    return dims


def import_module(module: torch.nn.Module, input_shape, dtype: str = "float", name: str | None = None):
    """(project dict, state_dict for build_model) of a module; ImportProblem naming what cannot be mapped."""
    module = module.eval()
    shape = tuple(int(d) for d in input_shape)
    x = torch.zeros(2, *shape, dtype=torch.long) if dtype == "long" else torch.randn(2, *shape)
    walk = _Walk(_trace(module, x), shape, dtype)
    walk.run()
    data = project_dict(name or type(module).__name__, walk.nodes, walk.edges,
                        _("imported from the PyTorch class {cls}").format(cls=type(module).__name__))
    return data, weights_of(data, walk.weights)


def load_class(path, class_name: str):
    """Run a .py file and return its class `class_name` (this executes the file: trusted code only)."""
    path = Path(path)
    spec = importlib.util.spec_from_file_location(f"_neurocanvas_import_{abs(hash(path))}", path)
    try:
        mod = importlib.util.module_from_spec(spec)
        sys.modules[spec.name] = mod  # dataclasses and pickling look modules up by name
        spec.loader.exec_module(mod)
    except FileNotFoundError:
        raise ImportProblem(_("{file}: no such file").format(file=path)) from None
    except Exception as e:  # the file's own error, reported on one line
        raise ImportProblem(_("{file}: running it failed: {why}").format(
            file=path, why=f"{type(e).__name__}: {str(e).splitlines()[0][:200] if str(e) else ''}")) from None
    finally:
        sys.modules.pop(spec.name, None)  # needed only while the file runs
    cls = getattr(mod, class_name, None)
    if not isinstance(cls, type) or not issubclass(cls, torch.nn.Module):
        raise ImportProblem(_("{file}: no nn.Module class named {name}").format(file=path, name=class_name))
    return cls
