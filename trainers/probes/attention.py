"""Attention weights of MultiheadAttention / TransformerEncoderLayer nodes, recomputed from their captured input."""
import torch
from torch import nn

MAX_TOKENS = 32


class AttentionCapture:
    """Forward pre-hooks keep each attention node's input; weights() recomputes them with need_weights."""

    def __init__(self, nodes: dict):
        self.inputs: dict[str, torch.Tensor] = {}
        self.modules = {nid: m for nid, m in nodes.items()
                        if isinstance(m, (nn.MultiheadAttention, nn.TransformerEncoderLayer))}
        self.handles = [m.register_forward_pre_hook(self._hook(nid)) for nid, m in self.modules.items()]

    def _hook(self, nid):
        def hook(module, args):
            if args and isinstance(args[0], torch.Tensor):
                self.inputs[nid] = args[0][:1].detach()  # sample 0, (1, T, D)
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
            x = x[:, :MAX_TOKENS]
            _, w = attn(x, x, x, need_weights=True, average_attn_weights=False)  # (1, heads, T, T)
            out[nid] = {"weights": torch.round(w[0].cpu().double() * 1e4).div(1e4).tolist(),
                        "tokens": tokens[:MAX_TOKENS] if tokens is not None else None,
                        "token_names": named[:MAX_TOKENS] if named is not None else None, "sample": sample}
        return out
