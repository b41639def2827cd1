"""Trace a module with torch.fx, keeping catalogue layers whole; a failure is one sentence naming the user's line."""
from __future__ import annotations

import inspect
import operator
import re
import traceback
from pathlib import Path

import torch
from torch import fx, nn

from i18n import _

from .errors import ImportProblem
from .modules import catalogue_type

TORCH_DIR = str(Path(torch.__file__).resolve().parent)
_FRAME = re.compile(r'File "(?P<file>[^"]+)", line (?P<line>\d+), in (?P<fn>\S+)\n(?P<code>[^\n]*)')
_ASSERTS = (torch._assert, fx._symbolic_trace._assert_is_none)


class Tracer(fx.Tracer):
    """Catalogue layers (and nn.TransformerEncoder, a stack of them) stay whole; buffers are traced as values."""

    record_stack_traces = True  # node.stack_trace: the user's line for every refusal
    proxy_buffer_attributes = True  # self.mask[:t, :t] and self.pe[:x.size(1)] are traced, not run on a proxy

    def is_leaf_module(self, m, qualname):
        return catalogue_type(m) is not None or isinstance(m, nn.TransformerEncoder) \
            or super().is_leaf_module(m, qualname)


def _user_frame(frames) -> tuple[str, int, str] | None:
    """(file name, line, code) of the innermost frame outside torch: the line of the user's model."""
    found = None
    for file, line, code in frames:
        if not str(Path(file).resolve()).startswith(TORCH_DIR) and not file.startswith("<"):
            found = (Path(file).name, int(line), (code or "").strip())
    return found


def user_line(n: fx.Node) -> tuple[str, int, str] | None:
    stack = n.stack_trace or ""
    return _user_frame((m["file"], m["line"], m["code"]) for m in _FRAME.finditer(stack))


def scope(n: fx.Node) -> str | None:
    """The module path whose forward makes the call ('layer1.0'), None at the top level."""
    stack = n.meta.get("nn_module_stack") or {}
    paths = [path for path, _cls in stack.values()]
    if n.op == "call_module" and paths and paths[-1] == n.target:
        paths = paths[:-1]
    return paths[-1] if paths else None


def line_text(found) -> str:
    if found is None:
        return ""
    file, line, code = found
    code = code if len(code) <= 90 else code[:89] + "…"
    return _("line {line} of {file} (`{code}`)").format(line=line, file=file, code=code)


def where(n: fx.Node) -> str:
    """Where a refusal points: the user's line, and the module whose forward holds it."""
    line, path = line_text(user_line(n)), scope(n)
    if path and line:
        return _("{line}, in '{path}'").format(line=line, path=path)
    return line or (_("in '{path}'").format(path=path) if path else _("in forward"))


_OPERATORS = {operator.add: "+", operator.iadd: "+=", operator.mul: "*", operator.imul: "*=",
              operator.truediv: "/", operator.sub: "-", operator.matmul: "@"}


def call_name(target) -> str:
    """torch.nn.functional.max_pool2d, Tensor.view, +: a call as the user wrote it."""
    if isinstance(target, str):
        return f"Tensor.{target}"
    if target in _OPERATORS:
        return _OPERATORS[target]
    mod = getattr(target, "__module__", None) or ""
    mod = {"torch._C._nn": "torch.nn.functional", "torch._C._VariableFunctions": "torch"}.get(mod, mod)
    return f"{mod}.{getattr(target, '__name__', repr(target))}".lstrip(".")


def subject(n: fx.Node) -> str | None:
    """What a refusal is about: the module, the call, or indexing."""
    if n.op == "call_module":
        return _("module '{path}'").format(path=n.target)
    if n.op in ("call_function", "call_method"):
        return _("indexing") if n.target is operator.getitem else call_name(n.target)
    return None


def _bind_defaults(module: nn.Module) -> dict:
    """forward's arguments after the first, bound to their defaults (masks=None); one without a default is
    a second input, which the canvas does not have."""
    params = list(inspect.signature(module.forward).parameters.values())
    extra = {}
    for p in params[1:]:
        if p.kind in (p.VAR_POSITIONAL, p.VAR_KEYWORD):
            continue
        if p.default is inspect.Parameter.empty:
            raise ImportProblem(_("{cls}.forward takes more than one input ('{name}'): the canvas has one Input; "
                                  "give '{name}' a default (e.g. {name}=None) or import a class whose forward "
                                  "takes one tensor").format(cls=type(module).__name__, name=p.name), p.name)
        extra[p.name] = p.default
    if not params:
        raise ImportProblem(_("{cls}.forward takes no input").format(cls=type(module).__name__))
    return extra


def _drop_asserts(graph: fx.Graph) -> None:
    """torch.fx guards each argument bound to its default with asserts; they test nothing of the model."""
    for n in reversed(list(graph.nodes)):
        if n.op == "call_function" and n.target in _ASSERTS:
            graph.erase_node(n)
    graph.eliminate_dead_code()


def _trace_failure(module: nn.Module, e: Exception) -> ImportProblem:
    text = str(e).strip().splitlines()[0] if str(e).strip() else type(e).__name__
    found = _user_frame((f.filename, f.lineno, f.line) for f in traceback.extract_tb(e.__traceback__))
    at = line_text(found) or _("{cls}.forward").format(cls=type(module).__name__)
    if "control flow" in text or "iterate" in text or "bool" in text.lower() and "Proxy" in text:
        return ImportProblem(_("{where}: control flow on tensor values cannot be traced (an if, for or while that "
                               "reads a tensor): decide with Python values instead (sizes fixed in __init__, "
                               "self.training)").format(where=at))
    if "ndarray" in text or "numpy" in text:
        return ImportProblem(_("{where}: the computation leaves torch (numpy); the canvas needs torch operations "
                               "all the way: write torch.flatten(x, 1) instead of x.numpy()").format(where=at))
    sized = re.match(r"(ones|zeros|empty|full|rand|randn)\(\) takes 1 positional argument", text)
    if sized:  # torch.ones(t, t) with t = x.size(1): torch's parser takes traced sizes only as one tuple
        return ImportProblem(_("{where}: torch.{fn}(t, t) with a size read from the input cannot be traced: give the "
                               "size as one tuple, torch.{fn}((t, t))").format(where=at, fn=sized.group(1)))
    if "invalid combination of arguments" in text and "Proxy" in text:
        return ImportProblem(_("{where}: {call} is given a size read from the input, so it makes a tensor that is not "
                               "computed from the input (random noise, ones): a canvas layer computes only from its "
                               "input").format(where=at, call=text.split("(")[0] + "()"))
    text = re.sub(r"\bProxy\((\w+)\)|\bProxy\b|%\w+", "a traced value", text)[:200]
    return ImportProblem(_("{where}: torch.fx cannot trace this line: {why}").format(where=at, why=text))


def trace(module: nn.Module) -> fx.GraphModule:
    defaults = _bind_defaults(module)
    try:
        graph = Tracer().trace(module, concrete_args=defaults or None)
    except ImportProblem:
        raise
    except Exception as e:  # TraceError, and the model's own errors while it is traced
        raise _trace_failure(module, e) from None
    gm = fx.GraphModule(module, graph)
    _drop_asserts(gm.graph)
    gm.recompile()
    return gm
