"""One group of ONNX nodes -> catalogue layers with weights: dense, convolution, normalisation, embedding.

A convolution (or Linear) whose BatchNorm the exporter folded into it comes back as the convolution and a
BatchNorm after it, so the network trains as written: the dynamo exporter says so in the node's metadata
(`FuseBatchNormIntoConv`) and keeps the BatchNorm's module path; the TorchScript exporter leaves weights named
`onnx::Conv_12` instead of `conv1.weight`. The restored BatchNorm starts as the identity (mean 0, variance 1-eps,
scale 1) with the folded shift as its bias; the convolution keeps the folded scale. Outputs are unchanged.
"""
from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np

from i18n import _

from .onnx_attrs import attr
from .onnx_names import meta

EPS = 1e-5


@dataclass
class Layer:
    kind: str
    params: dict
    weights: dict = field(default_factory=dict)
    key: str | None = None  # the node id's source when not the group's own (a restored BatchNorm)
    note: str | None = None  # what the person should know before training (shown with the import)


def first(g, *ops):
    return next((n for n in g.nodes if n.op_type in ops), None)


def short(x: float) -> float:
    """ONNX keeps floats as float32: the shortest decimal that is the same float32 (9.99999974e-06 -> 1e-05,
    float32(sqrt(32)) -> 5.656854), so a value reads as written and loses nothing the file held."""
    return float(str(np.float32(x)))


def ints(v):
    v = [int(x) for x in v]
    return v[0] if len(set(v)) == 1 else v


def only(node, name: str, supported, default=None):
    """Read an attribute the layer has no parameter for: ValueError unless it holds the one supported value."""
    value = attr(node, name, default)
    if value != supported:
        raise ValueError(_("{name}={value} (only {supported} maps onto a catalogue layer)").format(
            name=name, value=repr(value)[:40], supported=repr(supported)))


def accept(g) -> None:
    """A composite module recognised whole (LSTM, attention, encoder layer): the exporter's own lowering of it,
    whose plumbing nodes (Transpose, Squeeze, Split ...) carry no choice of the user's; their output shapes are
    checked against the file's after the graph is built."""
    for n in g.nodes:
        for a in n.attribute:
            attr(n, a.name)


def pads(node, n: int):
    only(node, "auto_pad", "NOTSET", "NOTSET")
    p = list(attr(node, "pads", [0] * 2 * n))
    if p[:n] != p[n:]:
        raise ValueError(_("padding {pads} differs at the start and the end of an axis; torch pads both sides "
                           "alike (pad the input with F.pad first, or use padding='same' with an odd kernel)").format(
            pads=p))
    return ints(p[:n])


def rules(node) -> str:
    return meta(node).get("pkg.onnxscript.rewriter.rule_name", "")


def weight(m, node, k: int, what: str):
    name = node.input[k] if len(node.input) > k else ""
    if not name:
        return None
    value = m.const(name)
    if value is None:
        raise ValueError(_("its {what} is computed in the graph, not stored as a weight").format(what=what))
    return value


def _owner(name: str) -> str | None:
    """`layer1.0.conv1.weight` -> `layer1.0.conv1`; None for exporter-made names (`onnx::Conv_12`, `val_3`)."""
    if "::" in name or "." not in name:
        return None
    return name.rsplit(".", 1)[0]


def restored_bn(node, g, w_name: str, bias, rank: int) -> tuple[str | None, str | None, str]:
    """(module path of the convolution, of its folded BatchNorm, the note) when the exporter folded one, else Nones."""
    folded = "FuseBatchNorm" in rules(node)
    if folded:  # dynamo: the node carries the BatchNorm's path, the weight the convolution's name
        conv = _owner(w_name)
        bn = g.path or f"{conv or g.key}_bn"  # the version converter (opset < 18) drops the BatchNorm's path
        return conv, bn, _("a BatchNorm that the exporter folded into {conv} is restored as '{bn}' (it starts as "
                           "the identity; {conv} carries its scale)").format(conv=conv or "?", bn=bn or "?")
    if w_name.startswith("onnx::") and bias is not None and rank in (3, 4):  # TorchScript's constant folding
        return None, (g.path or g.key) + "_bn", _(
            "{conv}: its weights were renamed by the exporter's constant folding ({name}), as when a BatchNorm is "
            "folded into it; restored as a BatchNorm after it (export with training=torch.onnx.TrainingMode.PRESERVE "
            "or dynamo=True to keep its name and statistics)").format(conv=g.path or g.key, name=w_name)
    return None, None, ""


def _traced_bias(node) -> bool:
    """Whether the traced call had a bias: dynamo tags every Conv it wrote a zero bias for, bias=False ones too,
    but records the call (`aten.conv2d(%input, %p_conv_weight, None, ...)`); without that record, assume it had."""
    import re
    found = re.search(r"\]\(args = \(([^()]*)", meta(node).get("pkg.torch.onnx.fx_node", ""))
    if not found:
        return True
    args = [a.strip() for a in found.group(1).split(",")]
    return len(args) > 2 and args[2] != "None"


def identity_bn(kind: str, channels: int, bias) -> Layer:
    weights = {"weight": np.ones(channels, np.float32), "bias": np.asarray(bias, np.float32),
               "running_mean": np.zeros(channels, np.float32),
               "running_var": np.full(channels, 1 - EPS, np.float32), "num_batches_tracked": np.array(0, np.int64)}
    return Layer(kind, {}, weights)


def _with_bn(layer: Layer, node, g, bias, bn_kind: str, rank: int) -> list[Layer]:
    conv_path, bn_path, note = restored_bn(node, g, node.input[1], bias, rank)
    if bn_path is None:
        return [layer]
    own_bias = node.input[2].endswith(".bias") if len(node.input) > 2 else False  # dynamo kept the conv's bias
    layer.key = conv_path
    if not own_bias:
        layer.params["bias"] = False
        layer.weights.pop("bias", None)
        shift = bias
    else:
        shift = np.zeros_like(bias)
    bn = identity_bn(bn_kind, int(bias.shape[0]), shift)
    bn.key, bn.note = bn_path, note
    return [layer, bn]


def linear(g, m):
    """Gemm (2-D input) or MatMul + Add (sequences): W is (out, in) for Gemm transB=1, (in, out) for MatMul."""
    node = first(g, "Gemm", "MatMul")
    if node.op_type == "Gemm":
        for name, supported in (("alpha", 1.0), ("beta", 1.0), ("transA", 0)):
            only(node, name, supported, supported)
    w = weight(m, node, 1, _("weight matrix"))
    if w.ndim != 2:
        raise ValueError(_("a product with a {n}-D constant is not a Linear layer").format(n=w.ndim))
    if node.op_type == "MatMul" or not attr(node, "transB", 0):
        w = w.T
    if node.op_type == "Gemm":
        bias = weight(m, node, 2, _("bias"))
    else:
        add = first(g, "Add")
        bias = next((m.const(i) for i in add.input if m.const(i) is not None), None) if add else None
    if bias is None and "RemoveOptionalBiasFromGemm" in rules(node):  # dynamo dropped a bias of zeros
        bias = np.zeros(w.shape[0], np.float32)
    if bias is not None and bias.size != w.shape[0]:
        bias = np.broadcast_to(bias, (w.shape[0],)).copy()
    layer = Layer("Linear", {"out_features": int(w.shape[0])} | ({} if bias is not None else {"bias": False}),
                  {"weight": w} | ({"bias": bias} if bias is not None else {}))
    return _with_bn(layer, node, g, bias, "BatchNorm1d", 2) if node.op_type == "Gemm" and bias is not None \
        else [layer]


def conv(g, m):
    node = first(g, "Conv")
    w = weight(m, node, 1, _("filters"))
    n = len(attr(node, "kernel_shape", w.shape[2:]))
    if n not in (1, 2):
        raise ValueError(_("a {n}-D convolution has no catalogue layer (Conv1d and Conv2d do)").format(n=n))
    groups = int(attr(node, "group", 1))
    params = {"out_channels": int(w.shape[0]), "kernel_size": ints(w.shape[2:]),
              "stride": ints(attr(node, "strides", [1] * n)), "padding": pads(node, n),
              "dilation": ints(attr(node, "dilations", [1] * n))} | ({"groups": groups} if groups != 1 else {})
    bias = weight(m, node, 2, _("bias"))
    if bias is None and "RemoveOptionalBiasFromConv" in rules(node) and "FuseBatchNorm" not in rules(node) \
            and _traced_bias(node):
        bias = np.zeros(w.shape[0], np.float32)  # dynamo dropped a bias of zeros
    if bias is None:
        params["bias"] = False
    layer = Layer(f"Conv{n}d", params, {"weight": w} | ({"bias": bias} if bias is not None else {}))
    return _with_bn(layer, node, g, bias, f"BatchNorm{n}d", n + 2) if bias is not None else [layer]


def conv_transpose(g, m):
    node = first(g, "ConvTranspose")
    w = weight(m, node, 1, _("filters"))  # (C_in, C_out / groups, kH, kW)
    n = w.ndim - 2
    if n != 2:
        raise ValueError(_("a {n}-D transposed convolution has no catalogue layer (ConvTranspose2d has)").format(n=n))
    only(node, "output_shape", None)
    groups = int(attr(node, "group", 1))
    params = {"out_channels": int(w.shape[1]) * groups, "kernel_size": ints(w.shape[2:]),
              "stride": ints(attr(node, "strides", [1] * n)), "padding": pads(node, n),
              "output_padding": ints(attr(node, "output_padding", [0] * n)),
              "dilation": ints(attr(node, "dilations", [1] * n))} | ({"groups": groups} if groups != 1 else {})
    attr(node, "kernel_shape")
    bias = weight(m, node, 2, _("bias"))
    if bias is None:
        params["bias"] = False
    layer = Layer("ConvTranspose2d", params, {"weight": w} | ({"bias": bias} if bias is not None else {}))
    return _with_bn(layer, node, g, bias, "BatchNorm2d", 4) if bias is not None else [layer]


def batchnorm(g, m):
    node = first(g, "BatchNormalization")
    only(node, "training_mode", 0, 0)
    rank = m.rank(node.input[0]) or 4
    scale, bias, mean, var = (weight(m, node, k, what) for k, what in
                              ((1, _("scale")), (2, _("shift")), (3, _("running mean")), (4, _("running variance"))))
    sizes = [v.size for v in (scale, bias, mean, var)]
    if len(set(sizes)) != 1:
        raise ValueError(_("its scale, shift, mean and variance have {sizes} values; they need one per channel").format(
            sizes=sizes))
    momentum = float(f"{1 - short(attr(node, 'momentum', 0.9)):.12g}")  # torch's 0.1 from ONNX's float32 0.9
    params = {"eps": short(attr(node, "epsilon", 1e-5)), "momentum": momentum}
    weights = {"weight": scale, "bias": bias, "running_mean": mean, "running_var": var,
               "num_batches_tracked": np.array(0, dtype=np.int64)}
    return [Layer("BatchNorm2d" if rank == 4 else "BatchNorm1d", params, weights)]


def norm_weights(m, nodes) -> tuple:
    """(scale, shift, eps) of a LayerNorm: the LayerNormalization op (opset 17+), or its decomposition in older
    opsets (ReduceMean, Sub, Pow, ReduceMean, Add eps, Sqrt, Div, Mul scale, Add shift)."""
    node = next((n for n in nodes if n.op_type == "LayerNormalization"), None)
    if node is not None:
        if attr(node, "axis", -1) not in (-1, (m.rank(node.input[0]) or 0) - 1):
            raise ValueError(_("normalisation over more than the last axis (axis={axis}); nn.LayerNorm over the "
                               "last axis maps").format(axis=attr(node, "axis")))
        attr(node, "stash_type")  # the precision of the mean and variance: float32 either way on the CPU
        scale, bias = weight(m, node, 1, _("scale")), weight(m, node, 2, _("shift"))
        return scale, bias if bias is not None else np.zeros_like(scale), short(attr(node, "epsilon", 1e-5))
    ops = {n.op_type for n in nodes}
    if not {"ReduceMean", "Sub", "Sqrt", "Div"} <= ops:
        raise ValueError(_("no LayerNorm found"))
    vectors = [(n.op_type, m.const(i)) for n in nodes if n.op_type in ("Mul", "Add") for i in n.input
               if m.const(i) is not None]
    scale = next((v for op, v in vectors if op == "Mul" and v.ndim == 1), None)
    shift = next((v for op, v in vectors if op == "Add" and v.ndim == 1 and v.size > 1), None)
    eps = next((float(v.reshape(-1)[0]) for op, v in vectors if op == "Add" and v.size == 1), 1e-5)
    if scale is None:
        raise ValueError(_("a normalisation without a learned scale has no catalogue layer (LayerNorm has one)"))
    for n in nodes:
        for a in n.attribute:
            attr(n, a.name)  # the decomposition's axes and keepdims: verified by the output shape check
    return scale, shift if shift is not None else np.zeros_like(scale), short(eps)


def layernorm(g, m):
    scale, bias, eps = norm_weights(m, g.nodes)
    return [Layer("LayerNorm", {"eps": eps} if eps != 1e-5 else {}, {"weight": scale, "bias": bias})]


def embedding(g, m):
    node = first(g, "Gather")
    only(node, "axis", 0, 0)
    table = weight(m, node, 0, _("table"))
    if table.ndim != 2:
        raise ValueError(_("a lookup in a {n}-D table is not an Embedding").format(n=table.ndim))
    return [Layer("Embedding", {"num_embeddings": int(table.shape[0]), "embedding_dim": int(table.shape[1])},
                  {"weight": table})]


def pool(g, m):
    node = first(g, "MaxPool", "AveragePool", "GlobalAveragePool")
    if node.op_type == "GlobalAveragePool":
        if m.rank(node.input[0]) not in (4, None):
            raise ValueError(_("global average pooling of a {n}-D tensor (AdaptiveAvgPool2d pools (B, C, H, W))")
                             .format(n=m.rank(node.input[0])))
        return [Layer("AdaptiveAvgPool2d", {"output_size": 1})]
    k = attr(node, "kernel_shape")
    n = len(k)
    stride = ints(attr(node, "strides", [1] * n))
    ceil = bool(attr(node, "ceil_mode", 0))
    params = {"kernel_size": ints(k), "stride": None if stride == ints(k) else stride, "padding": pads(node, n)} | (
        {"ceil_mode": True} if ceil else {})
    if node.op_type == "AveragePool":
        if n != 2:
            raise ValueError(_("1-D average pooling has no catalogue layer (AvgPool2d has)"))
        padded = params["padding"] not in (0, [0, 0]) or ceil
        only(node, "count_include_pad", 1 if padded else attr(node, "count_include_pad", 0), 0)
        return [Layer("AvgPool2d", params)]
    only(node, "dilations", [1] * n, [1] * n)
    only(node, "storage_order", 0, 0)
    if n not in (1, 2):
        raise ValueError(_("{n}-D max pooling has no catalogue layer").format(n=n))
    return [Layer(f"MaxPool{n}d", params)]
