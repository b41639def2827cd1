"""How a layer is called and written as Python source: read by compile, the script and the ONNX exporters."""
from __future__ import annotations

import dataclasses
import inspect
import math
import re
from dataclasses import dataclass, field

import torch

MASK = "causal_mask"  # the variable that holds the causal mask in compiled and exported code
# torch requires the mask with is_causal=True (the flag is only a hint that the mask is causal); this is how
# exported code writes it, and causal_mask() computes the same values.
MASK_SOURCE = f"{MASK} = nn.Transformer.generate_square_subsequent_mask({{x}}.size(1), device={{x}}.device)"


def causal_mask(x: torch.Tensor) -> torch.Tensor:
    """(T, T) for x (B, T, E): 0 where step t may look (steps ≤ t), -inf above the diagonal (later steps)."""
    t = x.size(1)
    return torch.triu(torch.full((t, t), float("-inf"), device=x.device), diagonal=1)


@dataclass(frozen=True)
class Call:
    """The arguments a node's module takes and which part of its result is the node's output."""

    repeat: int = 1  # the inputs passed this many times (self-attention: query = key = value)
    kwargs: dict = field(default_factory=dict)  # extra keyword arguments, e.g. need_weights=False
    first: bool = False  # the module returns a tuple (output, state or weights); the node's output is [0]
    mask: str | None = None  # the forward argument that takes the causal mask (attn_mask, src_mask), if any
    causal: bool = False  # this node's is_causal: the mask goes in `mask`, with is_causal=True

    def of(self, params: dict) -> Call:
        """The call of a node with these params: causal when the layer takes a mask and is_causal is set."""
        return dataclasses.replace(self, causal=True) if self.mask and params.get("is_causal") else self

    def extra(self, mask) -> dict:
        """The keyword arguments beyond the inputs; `mask` is the causal mask (a tensor, fx node or source name)."""
        return {**self.kwargs, **({self.mask: mask, "is_causal": True} if self.causal else {})}

    def run(self, module, *xs):
        out = module(*(xs * self.repeat), **self.extra(causal_mask(xs[0]) if self.causal else None))
        return out[0] if self.first else out

    def source(self, attr: str, args: list[str]) -> str:
        """`self.lstm(x)[0]`: the call as exported code writes it (a causal mask is in the variable MASK)."""
        extra = {k: literal(v) for k, v in self.kwargs.items()} | (
            {self.mask: MASK, "is_causal": "True"} if self.causal else {})
        parts = args * self.repeat + [f"{k}={v}" for k, v in extra.items()]
        return f"self.{attr}({', '.join(parts)})" + ("[0]" if self.first else "")


PLAIN = Call()
FIRST = Call(first=True)  # RNN/LSTM/GRU -> (sequence, final state): keep the full sequence (B, T, H*dirs)
SELF_ATTENTION = Call(repeat=3, kwargs={"need_weights": False}, first=True,  # (out, weights): keep out
                      mask="attn_mask")
ENCODER = Call(mask="src_mask")  # TransformerEncoderLayer(src, src_mask=None, src_key_padding_mask=None, is_causal=False)


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
