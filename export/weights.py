"""Trained weights as a plain state_dict file: written with torch.save, read only with weights_only=True.

Reading checks the file against the graph and names the node and parameter that does not fit.
"""
from __future__ import annotations

import io
import pickle
import re
from pathlib import Path

import torch

MAX_WEIGHTS_BYTES = 1 << 30  # the builder caps models at 200M parameters; a float32 file of that is 800 MB


class WeightsError(ValueError):
    """Weights that cannot be used; the message names the file and, where it can, the node and parameter."""

    def __init__(self, message: str, node: str | None = None):
        super().__init__(message)
        self.node = node


def state_dict_of(model) -> dict:
    """A CPU copy of a model's (or state_dict's) tensors, detached from any running training."""
    state = model.state_dict() if isinstance(model, torch.nn.Module) else model
    return {k: v.detach().to("cpu", copy=True) for k, v in state.items()}


def weights_bytes(model) -> bytes:
    """The .pt bytes of a model's state_dict (plain tensors only, loadable with weights_only=True)."""
    buf = io.BytesIO()
    torch.save(state_dict_of(model), buf)
    return buf.getvalue()


def save_weights(model, path) -> None:
    Path(path).write_bytes(weights_bytes(model))


def read_state_dict(source, where: str = "weights") -> dict:
    """A state_dict from .pt bytes or a path; anything that is not plain tensors keyed by name is refused."""
    if isinstance(source, (str, Path)):
        where = str(source)
        try:
            if Path(source).stat().st_size > MAX_WEIGHTS_BYTES:
                raise WeightsError(f"{where}: larger than the {MAX_WEIGHTS_BYTES >> 20} MiB limit for weights")
            source = Path(source).read_bytes()
        except OSError as e:
            raise WeightsError(f"{where}: cannot read ({e.strerror})") from None
    if len(source) > MAX_WEIGHTS_BYTES:
        raise WeightsError(f"{where}: larger than the {MAX_WEIGHTS_BYTES >> 20} MiB limit for weights")
    try:
        state = torch.load(io.BytesIO(source), map_location="cpu", weights_only=True)
    except pickle.UnpicklingError as e:
        found = re.search(r"Unsupported global: GLOBAL (\S+)", str(e))
        if found:  # weights_only refused to import a callable: a code-running pickle payload
            raise WeightsError(f"{where}: refused: the file holds Python objects ({found.group(1)[:80]}), not just "
                               f"tensors, and is not loaded (weights_only=True)") from None
        raise WeightsError(f"{where}: not a readable PyTorch weights file (a plain state_dict saved with "
                           f"torch.save is expected)") from None
    except Exception as e:  # truncated or not a torch file at all
        raise WeightsError(f"{where}: not a readable PyTorch weights file ({type(e).__name__}: "
                           f"{str(e).splitlines()[0][:200] if str(e) else 'no detail'})") from None
    if not isinstance(state, dict):
        raise WeightsError(f"{where}: expected a state_dict (parameter name -> tensor), got {type(state).__name__}")
    for key, value in state.items():
        if not isinstance(key, str) or not isinstance(value, torch.Tensor):
            raise WeightsError(f"{where}: entry {str(key)[:80]!r} is {type(value).__name__}, not a tensor: "
                               f"expected a plain state_dict")
    return state


def _owner(key: str, node_of: dict) -> str | None:
    return node_of.get(key.split(".", 1)[0])


def check_weights(state: dict, model, where: str = "weights") -> None:
    """Raise WeightsError unless `state` has exactly the model's names, shapes and kinds of values."""
    want = model.state_dict()
    node_of = {attr: nid for nid, attr in getattr(model, "node_modules", {}).items()}

    def name(key):
        nid = _owner(key, node_of)
        return f"node '{nid}' ({key})" if nid else f"'{key}'"

    for key in want:
        if key not in state:
            raise WeightsError(f"{where}: {name(key)} is missing: these weights belong to another graph",
                               _owner(key, node_of))
    for key, value in state.items():
        if key not in want:
            raise WeightsError(f"{where}: '{key[:80]}' matches no parameter of this graph "
                               f"(its parameters: {', '.join(list(want)[:8])}{'…' if len(want) > 8 else ''})",
                               _owner(key, node_of))
        ref = want[key]
        if tuple(value.shape) != tuple(ref.shape):
            raise WeightsError(f"{where}: {name(key)} has shape {list(value.shape)}, the graph needs "
                               f"{list(ref.shape)}", _owner(key, node_of))
        if value.dtype.is_floating_point != ref.dtype.is_floating_point or value.is_complex():
            raise WeightsError(f"{where}: {name(key)} holds {value.dtype}, the graph needs {ref.dtype}",
                               _owner(key, node_of))


def load_weights(model, source, where: str = "weights"):
    """Read, check and load weights into `model` (in place); returns the model."""
    state = read_state_dict(source, where)
    check_weights(state, model, where if isinstance(source, bytes) else str(source))
    model.load_state_dict(state)
    return model
