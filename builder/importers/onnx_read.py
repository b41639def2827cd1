"""Read an ONNX file as data (size-limited, no external files) and group its nodes into layers by scope.

torch.onnx names each node after the module that made it (`/enc1/self_attn/MatMul`); one group per innermost
scope is one catalogue layer, except a TransformerEncoderLayer, whose submodules merge into it.
"""
from __future__ import annotations

from dataclasses import dataclass, field

from i18n import _

from ..limits import current
from .errors import ImportProblem
from .onnx_external import resolve
from .onnx_names import node_label
from .onnx_wire import scan

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
    static: set  # tensors computed from shapes and constants only
    opset: int  # of the default domain


def load(data: bytes, where: str, files=None):
    """The parsed, checked model: wire format bounded first, every tensor holding its own data, shapes inferred."""
    import onnx
    too_large(len(data), where)
    scan(data, where)  # before protobuf builds anything: sizes, nesting, no subgraphs
    try:
        proto = onnx.load_from_string(data)
    except Exception:  # protobuf's DecodeError and friends: not an ONNX file
        raise ImportProblem(_("{file}: not a readable ONNX model").format(file=where)) from None
    if proto.functions:
        raise ImportProblem(_("{file}: holds model-local functions ({name}, ...), which are not imported; export "
                              "without export_modules_as_functions").format(file=where, name=proto.functions[0].name))
    resolve(proto, where, files)  # before any tensor is read: nothing refers to a file any more
    _validate(proto, where)
    try:
        proto = onnx.shape_inference.infer_shapes(proto, data_prop=True)
    except Exception:  # shapes are a help, not a need: check() infers them again
        pass
    return proto


def too_large(size: int, where: str) -> None:
    """ImportProblem for an ONNX file over the limit (checked before it is read where the size is known)."""
    limit = current().onnx_bytes
    if size > limit:
        raise ImportProblem(_("{file}: larger than the {mb} MB limit for ONNX files").format(file=where,
                                                                                         mb=limit >> 20))


def _validate(proto, where: str) -> None:
    """onnx's own checker; its complaint names the node ("Bad node spec for node. Name: act OpType: Relu")."""
    import re

    import onnx
    try:
        onnx.checker.check_model(proto)
    except Exception as e:  # onnx.checker.ValidationError and the C++ errors it wraps
        found = re.search(r"Name: (.*?) OpType: (\S+)", str(e))
        node = next((n for n in proto.graph.node if found and n.name == found.group(1)), None)
        if node is not None:
            raise ImportProblem(_("{file}: {node} ({op}) is not valid ONNX: {why}").format(
                file=where, node=node_label(node), op=node.op_type, why=_first_line(e)), node.name) from None
        raise ImportProblem(_("{file}: not a valid ONNX model ({why})").format(file=where, why=_first_line(e))) \
            from None


def _first_line(e: Exception) -> str:
    lines = [ln.strip() for ln in str(e).splitlines() if ln.strip()]
    return (lines[0] if lines else type(e).__name__)[:200]


def _array(t, where: str, place: str):
    from onnx import helper, numpy_helper
    try:
        return numpy_helper.to_array(t)
    except Exception as e:  # data that does not fit dims and type, segments, unknown types
        raise ImportProblem(_("{file}: tensor '{name}' ({place}) does not hold {dims} values of type {type} "
                              "({why})").format(file=where, name=t.name, place=place, dims=list(t.dims),
                                                type=helper.tensor_dtype_to_string(t.data_type)
                                                if t.data_type else "?", why=_first_line(e))) from None


def _constant(node, where: str):
    """A Constant node's value as an array; value_string(s) and sparse_value have no use in a layer."""
    import numpy as np
    from onnx import helper
    a = node.attribute[0]
    if a.name == "value":
        return _array(a.t, where, node_label(node))
    if a.name in ("value_float", "value_floats", "value_int", "value_ints"):
        value = helper.get_attribute_value(a)
        return np.array(value, dtype=np.float32 if "float" in a.name else np.int64)
    raise ImportProblem(_("{node} (Constant): a constant given as {attr} is not imported").format(
        node=node_label(node), attr=a.name), node.name)


def _consts(proto, where: str) -> dict:
    if len(proto.graph.sparse_initializer):
        raise ImportProblem(_("{file}: sparse initializers ('{name}') are not imported; save the weights "
                              "dense").format(file=where, name=proto.graph.sparse_initializer[0].values.name))
    consts = {t.name: _array(t, where, _("an initializer")) for t in proto.graph.initializer}
    for n in proto.graph.node:
        if n.op_type == "Constant" and not n.domain:
            consts[n.output[0]] = _constant(n, where)
        elif n.op_type == "Identity" and n.input and n.input[0] in consts:
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


def data_nodes(proto, consts) -> list:
    return [n for n in proto.graph.node if n.op_type != "Constant" and n.output and n.output[0] not in consts]


def groups(proto, consts, static) -> list[Group]:
    nodes = data_nodes(proto, consts)
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
    consts = _consts(proto, where)
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
    static = _static(data_nodes(proto, consts), consts)
    opset = next((o.version for o in proto.opset_import if o.domain in ("", "ai.onnx")), 1)
    return Model(proto, consts, _shapes(proto), inputs[0].name, dims, dtype, graph.output[0].name,
                 groups(proto, consts, static), static, opset)
