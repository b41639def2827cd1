"""Nodes that compute from constants only, folded into constants (onnx's reference evaluator), within a budget.

The dynamo exporter reorders an LSTM's gates with Slice/Concat of the weight initializers and writes
`wpe(arange(T))` as a Gather of the table; both are constants the mapping needs as arrays. A node is folded
only when shape inference knows how large its outputs are and they fit the budget, so a ConstantOfShape of
[10^9] stays unfolded instead of allocating.
"""
from __future__ import annotations

import math

MAX_VALUES = 16_000_000  # values of all folded tensors together (64 MB of float32)
_NEVER = {"RandomNormal", "RandomUniform", "RandomNormalLike", "RandomUniformLike", "Multinomial", "Bernoulli"}


def _size(shape) -> int | None:
    if shape is None or any(not isinstance(d, int) or d < 0 for d in shape):
        return None
    return math.prod(shape)


def foldable(nodes, consts: dict, shapes: dict) -> list:
    """The nodes, in order, whose inputs are constants (or folded), of known and bounded output size."""
    known, out, budget = set(consts), [], MAX_VALUES
    for n in nodes:
        if n.op_type in _NEVER or n.domain not in ("", "ai.onnx") or not n.input:
            continue
        if not all(i in known or i == "" for i in n.input):
            continue
        sizes = [_size(shapes.get(o)) for o in n.output]
        if any(s is None for s in sizes) or sum(sizes) > budget:
            continue
        budget -= sum(sizes)
        known.update(n.output)
        out.append(n)
    return out


def fold(proto, consts: dict, shapes: dict) -> dict:
    """name -> array for every output of a foldable node (consts itself is not changed)."""
    import numpy as np
    from onnx import helper, numpy_helper
    from onnx.reference import ReferenceEvaluator
    nodes = foldable(proto.graph.node, consts, shapes)
    if not nodes:
        return {}
    needed = {i for n in nodes for i in n.input if i in consts}
    made = {o for n in nodes for o in n.output}
    graph = helper.make_graph(list(nodes), "fold", [], [helper.make_empty_tensor_value_info(o) for o in sorted(made)],
                              initializer=[numpy_helper.from_array(np.asarray(consts[i]), i) for i in sorted(needed)])
    model = helper.make_model(graph, opset_imports=list(proto.opset_import), ir_version=proto.ir_version)
    try:
        values = ReferenceEvaluator(model).run(None, {})
    except Exception:  # a node the reference cannot run: nothing folded, the mapping names what it needs
        return {}
    return {name: np.asarray(v) for name, v in zip(sorted(made), values)}
