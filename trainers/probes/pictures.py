"""Pictures of one sample inside the network: CNN feature maps and RNN hidden-state traces."""
import torch
from torch import nn

MAX_CHANNELS, MAX_UNITS, MAX_STEPS = 8, 16, 64


def _rounded(t: torch.Tensor):
    return torch.round(t.detach().cpu().double() * 1e4).div(1e4).tolist()  # 4 decimals keep the snapshot small


def feature_maps(outputs: dict) -> dict:
    """Nodes whose output is (B, C, H, W): the first channels of sample 0."""
    maps = {}
    for nid, out in outputs.items():
        if out.dim() == 4 and out.is_floating_point():
            sample = out[0, :MAX_CHANNELS]
            maps[nid] = {"shape": list(out.shape[1:]), "channels": _rounded(sample),
                         "min": float(sample.min()), "max": float(sample.max())}
    return maps


def hidden_states(outputs: dict, nodes: dict) -> dict:
    """RNN/LSTM/GRU nodes: hidden units over time for sample 0, (T, units)."""
    traces = {}
    for nid, module in nodes.items():
        out = outputs.get(nid)
        if isinstance(module, nn.RNNBase) and out is not None and out.dim() == 3:
            units = list(range(min(MAX_UNITS, out.shape[-1])))
            traces[nid] = {"values": _rounded(out[0, :MAX_STEPS, : len(units)]), "units": units}
    return traces


def input_sample(x: torch.Tensor) -> dict | None:
    """Sample 0 as it enters the network, to draw beside what the layers make of it.

    (B, C, H, W) floats: {"kind": "image", "values": H×W (channel mean)}; (B, T, F) floats: {"kind": "sequence",
    "values": T×F (F ≤ 4)}; (B, T) token ids: {"kind": "tokens", "values": [T]}; anything else: None.
    """
    if x.dim() == 4 and x.is_floating_point():
        return {"kind": "image", "values": _rounded(x[0].mean(0))}
    if x.dim() == 3 and x.is_floating_point():
        return {"kind": "sequence", "values": _rounded(x[0, :MAX_STEPS, :4])}
    if x.dim() == 2 and not x.is_floating_point():
        return {"kind": "tokens", "values": x[0, :MAX_STEPS].cpu().tolist()}
    return None
