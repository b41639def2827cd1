"""Fuzz: real exports (a CNN with BatchNorm, an LSTM classifier) mutated field by field and byte by byte.

Each case ends in an imported project or an ImportProblem (a named import problem, never another exception
that the page would show as "internal problem ... ValueError"), within seconds and tens of MB.
"""
from __future__ import annotations

import functools
import os

import onnx
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from builder.importers import ImportProblem, import_onnx
from hostile_guard import assert_bounded, watch

EXAMPLES = int(os.environ.get("NC_FUZZ_EXAMPLES", "40"))
FUZZ = settings(max_examples=EXAMPLES, deadline=None, derandomize=True,
                suppress_health_check=[HealthCheck.too_slow, HealthCheck.function_scoped_fixture])
OPS = ["Relu", "Gemm", "Conv", "MaxPool", "Reshape", "Flatten", "LSTM", "Gather", "Softmax", "Add", "Concat",
       "BatchNormalization", "Transpose", "Squeeze", "If", "Unknown", "Identity", "MatMul"]
values = st.one_of(st.integers(-3, 2**40), st.floats(allow_nan=True), st.lists(st.integers(-3, 9), min_size=1, max_size=5),
                   st.text(max_size=4))


@functools.lru_cache(maxsize=None)
def _export(name: str) -> bytes:
    from import_models import HAND_WRITTEN, onnx_bytes
    cls, shape = HAND_WRITTEN[name]
    return onnx_bytes(cls(), shape, preserve=name == "SmallCNN")


def _set_attribute(node, value):
    from onnx import helper
    name = node.attribute[0].name if node.attribute else "alpha"
    while node.attribute and any(a.name == name for a in node.attribute):
        node.attribute.remove(next(a for a in node.attribute if a.name == name))
    node.attribute.append(helper.make_attribute(name, value))


def _mutate(proto, kind: str, i: int, value):
    nodes, inits = proto.graph.node, proto.graph.initializer
    node, init = nodes[i % len(nodes)], inits[i % len(inits)]
    if kind == "attribute" and value != "":
        _set_attribute(node, value)
    elif kind == "op":
        node.op_type = OPS[i % len(OPS)]
    elif kind == "input" and node.input:
        node.input[i % len(node.input)] = inits[(i // 3) % len(inits)].name if i % 2 else "nowhere"
    elif kind == "dims" and init.dims:
        init.dims[i % len(init.dims)] = value if isinstance(value, int) else 3
    elif kind == "raw":
        init.raw_data = init.raw_data[: i % (len(init.raw_data) + 1)]
    elif kind == "dtype":
        init.data_type = i % 24
    elif kind == "shape":
        dims = proto.graph.input[0].type.tensor_type.shape.dim
        dims[i % len(dims)].dim_value = value if isinstance(value, int) else 0


@pytest.mark.parametrize("name", ["SmallCNN", "LSTMClassifier"])
@FUZZ
@given(kind=st.sampled_from(["attribute", "op", "input", "dims", "raw", "dtype", "shape"]),
       i=st.integers(0, 10_000), value=values, flip=st.integers(0, 100_000), byte=st.integers(0, 255))
def test_mutated_exports_are_imported_or_named(data_dir, name, kind, i, value, flip, byte):
    proto = onnx.load_from_string(_export(name))
    _mutate(proto, kind, i, value)
    data = proto.SerializeToString()
    at = flip % len(data)
    for candidate in (data, data[:at] + bytes([byte]) + data[at + 1:]):
        out = watch(lambda: import_onnx(candidate, where="fuzz.onnx"), ImportProblem, data_dir=data_dir)
        assert_bounded(out, mb=48, seconds=10)
        assert out.message is None or "Error" not in out.message, out.message
