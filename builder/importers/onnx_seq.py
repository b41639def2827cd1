"""ONNX groups for sequence layers: RNN/LSTM/GRU, self-attention, TransformerEncoderLayer, positional tables.

Weights are found by what they are (the recurrent op's W/R/B, the attention's (3E, E) projection, the
feed-forward's (F, E) and (E, F) matrices, LayerNorm scales); the choices the graph does not spell out (heads,
pre- or post-norm, the activation) are the candidates that compute what the file computes (onnx_verify).
"""
from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from i18n import _

from .onnx_attrs import attr
from .onnx_layers import Layer, accept, first, norm_weights, only, weight
from .onnx_verify import first_match

# ONNX gate order -> torch's: LSTM iofc -> ifgo, GRU zrh -> rzn
_GATES = {"LSTM": (4, [0, 2, 3, 1]), "GRU": (3, [1, 0, 2]), "RNN": (1, [0])}


def _reorder(w: np.ndarray, kind: str) -> np.ndarray:
    n, order = _GATES[kind]
    return np.concatenate([np.split(w, n, axis=0)[i] for i in order], axis=0)


@dataclass
class State:
    """An LSTM/GRU's final hidden state h_n (layers x directions, B, H), the output of a recurrent group."""
    directions: int
    layers: int

    def squeezed(self, node, m) -> Layer:
        """h_n.squeeze(0) / h_n.view(B, H) of a one-layer, one-direction state: its last step."""
        if self.directions * self.layers != 1:
            raise ValueError(_("reshaping the states of several layers or directions has no catalogue layer; "
                               "h_n[-1] or output[:, -1] maps"))
        return Layer("SequencePool", {})

    def last(self, index: int, axis: int) -> Layer:
        if axis != 0 or index not in (-1,):
            raise ValueError(_("h_n[{i}] is not the last layer's state; h_n[-1] maps (as the last step of the "
                               "output sequence)").format(i=index))
        if self.directions != 1:
            raise ValueError(_("h_n[-1] of a bidirectional layer is the backward direction's state alone, which no "
                               "catalogue layer picks; use output[:, -1] (both directions of the last step)"))
        return Layer("SequencePool", {})


def _derives(m, g, tensor: str, targets: set) -> bool:
    inside, todo, seen = {o for n in g.nodes for o in n.output}, [tensor], set()
    while todo:
        t = todo.pop()
        if t in targets:
            return True
        node = m.producer.get(t)
        if t in seen or node is None or t not in inside:
            continue
        seen.add(t)
        todo += [i for i in node.input if i]
    return False


def _zero_state(m, node, k: int) -> None:
    name = node.input[k] if len(node.input) > k else ""
    value = m.const(name)
    if name and value is not None and np.any(value):
        raise ValueError(_("a learned or non-zero initial state has no catalogue layer (the catalogue's start "
                           "from zeros, as torch does without one)"))
    if name and value is None and name not in m.static:
        raise ValueError(_("an initial state computed from the data has no catalogue layer"))


def _check(node, kind):
    for name in ("clip", "activation_alpha", "activation_beta"):
        only(node, name, None)
    only(node, "input_forget", 0, 0)
    only(node, "layout", 0, 0)
    acts = attr(node, "activations")
    default = {"LSTM": ["Sigmoid", "Tanh", "Tanh"], "GRU": ["Sigmoid", "Tanh"], "RNN": ["Tanh"]}[kind]
    if acts and kind != "RNN" and [a.decode() if isinstance(a, bytes) else a for a in acts][:len(default)] != default:
        raise ValueError(_("activations {acts} differ from torch's").format(acts=acts))
    if kind == "GRU" and not attr(node, "linear_before_reset", 0):
        raise ValueError(_("linear_before_reset=0 (torch's GRU resets after the linear map)"))
    if any(len(node.input) > k and node.input[k] for k in (4, 7)):
        raise ValueError(_("sequence lengths or peephole weights have no catalogue layer"))


def _input_order(g, m, node) -> Layer | None:
    """A Permute before the recurrent layer when the transposes between the group's input and the op's (T, B, F)
    input reorder a sample's axes: x.flatten(2).transpose(1, 2) into a batch-first LSTM, which the TorchScript
    exporter folds into the LSTM's own transpose ([2, 0, 1] instead of [1, 0, 2])."""
    source, order, x = g.sources[0], [0, 1, 2], node.input[0]
    while x != source:
        t = m.producer.get(x)
        if t is None or t.op_type != "Transpose" or t not in g.nodes:
            return None  # not a chain of transposes from the input: the batch axis tracking decides as before
        perm = list(attr(t, "perm") or [2, 1, 0])
        order, x = [perm[k] for k in order], t.input[0]
    b = m.batch_axis(source)
    if m.rank(source) is None or b is None:
        raise ValueError(_("the shape of the tensor it reads through a transpose is not known from the file (shape "
                           "inference leaves it open at opset 13); export with opset_version=14 or later"))
    if m.rank(source) != 3 or order[1] != b:
        raise ValueError(_("its input does not keep the batch axis of the tensor it reads"))
    ours = [a for a in range(3) if a != b]  # a sample's axes as the catalogue's batch-first layer reads them
    dims = [ours.index(order[0]), ours.index(order[2])]
    return None if dims == [0, 1] else Layer("Permute", {"dims": dims}, key=f"{g.path}_input" if g.path else None)


def recurrent(g, m):
    layers = [n for n in g.nodes if n.op_type in _GATES]
    kind = layers[0].op_type
    hidden = int(attr(layers[0], "hidden_size"))
    dirs = 2 if attr(layers[0], "direction", "forward") == "bidirectional" else 1
    params, weights, b = {"hidden_size": hidden, "num_layers": len(layers), "bidirectional": dirs == 2}, {}, None
    if kind == "RNN":
        acts = attr(layers[0], "activations", ["Tanh"])
        params["nonlinearity"] = str(acts[0].decode() if isinstance(acts[0], bytes) else acts[0]).lower()
    for k, node in enumerate(layers):
        _check(node, kind)
        for s in (5, 6):
            _zero_state(m, node, s)
        only(node, "direction", "bidirectional" if dirs == 2 else "forward", "forward")
        w, r = weight(m, node, 1, _("input weights")), weight(m, node, 2, _("hidden weights"))
        b = weight(m, node, 3, _("biases"))
        for d in range(dirs):
            sfx = f"_l{k}" + ("_reverse" if d else "")
            weights[f"weight_ih{sfx}"] = _reorder(w[d], kind)
            weights[f"weight_hh{sfx}"] = _reorder(r[d], kind)
            if b is not None:
                bi, bh = np.split(b[d], 2)
                weights[f"bias_ih{sfx}"], weights[f"bias_hh{sfx}"] = _reorder(bi, kind), _reorder(bh, kind)
    if b is None:
        params["bias"] = False
    accept(g)
    out = g.outputs[0]
    if not _derives(m, g, out, {layers[-1].output[0]}) and _derives(m, g, out, {n.output[1] for n in layers}):
        m.states[out] = State(dirs, len(layers))
    before = _input_order(g, m, layers[0])
    if before is None:
        return Layer(kind, params, weights)
    return [before, Layer(kind, params, weights, key=g.path or None)]


def _matrix(m, node):
    """The (out, in) matrix of a MatMul/Gemm with a constant right side, as torch keeps it; None otherwise."""
    if node.op_type not in ("MatMul", "Gemm") or len(node.input) < 2 or m.const(node.input[1]) is None:
        return None
    w = m.const(node.input[1])
    if w.ndim != 2:
        return None
    return w if node.op_type == "Gemm" and attr(node, "transB", 0) else w.T


def _bias_after(m, g, node, size: int):
    if node.op_type == "Gemm" and len(node.input) > 2 and m.const(node.input[2]) is not None:
        return m.const(node.input[2])
    add = next((n for n in g.nodes if n.op_type == "Add" and node.output[0] in n.input), None)
    value = next((m.const(i) for i in add.input if m.const(i) is not None), None) if add else None
    return value if value is not None and value.size == size else None


def _nodes_under(g, prefix: str):
    from .onnx_names import module_path
    return [n for n in g.nodes if (module_path(n) or "") == prefix or (module_path(n) or "").startswith(prefix + ".")]


def _attention_weights(m, g, nodes, embed: int | None = None) -> dict:
    mats = [(n, _matrix(m, n)) for n in nodes]
    mats = [(n, w) for n, w in mats if w is not None]
    proj = next(((n, w) for n, w in mats if w.shape[0] == 3 * w.shape[1]), None)
    if proj is None:
        raise ValueError(_("no packed (3E, E) projection of queries, keys and values (nn.MultiheadAttention's)"))
    e = proj[1].shape[1]
    out = next(((n, w) for n, w in mats if w.shape == (e, e)), None)
    if out is None:
        raise ValueError(_("no (E, E) output projection"))
    in_bias, out_bias = _bias_after(m, g, proj[0], 3 * e), _bias_after(m, g, out[0], e)
    weights = {"in_proj_weight": proj[1], "out_proj.weight": out[1]}
    if in_bias is not None or out_bias is not None:  # dynamo drops a bias of zeros: bring it back
        weights["in_proj_bias"] = in_bias if in_bias is not None else np.zeros(3 * e, np.float32)
        weights["out_proj.bias"] = out_bias if out_bias is not None else np.zeros(e, np.float32)
    return weights


def _heads(e: int) -> list[int]:
    return [h for h in (1, 2, 4, 8, 3, 6, 12, 16, 5, 10, 32, 64) if e % h == 0]


def _pick(m, g, candidates, what: str):
    found = first_match(m, g, candidates)
    if found == "unverified":
        raise ValueError(_("its {what} is too large (or of unknown size) to check which heads and layout it uses; "
                           "export it with a shorter example input").format(what=what))
    if found is None:
        raise ValueError(_("the file's {what} does not compute what torch's does with these weights (the "
                           "catalogue's choices are the number of heads, pre- or post-norm, ReLU or GELU and a causal "
                           "mask; any other variant has no catalogue layer)").format(what=what))
    return found


def _causal(m, g) -> dict:
    """{"is_causal": True} when the group adds the causal mask to its scores, {} when it adds none."""
    from .onnx_masks import is_causal
    return {"is_causal": True} if is_causal(m, g) else {}


def attention(g, m):
    accept(g)
    weights = _attention_weights(m, g, g.nodes)
    e = weights["in_proj_weight"].shape[1]
    own = ({} if "in_proj_bias" in weights else {"bias": False}) | _causal(m, g)
    found = _pick(m, g, [("MultiheadAttention", {"num_heads": h} | own, weights) for h in _heads(e)],
                  _("self-attention"))
    return Layer(*found)


def encoder_layer(g, m):
    accept(g)
    key = g.path or g.key
    weights = {f"self_attn.{k}": v for k, v in _attention_weights(m, g, _nodes_under(g, key + ".self_attn")).items()}
    e = weights["self_attn.in_proj_weight"].shape[1]
    for name in ("linear1", "linear2"):
        node = next((n for n in _nodes_under(g, f"{key}.{name}") if _matrix(m, n) is not None), None)
        if node is None:
            raise ValueError(_("no {name} weights found").format(name=name))
        w = _matrix(m, node)
        weights[f"{name}.weight"] = w
        weights[f"{name}.bias"] = _bias_after(m, g, node, w.shape[0])
        if weights[f"{name}.bias"] is None:
            weights[f"{name}.bias"] = np.zeros(w.shape[0], np.float32)
    for name in ("norm1", "norm2"):
        scale, shift, eps = norm_weights(m, _nodes_under(g, f"{key}.{name}"))
        weights[f"{name}.weight"], weights[f"{name}.bias"] = scale, shift
    if eps != 1e-5:
        raise ValueError(_("layer_norm_eps={eps} (the catalogue's TransformerEncoderLayer uses 1e-05)").format(eps=eps))
    base = {"dim_feedforward": int(weights["linear1.weight"].shape[0])} | _causal(m, g)
    candidates = [("TransformerEncoderLayer", base | {"nhead": h, "norm_first": nf, "activation": act}, weights)
                  for act in ("relu", "gelu") for nf in (False, True) for h in _heads(e)]
    return Layer(*_pick(m, g, candidates, _("encoder layer")))


def positional(g, m):
    """Our own PositionalEncoding as exported: Slice of the table to the sequence's length, then Add."""
    from ..layers import PositionalEncoding
    accept(g)
    sl = first(g, "Slice")
    table = weight(m, sl, 0, _("table"))
    if table.ndim == 3 and table.shape[0] == 1:
        table = table[0]
    max_len, d = (int(x) for x in table.shape)
    sinus = PositionalEncoding(d, "sinusoidal", max_len).pe.numpy() if d % 2 == 0 else None
    if sinus is not None and np.allclose(sinus, table, atol=1e-5):
        return Layer("PositionalEncoding", {"max_len": max_len})
    return Layer("PositionalEncoding", {"kind": "learned", "max_len": max_len}, {"pe": table})
