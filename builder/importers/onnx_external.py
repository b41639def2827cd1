"""Every tensor of an ONNX model, wherever it stands; external data is never opened, only taken from bytes given.

A TensorProto marked `data_location = EXTERNAL` names a file that onnx (numpy_helper.to_array, shape
inference, the checker) would open relative to the working directory. Before anything reads a tensor,
each such tensor is either filled from the data files that came with the model (plain names only, offset
and length checked) or refused, naming the tensor and where it stands.
"""
from __future__ import annotations

import functools
import math
from collections.abc import Mapping

from i18n import _

from .errors import ImportProblem
from .onnx_names import node_label

_TENSOR = "onnx.TensorProto"


@functools.lru_cache(maxsize=None)
def _reaching() -> frozenset:
    """Full names of the message types that can hold a TensorProto, however deep (from onnx's schema)."""
    import onnx
    seen, todo = {}, [onnx.ModelProto.DESCRIPTOR]
    while todo:
        d = todo.pop()
        if d.full_name not in seen:
            seen[d.full_name] = d
            todo += [f.message_type for f in d.fields if f.message_type is not None]
    reach = {_TENSOR}
    while True:
        more = {n for n, d in seen.items() if any(f.message_type is not None and f.message_type.full_name in reach
                                                  for f in d.fields)}
        if more <= reach:
            return frozenset(reach)
        reach |= more


def _label(parent, field, item) -> str:
    kind = parent.DESCRIPTOR.name
    if kind == "GraphProto" and field.name in ("initializer", "sparse_initializer"):
        return _("an initializer") if field.name == "initializer" else _("a sparse initializer")
    if field.message_type.name == "NodeProto":
        return node_label(item)
    if field.message_type.name == "AttributeProto":
        return _("attribute '{name}'").format(name=item.name)
    if field.message_type.name == "FunctionProto":
        return _("function '{name}'").format(name=item.name)
    return None if kind in ("AttributeProto", "ModelProto") else field.name  # the attribute (the graph) says it


def tensors(msg, place: tuple = ()):
    """(TensorProto, where it stands as a tuple of labels) for every tensor under `msg`."""
    reach = _reaching()
    for field, value in msg.ListFields():
        if field.message_type is None or field.message_type.full_name not in reach:
            continue
        for item in (value if field.is_repeated else (value,)):
            label = _label(msg, field, item)
            here = place + (label,) if label else place
            if field.message_type.full_name == _TENSOR:
                yield item, here
            else:
                yield from tensors(item, here)


def _where(tensor, place) -> str:
    return _("tensor '{name}' ({place})").format(name=tensor.name or "?", place=", ".join(place))


def _take(tensor, place, where: str, files: Mapping[str, bytes]) -> None:
    """Fill one external tensor from the files given: a plain name, offset and length inside the file."""
    import onnx
    entries = {e.key: e.value for e in tensor.external_data}
    location = entries.get("location", "")
    if location not in files:
        raise ImportProblem(_("{file}: {tensor} keeps its data in the external file '{location}', which did not "
                              "come with the model (only data files given with it are read, never a path)").format(
            file=where, tensor=_where(tensor, place), location=location[:100]))
    blob = files[location]
    try:
        offset = int(entries.get("offset", 0))
        length = int(entries.get("length", len(blob) - offset))
    except ValueError:
        offset = length = -1
    size = onnx.helper.tensor_dtype_to_np_dtype(tensor.data_type).itemsize \
        if tensor.data_type not in (0, onnx.TensorProto.STRING) else 0
    need = math.prod(tensor.dims) * size
    if offset < 0 or length != need or offset + length > len(blob) or not size:
        raise ImportProblem(_("{file}: {tensor} asks for {length} bytes at offset {offset} of '{location}' "
                              "({have} bytes), but its shape and type need {need}").format(
            file=where, tensor=_where(tensor, place), length=length, offset=offset, location=location,
            have=len(blob), need=need))
    tensor.raw_data = blob[offset:offset + length]
    tensor.ClearField("external_data")
    tensor.data_location = onnx.TensorProto.DEFAULT


def resolve(proto, where: str, files: Mapping[str, bytes] | None = None) -> None:
    """Make every tensor of `proto` hold its own data, from `files` (file name -> bytes), or ImportProblem."""
    import onnx
    for tensor, place in tensors(proto):
        if tensor.data_location == onnx.TensorProto.EXTERNAL:
            if files is None:
                location = next((e.value for e in tensor.external_data if e.key == "location"), "")
                raise ImportProblem(_("{file}: {tensor} keeps its data in an external file ('{location}'), which "
                                      "is never read").format(file=where, tensor=_where(tensor, place),
                                                              location=location[:100]))
            _take(tensor, place, where, files)
        elif len(tensor.external_data):
            tensor.ClearField("external_data")  # entries without EXTERNAL mean nothing; none are kept
