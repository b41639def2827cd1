"""ONNX groups for sequence layers: RNN/LSTM/GRU, self-attention, TransformerEncoderLayer, positional encoding."""
from __future__ import annotations

import numpy as np

from .onnx_layers import accept, attr, first, layernorm, linear, only
from .onnx_read import Group

# ONNX gate order -> torch's: LSTM iofc -> ifgo, GRU zrh -> rzn
_GATES = {"LSTM": (4, [0, 2, 3, 1]), "GRU": (3, [1, 0, 2]), "RNN": (1, [0])}


def _reorder(w: np.ndarray, kind: str) -> np.ndarray:
    n, order = _GATES[kind]
    return np.concatenate([np.split(w, n, axis=0)[i] for i in order], axis=0)


def recurrent(g, m):
    layers = [n for n in g.nodes if n.op_type in _GATES]
    kind = layers[0].op_type
    for node in layers:
        for name in ("clip", "activation_alpha", "activation_beta"):
            only(node, name, None)
        only(node, "input_forget", 0, 0)
        only(node, "layout", 0, 0)
        if kind != "RNN":
            only(node, "activations", None)
    accept(g)
    hidden = int(attr(layers[0], "hidden_size"))
    dirs = 2 if attr(layers[0], "direction", "forward") == "bidirectional" else 1
    params, weights = {"hidden_size": hidden, "num_layers": len(layers), "bidirectional": dirs == 2}, {}
    if kind == "RNN":
        params["nonlinearity"] = str(attr(layers[0], "activations", ["Tanh"])[0]).lower()
    if kind == "GRU" and not attr(layers[0], "linear_before_reset", 0):
        raise ValueError("linear_before_reset=0")
    for k, node in enumerate(layers):
        w, r = m.consts[node.input[1]], m.consts[node.input[2]]
        b = m.consts.get(node.input[3]) if len(node.input) > 3 and node.input[3] else None
        for d in range(dirs):
            sfx = f"_l{k}" + ("_reverse" if d else "")
            weights[f"weight_ih{sfx}"] = _reorder(w[d], kind)
            weights[f"weight_hh{sfx}"] = _reorder(r[d], kind)
            if b is not None:
                bi, bh = np.split(b[d], 2)
                weights[f"bias_ih{sfx}"], weights[f"bias_hh{sfx}"] = _reorder(bi, kind), _reorder(bh, kind)
    if b is None:
        params["bias"] = False
    return kind, params, weights


def _heads(g, m, embed: int) -> int:
    for n in g.nodes:
        if n.op_type == "Div" and n.input[1] in m.consts and m.consts[n.input[1]].size == 1:
            heads = int(m.consts[n.input[1]])
            if heads >= 1 and embed % heads == 0:
                return heads
    raise ValueError("number of heads not found")


def attention(g, m):
    """Packed self-attention: in_proj MatMul (E, 3E) [+ bias], out_proj Gemm; heads from head_dim = E / heads."""
    accept(g)
    proj = next(n for n in g.nodes if n.op_type == "MatMul" and n.input[1] in m.consts)
    w = m.consts[proj.input[1]].T  # (3E, E)
    embed = int(w.shape[1])
    add = next((n for n in g.nodes if n.op_type == "Add" and proj.output[0] in n.input), None)
    bias = next((m.consts[i] for i in add.input if i in m.consts), None) if add else None
    out = next(n for n in reversed(g.nodes) if n.op_type in ("Gemm", "MatMul") and n.input[1] in m.consts)
    _, _, ow = linear(Group(g.key, [out] + [n for n in g.nodes if n.op_type == "Add" and out.output[0] in n.input]), m)
    weights = {"in_proj_weight": w, "out_proj.weight": ow["weight"], "out_proj.bias": ow.get("bias")}
    if bias is not None:
        weights["in_proj_bias"] = bias
    params = {"num_heads": _heads(g, m, embed)} | ({} if bias is not None else {"bias": False})
    return "MultiheadAttention", params, {k: v for k, v in weights.items() if v is not None}


def _sub(g, name: str) -> Group:
    prefix = f"/{g.key}/{name}/"
    return Group(g.key + "/" + name, [n for n in g.nodes if n.name.startswith(prefix)])


def encoder_layer(g, m):
    accept(g)
    _, attn, weights = attention(_sub(g, "self_attn"), m)
    weights = {f"self_attn.{k}": v for k, v in weights.items()}
    for name in ("linear1", "linear2"):
        weights |= {f"{name}.{k}": v for k, v in linear(_sub(g, name), m)[2].items()}
    norms = {}
    for name in ("norm1", "norm2"):
        _, norms[name], w = layernorm(_sub(g, name), m)
        weights |= {f"{name}.{k}": v for k, v in w.items()}
    own = [n.op_type for n in g.nodes if n.name.rsplit("/", 1)[0] == "/" + g.key]
    norm1 = first(_sub(g, "norm1"), "LayerNormalization")
    params = {"nhead": attn["num_heads"], "dim_feedforward": int(weights["linear1.weight"].shape[0]),
              "activation": "gelu" if ("Gelu" in own or "Erf" in own) else "relu",
              "norm_first": norm1.input[0] in g.sources}
    return "TransformerEncoderLayer", params, weights


def positional(g, m):
    from ..layers import PositionalEncoding
    accept(g)  # Slice of the table to the sequence's length, then Add
    sl = first(g, "Slice")
    table = m.consts[sl.input[0]]
    max_len, d = (int(x) for x in table.shape)
    sinus = PositionalEncoding(d, "sinusoidal", max_len).pe.numpy() if d % 2 == 0 else None
    if sinus is not None and np.allclose(sinus, table, atol=1e-5):
        return "PositionalEncoding", {"max_len": max_len}, {}
    return "PositionalEncoding", {"kind": "learned", "max_len": max_len}, {"pe": table}
