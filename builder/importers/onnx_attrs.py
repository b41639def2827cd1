"""Every attribute of a mapped ONNX node is read by its mapping or holds the op's default: none is dropped.

A mapping reads attributes through `attr`, which remembers what it was asked; after a group is mapped,
an attribute that was neither read nor equal to the default in onnx's schema for the model's opset is a
refusal naming the node and the attribute (a Gemm's alpha=2 or a MaxPool's dilations must not vanish).
"""
from __future__ import annotations

import contextlib
import contextvars

from i18n import _

from .errors import ImportProblem
from .onnx_names import node_label

_read: contextvars.ContextVar[set | None] = contextvars.ContextVar("onnx_attrs_read", default=None)


def attr(node, name, default=None):
    """The attribute's value (strings decoded), or `default`; remembered as read."""
    from onnx import helper
    seen = _read.get()
    if seen is not None:
        seen.add((id(node), name))
    for a in node.attribute:
        if a.name == name:
            v = helper.get_attribute_value(a)
            return v.decode() if isinstance(v, bytes) else v
    return default


@contextlib.contextmanager
def reading():
    """The set of (id(node), attribute name) read by `attr` inside the block."""
    seen: set = set()
    token = _read.set(seen)
    try:
        yield seen
    finally:
        _read.reset(token)


def _is_default(node, a, opset: int) -> bool:
    import onnx
    from onnx import helper
    try:
        schema = onnx.defs.get_schema(node.op_type, opset, node.domain)
    except onnx.defs.SchemaError:
        return False
    spec = schema.attributes.get(a.name)
    if spec is None or not spec.default_value.name:
        return False
    return helper.get_attribute_value(spec.default_value) == helper.get_attribute_value(a)


def _shown(a) -> str:
    from onnx import helper
    value = helper.get_attribute_value(a)
    value = value.decode("utf-8", "replace") if isinstance(value, bytes) else value
    return repr(value)[:60]


def check_accounted(nodes, seen: set, opset: int) -> None:
    """ImportProblem for the first attribute of `nodes` that the mapping neither read nor may leave out."""
    for node in nodes:
        for a in node.attribute:
            if (id(node), a.name) not in seen and not _is_default(node, a, opset):
                raise ImportProblem(_("{node} ({op}): attribute {attr}={value} is not understood by the import, "
                                      "and leaving it out would change what the layer computes").format(
                    node=node_label(node), op=node.op_type, attr=a.name, value=_shown(a)), node.name)
