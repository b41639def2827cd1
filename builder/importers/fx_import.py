"""A PyTorch nn.Module -> a project: traced with torch.fx (fx_trace), run on two batch sizes (fx_run), each call
mapped onto catalogue layers (fx_walk and the modules it calls)."""
from __future__ import annotations

import importlib.util
import sys
from pathlib import Path

import torch

from i18n import _

from .assemble import project_dict, weights_of
from .errors import ImportProblem
from .fx_run import propagate
from .fx_trace import trace
from .fx_walk import Walk


def _walk(gm, shape, dtype: str, axis: int, cls: str) -> Walk:
    walk = Walk(gm, propagate(gm, shape, dtype, axis), shape, dtype, axis, cls)
    walk.run()
    return walk


def _preferred_axis(module: torch.nn.Module) -> int:
    """1 when every sequence layer is built sequence-first (batch_first=False, torch's default), else 0."""
    flags = [m.batch_first if hasattr(m, "batch_first") else m.self_attn.batch_first for m in module.modules()
             if isinstance(m, (torch.nn.RNNBase, torch.nn.MultiheadAttention, torch.nn.TransformerEncoderLayer))]
    return 1 if flags and not any(flags) else 0


def _mapped(module: torch.nn.Module, shape, dtype: str) -> Walk:
    """The walk with the batch where the sequence layers say it is; on a refusal, once more with the other axis
    (a CNN feeding a sequence-first LSTM through x.permute(2, 0, 1) takes its batch first)."""
    gm, cls = trace(module), type(module).__name__
    axis = _preferred_axis(module)
    try:
        return _walk(gm, shape, dtype, axis, cls)
    except ImportProblem as first:
        if not any(isinstance(m, (torch.nn.RNNBase, torch.nn.MultiheadAttention, torch.nn.TransformerEncoderLayer))
                   for m in module.modules()):
            raise
        try:
            return _walk(gm, shape, dtype, 1 - axis, cls)
        except ImportProblem:
            raise first from None


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
    """(project dict, state_dict for build_model) of a module; ImportProblem naming what cannot be mapped.

    `input_shape` is one sample's shape; a sequence-first model (its recurrent or attention layers built with
    batch_first=False) takes the batch on axis 1, and its project takes the same sample batch-first."""
    module = module.eval()
    shape = tuple(int(d) for d in input_shape)
    walk = _mapped(module, shape, dtype)
    cls = type(module).__name__
    description = _("imported from the PyTorch class {cls}").format(cls=cls)
    if walk.axis == 1:
        description += " " + _("(sequence-first: {cls} takes the batch on axis 1; this project takes it first)").format(
            cls=cls)
    data = project_dict(name or cls, walk.nodes, walk.edges, description)
    return data, weights_of(data, {k: v for k, v in walk.weights.items() if v})


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
