"""The door for an ONNX file: bounded, parsed, no tensor referring to a file, validated; then its constants."""
from __future__ import annotations

from i18n import _

from ..limits import current
from .errors import ImportProblem
from .onnx_external import resolve
from .onnx_names import node_label
from .onnx_wire import scan

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


def constants(proto, where: str) -> dict:
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
