"""Read an ONNX file as data (size-limited, no external files) and group its nodes into layers by scope.

torch.onnx names each node after the module that made it (`/enc1/self_attn/MatMul`); one group per innermost
scope is one catalogue layer, except a TransformerEncoderLayer, whose submodules merge into it.
"""
from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np

from i18n import _

from .errors import ImportProblem

MAX_ONNX_BYTES = 64 << 20  # the largest preset exports to ~0.1 MB; 64 MB leaves room for real models
MAX_ONNX_NODES = 20_000
_LONG = {6, 7}  # onnx.TensorProto.INT32, INT64


@dataclass
class Group:
    key: str  # scope path ("enc1", "features/features.0") or the node name of an unscoped op
    nodes: list = field(default_factory=list)
    sources: list = field(default_factory=list)  # data tensors it reads from other groups, in order
    outputs: list = field(default_factory=list)  # data tensors it hands to other groups or the graph output


@dataclass
class Model:
    proto: object
    consts: dict  # tensor name -> numpy array (initializers and Constant outputs)
    shapes: dict  # tensor name -> tuple of dims (None where unknown), batch axis included
    input_name: str
    input_shape: list
    input_dtype: str
    output_name: str
    groups: list


def load(data: bytes, where: str):
    import onnx
    if len(data) > MAX_ONNX_BYTES:
        raise ImportProblem(_("{file}: larger than the {mb} MB limit for ONNX files").format(
            file=where, mb=MAX_ONNX_BYTES >> 20))
    try:
        proto = onnx.load_from_string(data)
    except Exception:  # protobuf's DecodeError and friends: not an ONNX file
        raise ImportProblem(_("{file}: not a readable ONNX model").format(file=where)) from None
    if len(proto.graph.node) > MAX_ONNX_NODES:
        raise ImportProblem(_("{file}: more than {n} ONNX nodes").format(file=where, n=MAX_ONNX_NODES))
    if any(t.data_location == onnx.TensorProto.EXTERNAL for t in proto.graph.initializer):
        raise ImportProblem(_("{file}: its weights are in external files, which are never read").format(file=where))
    if proto.graph.node and any(n.op_type in ("Loop", "If", "Scan") for n in proto.graph.node):
        bad = next(n for n in proto.graph.node if n.op_type in ("Loop", "If", "Scan"))
        raise ImportProblem(_("ONNX node '{name}' ({op}) has no layer in the catalogue").format(
            name=bad.name, op=bad.op_type), bad.name)
    try:
        proto = onnx.shape_inference.infer_shapes(proto, data_prop=True)
    except Exception:  # shapes are a help, not a need: check() infers them again
        pass
    return proto


def _consts(proto) -> dict:
    from onnx import numpy_helper
    consts = {t.name: numpy_helper.to_array(t) for t in proto.graph.initializer}
    for n in proto.graph.node:
        if n.op_type == "Constant" and n.attribute and n.attribute[0].name == "value":
            consts[n.output[0]] = numpy_helper.to_array(n.attribute[0].t)
        elif n.op_type == "Identity" and n.input[0] in consts:
            consts[n.output[0]] = consts[n.input[0]]
    return consts


def _shapes(proto) -> dict:
    out = {}
    for vi in list(proto.graph.value_info) + list(proto.graph.input) + list(proto.graph.output):
        t = vi.type.tensor_type
        if t.HasField("shape"):
            out[vi.name] = tuple(d.dim_value if d.HasField("dim_value") else None for d in t.shape.dim)
    return out


def _scope(name: str) -> str | None:
    parts = name.strip("/").split("/")
    return "/".join(parts[:-1]) if name.startswith("/") and len(parts) > 1 else None


def _key(node, composites) -> str:
    scope = _scope(node.name)
    if scope is None:
        return node.name or node.output[0]
    for c in composites:
        if scope == c or scope.startswith(c + "/"):
            return c
    return scope


def _composites(nodes) -> list[str]:
    """Scopes that hold a self_attn and a linear1 scope: a TransformerEncoderLayer."""
    scopes = {s for s in (_scope(n.name) for n in nodes) if s}
    return [s.rsplit("/", 1)[0] for s in scopes
            if s.endswith("/self_attn") and s.rsplit("/", 1)[0] + "/linear1" in scopes]


def _static(nodes, consts) -> set:
    """Tensors computed from shapes and constants only (x.size(0) feeding a Reshape): not data."""
    static = set(consts)
    for n in nodes:
        if n.op_type == "Shape" or all(i in static or i == "" for i in n.input):
            static.update(n.output)
    return static


def groups(proto, consts) -> list[Group]:
    nodes = [n for n in proto.graph.node if n.op_type != "Constant" and n.output[0] not in consts]
    static = _static(nodes, consts)
    composites = _composites(nodes)
    found, producer = {}, {proto.graph.input[0].name: None}
    for n in nodes:
        g = found.setdefault(_key(n, composites), Group(_key(n, composites)))
        g.nodes.append(n)
        for o in n.output:
            producer[o] = g.key
    final = {o.name for o in proto.graph.output}
    for g in found.values():
        for n in g.nodes:
            for i in n.input:
                if i and i not in static and i in producer and producer[i] != g.key and n.op_type != "Shape" \
                        and i not in g.sources:
                    g.sources.append(i)
                    if producer[i] is not None and i not in found[producer[i]].outputs:
                        found[producer[i]].outputs.append(i)
        g.outputs += [o for n in g.nodes for o in n.output if o in final and o not in g.outputs]
    return [g for g in found.values() if g.outputs and not all(o in static for o in g.outputs)]


def read(data: bytes, where: str) -> Model:
    proto = load(data, where)
    graph = proto.graph
    consts = _consts(proto)
    inputs = [i for i in graph.input if i.name not in consts]
    if len(inputs) != 1 or len(graph.output) != 1:
        raise ImportProblem(_("{file}: the model must have one input and one output, it has {i} and {o}").format(
            file=where, i=len(inputs), o=len(graph.output)))
    t = inputs[0].type.tensor_type
    dims = [d.dim_value if d.HasField("dim_value") else None for d in t.shape.dim][1:]
    if not dims or any(not d for d in dims):
        raise ImportProblem(_("{file}: input '{name}' needs fixed sizes after the batch axis, got {dims}").format(
            file=where, name=inputs[0].name, dims=dims))
    dtype = "long" if t.elem_type in _LONG else "float"
    del graph.input[:]  # the data input first, initializers dropped from the input list (older exporters)
    graph.input.extend(inputs)
    return Model(proto, consts, _shapes(proto), inputs[0].name, dims, dtype, graph.output[0].name,
                 groups(proto, consts))
