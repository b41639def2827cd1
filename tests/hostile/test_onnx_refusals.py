"""Every ONNX refusal is a named import problem: the node or tensor, and what is wrong; no exception names.

And nothing a file carries is silently dropped: an attribute the mapping does not read (and that is not the
op's default) is a refusal naming the node and the attribute.
"""
import onnx
import pytest
from onnx import TensorProto, helper, numpy_helper

from builder.importers import ImportProblem, import_onnx
from hostile_guard import assert_refused, watch
from import_models import HAND_WRITTEN, onnx_bytes
from onnx_craft import model


def _export(name="MLP"):
    cls, shape = HAND_WRITTEN[name]
    return onnx.load_from_string(onnx_bytes(cls(), shape, preserve=True))


def _refused(data_dir, proto_or_bytes, *words):
    data = proto_or_bytes if isinstance(proto_or_bytes, bytes) else proto_or_bytes.SerializeToString()
    out = watch(lambda: import_onnx(data, where="m.onnx"), ImportProblem, data_dir=data_dir)
    assert_refused(out, *words, mb=32, seconds=5)
    assert "Error" not in out.message and "internal" not in out.message, out.message
    return out.message


def test_a_tensor_that_cannot_be_reshaped_is_named(data_dir):
    proto = _export()
    w = proto.graph.initializer[0]
    w.raw_data = w.raw_data[:-4]  # one value short of its dims
    _refused(data_dir, proto, "m.onnx", w.name, "too small for the declared shape")


def test_onnx_validation_errors_name_the_node(data_dir):
    _refused(data_dir, model([helper.make_node("Relu", ["x"], ["y"], name="act", alpha=2.0)]),
             "ONNX node 'act'", "(Relu) is not valid ONNX", "Unrecognized attribute: alpha")
    _refused(data_dir, model([helper.make_node("Frobnicate", ["x"], ["y"], name="f")]), "m.onnx", "Frobnicate")


@pytest.mark.parametrize("op, attribute, value, words", [
    ("Gemm", "alpha", 2.0, ["alpha=2.0"]),
    ("Gemm", "beta", 0.5, ["beta=0.5"]),
])
def test_an_attribute_the_mapping_ignores_is_refused_by_name(data_dir, op, attribute, value, words):
    proto = _export()
    node = next(n for n in proto.graph.node if n.op_type == op)
    for a in [a for a in node.attribute if a.name == attribute]:
        node.attribute.remove(a)
    node.attribute.append(helper.make_attribute(attribute, value))
    message = _refused(data_dir, proto, "module 'fc1'", f"ONNX node '{node.name}'", *words)
    assert "Gemm" in message


def test_a_maxpool_dilation_is_not_dropped(data_dir):
    proto = _export("SmallCNN")
    node = next(n for n in proto.graph.node if n.op_type == "MaxPool")
    for a in [a for a in node.attribute if a.name == "dilations"]:
        node.attribute.remove(a)
    node.attribute.append(helper.make_attribute("dilations", [2, 2]))
    _refused(data_dir, proto, "module 'features.3'", "dilations=[2, 2]")


def test_an_attribute_at_its_default_needs_no_reading(data_dir):
    """The dynamo exporter writes every attribute, defaults too (Gemm alpha=1.0, MaxPool storage_order=0)."""
    proto = _export("SmallCNN")
    node = next(n for n in proto.graph.node if n.op_type == "MaxPool")
    for a in [a for a in node.attribute if a.name == "storage_order"]:
        node.attribute.remove(a)
    node.attribute.append(helper.make_attribute("storage_order", 0))
    out = watch(lambda: import_onnx(proto.SerializeToString()), ImportProblem, data_dir=data_dir)
    assert out.message is None, out.message


def test_weights_that_are_not_floats_are_named(data_dir):
    proto = _export()
    w = proto.graph.initializer[0]
    array = numpy_helper.to_array(w).astype("int32")
    w.CopyFrom(numpy_helper.from_array(array, w.name))
    cast = helper.make_node("Cast", [w.name], ["w_float"], to=TensorProto.FLOAT)
    gemm = next(n for n in proto.graph.node if w.name in n.input)
    gemm.input[list(gemm.input).index(w.name)] = "w_float"
    proto.graph.node.insert(0, cast)
    _refused(data_dir, proto, "fc1")


def test_weights_of_the_wrong_shape_are_named(data_dir):
    proto = _export("SmallCNN")
    bn = next(n for n in proto.graph.node if n.op_type == "BatchNormalization")
    alias = {n.output[0]: n.input[0] for n in proto.graph.node if n.op_type == "Identity"}
    mean = next(t for t in proto.graph.initializer if t.name == alias.get(bn.input[3], bn.input[3]))
    mean.CopyFrom(numpy_helper.from_array(numpy_helper.to_array(mean)[:4].copy(), mean.name))
    _refused(data_dir, proto, "node 'features_1'", "where the layer needs [8]")
