"""How a layer is called and written as Python source: read by compile, the script and the ONNX exporters."""
from __future__ import annotations

import inspect
import math
import re
from dataclasses import dataclass, field


@dataclass(frozen=True)
class Call:
    """The arguments a node's module takes and which part of its result is the node's output."""

    repeat: int = 1  # the inputs passed this many times (self-attention: query = key = value)
    kwargs: dict = field(default_factory=dict)  # extra keyword arguments, e.g. need_weights=False
    first: bool = False  # the module returns a tuple (output, state or weights); the node's output is [0]

    def run(self, module, *xs):
        out = module(*(xs * self.repeat), **self.kwargs)
        return out[0] if self.first else out

    def source(self, attr: str, args: list[str]) -> str:
        """`self.lstm(x)[0]`: the call as exported code writes it."""
        parts = args * self.repeat + [f"{k}={literal(v)}" for k, v in self.kwargs.items()]
        return f"self.{attr}({', '.join(parts)})" + ("[0]" if self.first else "")


PLAIN = Call()
FIRST = Call(first=True)  # RNN/LSTM/GRU -> (sequence, final state): keep the full sequence (B, T, H*dirs)
SELF_ATTENTION = Call(repeat=3, kwargs={"need_weights": False}, first=True)  # (out, weights): keep out


def literal(value) -> str:
    """Python source for a constructor argument: lists become tuples, strings use double quotes."""
    if isinstance(value, (list, tuple)):
        inner = ", ".join(literal(v) for v in value)
        return f"({inner},)" if len(value) == 1 else f"({inner})"
    if isinstance(value, str):
        return '"' + value + '"' if re.fullmatch(r"[\w .,:+-]*", value) else repr(value)
    if isinstance(value, float) and not math.isfinite(value):
        return f'float("{value}")'
    return repr(value)


def _defaults(cls, hidden: dict | None) -> dict:
    if hidden is not None:
        return hidden
    params = inspect.signature(cls.__init__).parameters.values()
    return {p.name: p.default for p in params if p.default is not inspect.Parameter.empty}


def constructor_source(cls, kwargs: dict, hidden_defaults: dict | None = None, prefix: str = "nn.") -> str:
    """`nn.Linear(in_features=64, out_features=128)`: every argument that differs from the class default."""
    defaults = _defaults(cls, hidden_defaults)
    shown = {k: v for k, v in kwargs.items()
             if k not in defaults or type(defaults[k]) is not type(v) or defaults[k] != v}
    args = ", ".join(f"{k}={literal(v)}" for k, v in shown.items())
    return f"{prefix}{cls.__name__}({args})"
