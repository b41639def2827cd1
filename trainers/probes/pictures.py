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
