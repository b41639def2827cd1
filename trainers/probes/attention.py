"""Attention weights of MultiheadAttention / TransformerEncoderLayer nodes, recomputed from their captured input
and the mask they were called with (a causal node's weights above the diagonal are 0: step t sees steps 0..t)."""
import inspect

import torch
from torch import nn

MAX_TOKENS = 32
MASKS = {nn.MultiheadAttention: "attn_mask", nn.TransformerEncoderLayer: "src_mask"}  # the forward's mask argument


def _mask(module, args, kwargs):
    """The (T, T) mask this call passed, if any (by keyword or by position)."""
    kind = next(k for k in MASKS if isinstance(module, k))
    try:
        given = inspect.signature(module.forward).bind(*args, **kwargs).arguments
    except TypeError:
        return None
    mask = given.get(MASKS[kind])
    return mask.detach() if isinstance(mask, torch.Tensor) and mask.dim() == 2 else None


class AttentionCapture:
    """Forward pre-hooks keep each attention node's input and mask; weights() recomputes them with need_weights."""

    def __init__(self, nodes: dict):
        self.inputs: dict[str, torch.Tensor] = {}
        self.masks: dict[str, torch.Tensor | None] = {}
        self.modules = {nid: m for nid, m in nodes.items() if isinstance(m, tuple(MASKS))}
        self.handles = [m.register_forward_pre_hook(self._hook(nid), with_kwargs=True)
                        for nid, m in self.modules.items()]

    def _hook(self, nid):
        def hook(module, args, kwargs):
            if args and isinstance(args[0], torch.Tensor):
                self.inputs[nid] = args[0][:1].detach()  # sample 0, (1, T, D)
                self.masks[nid] = _mask(module, args, kwargs)
        return hook

    def remove(self) -> None:
        for h in self.handles:
            h.remove()
        self.handles = []

    @torch.no_grad()
    def weights(self, tokens=None, names=None, sample: dict | None = None) -> dict:
        """Per node: heads × T × T weights of sample 0, its token ids and (where the data set names them) names."""
        out = {}
        named = [str(names[t])[:40] if names and 0 <= t < len(names) else str(t) for t in tokens] if tokens else None
        for nid, x in self.inputs.items():
            module = self.modules[nid]
            if isinstance(module, nn.TransformerEncoderLayer):
                attn = module.self_attn
                if module.norm_first:  # the layer attends over the normalised input
                    x = module.norm1(x)
            else:
                attn = module
            x, mask = x[:, :MAX_TOKENS], self.masks.get(nid)
            mask = mask[:MAX_TOKENS, :MAX_TOKENS] if mask is not None else None  # a causal mask's corner is causal
            _, w = attn(x, x, x, need_weights=True, average_attn_weights=False, attn_mask=mask)  # (1, heads, T, T)
            out[nid] = {"weights": torch.round(w[0].cpu().double() * 1e4).div(1e4).tolist(),
                        "tokens": tokens[:MAX_TOKENS] if tokens is not None else None,
                        "token_names": named[:MAX_TOKENS] if named is not None else None, "sample": sample}
        return out
