"""Node types torch has no module for: Add, Concat, Reshape, Permute, Scale, SequencePool, PositionalEncoding.

This file is also copied verbatim into exported scripts, so it imports nothing but torch and math.
"""
import math

import torch
from torch import nn


class Add(nn.Module):
    """Element-wise sum of all inputs (a residual / skip connection)."""

    def forward(self, *xs):
        out = xs[0]
        for x in xs[1:]:
            out = out + x
        return out


class Concat(nn.Module):
    """Concatenate inputs along `dim` (counted without the batch axis when ≥ 0)."""

    def __init__(self, dim: int = -1):
        super().__init__()
        self.dim = dim

    def forward(self, *xs):
        dim = self.dim + 1 if self.dim >= 0 else self.dim  # skip the batch axis
        return torch.cat(xs, dim=dim)

    def extra_repr(self):
        return f"dim={self.dim}"


class Reshape(nn.Module):
    """View each sample as `shape` (one entry may be -1)."""

    def __init__(self, shape):
        super().__init__()
        self.shape = tuple(shape)

    def forward(self, x):
        return x.reshape(x.shape[0], *self.shape)

    def extra_repr(self):
        return f"shape={list(self.shape)}"


class SequencePool(nn.Module):
    """Reduce (B, T, F) to (B, F) by taking the last step, the first (a [CLS] token), the mean or the max over T."""

    def __init__(self, mode: str = "last"):
        super().__init__()
        self.mode = mode

    def forward(self, x):  # (B, T, F)
        if self.mode == "last":
            return x[:, -1]
        if self.mode == "first":
            return x[:, 0]
        if self.mode == "mean":
            return x.mean(dim=1)
        return x.amax(dim=1)

    def extra_repr(self):
        return f"mode={self.mode!r}"


class PositionalEncoding(nn.Module):
    """Add position information to (B, T, D): fixed sinusoids (Vaswani et al.) or a learned table."""

    def __init__(self, d_model: int, kind: str = "sinusoidal", max_len: int = 512):
        super().__init__()
        self.kind = kind
        if kind == "learned":
            self.pe = nn.Parameter(torch.zeros(max_len, d_model))
            nn.init.normal_(self.pe, std=0.02)
        else:
            pe = torch.zeros(max_len, d_model)
            if not pe.is_meta:  # on the meta device (parameter counting) only the shape matters
                pos = torch.arange(max_len).unsqueeze(1)  # (L, 1)
                freq = torch.exp(torch.arange(0, d_model, 2) * (-math.log(10000.0) / d_model))
                pe[:, 0::2] = torch.sin(pos * freq)
                pe[:, 1::2] = torch.cos(pos * freq)[:, : d_model // 2]
            self.register_buffer("pe", pe, persistent=False)

    def forward(self, x):  # (B, T, D)
        return x + self.pe[: x.shape[1]]

    def extra_repr(self):
        return f"kind={self.kind!r}, max_len={self.pe.shape[0]}"


class Permute(nn.Module):
    """Reorder each sample's axes; `dims` counts the sample's axes, the batch axis stays first."""

    def __init__(self, dims):
        super().__init__()
        self.dims = tuple(dims)

    def forward(self, x):
        return x.permute(0, *(d + 1 for d in self.dims))

    def extra_repr(self):
        return f"dims={list(self.dims)}"


class Scale(nn.Module):
    """Multiply by a constant factor (embeddings by math.sqrt(d_model))."""

    def __init__(self, factor: float):
        super().__init__()
        self.factor = factor

    def forward(self, x):
        return x * self.factor

    def extra_repr(self):
        return f"factor={self.factor}"
