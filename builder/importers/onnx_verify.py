"""Does a catalogue layer compute what a group of ONNX nodes computes? Both run on the same small random input.

Composite modules (self-attention, TransformerEncoderLayer) reach ONNX as dozens of nodes that each exporter and
opset lowers differently; their weights are plain to find, but a choice such as the number of heads or
pre-/post-norm is not. Candidates are tried against onnx's reference evaluator on the group alone, and only
one that agrees is imported. Work is bounded: groups too large to run cheaply are not verified.
"""
from __future__ import annotations

import math

import numpy as np

from .onnx_model import BATCH

MAX_VALUES = 2_000_000  # values of the group's input at batch 2, and of its weights, for a run to be cheap
TOLERANCE = 1e-4


def _closure(m, g) -> list:
    """The group's nodes and the static nodes outside it that compute their shape inputs, in file order."""
    want, inside = set(), {id(n) for n in g.nodes}
    for n in g.nodes:
        want.update(i for i in n.input if i in m.static and i not in m.consts)
    extra, seen = [], set()
    while want:
        name = want.pop()
        node = m.producer.get(name)
        if node is None or id(node) in inside or id(node) in seen:
            continue
        seen.add(id(node))
        extra.append(node)
        want.update(i for i in node.input if i and i not in m.consts)
    order = {id(n): k for k, n in enumerate(m.proto.graph.node)}
    return sorted(list(g.nodes) + extra, key=lambda n: order[id(n)])


def _feed(m, name: str, rng):
    shape, b = m.shapes.get(name), m.batch_axis(name)
    if shape is None:
        return None
    dims = [2 if d == BATCH or k == b else d for k, d in enumerate(shape)]
    if any(d is None for d in dims):
        return None
    if math.prod(dims) > MAX_VALUES:
        return None
    if m.input_dtype == "long" and name == m.input_name:
        return np.zeros(dims, np.int64)
    return rng.standard_normal(dims).astype(np.float32)


def onnx_run(m, g, x: np.ndarray):
    """The group's output for `x` (the file's layout), or None when it cannot be run cheaply."""
    found = onnx_values(m, g, x, [g.outputs[0]])
    return None if found is None else found[0]


def static_value(m, g, name: str):
    """A tensor the group reads that is computed from shapes and constants only (an attention mask), as the
    reference evaluator computes it for a batch of 2; None when it cannot be run cheaply."""
    if m.const(name) is not None:
        return np.asarray(m.const(name))
    x = _feed(m, g.sources[0], np.random.default_rng(1))
    found = None if x is None else onnx_values(m, g, x, [name])
    return None if found is None else found[0]


def onnx_values(m, g, x: np.ndarray, names: list):
    """The values of `names` (tensors of the group or of the static nodes it reads) for `x`, or None."""
    from onnx import helper, numpy_helper
    from onnx.reference import ReferenceEvaluator
    nodes = _closure(m, g)
    made = {o for n in nodes for o in n.output}
    inputs = sorted({i for n in nodes for i in n.input if i and i not in made and i not in m.consts})
    rng = np.random.default_rng(0)
    feeds = {}
    for name in inputs:
        feeds[name] = x if name == g.sources[0] else _feed(m, name, rng)
        if feeds[name] is None:
            return None
    consts = sorted({i for n in nodes for i in n.input if i in m.consts})
    if sum(m.consts[c].size for c in consts) > 50 * MAX_VALUES:
        return None
    graph = helper.make_graph(nodes, "group", [helper.make_empty_tensor_value_info(i) for i in inputs],
                              [helper.make_empty_tensor_value_info(n) for n in names],
                              initializer=[numpy_helper.from_array(np.asarray(m.consts[c]), c) for c in consts])
    model = helper.make_model(graph, opset_imports=list(m.proto.opset_import), ir_version=m.proto.ir_version)
    try:
        return ReferenceEvaluator(model).run(None, feeds)
    except Exception:  # the reference cannot run it: no verdict
        return None


def layer_run(kind: str, params: dict, weights: dict, x: np.ndarray):
    """The catalogue layer built as the project builds it, with these weights, on batch-first `x`."""
    import torch

    from ..catalogue import LAYERS, constructor_kwargs
    from ..params import validate
    spec = LAYERS[kind]
    full = {}
    for name, p in spec.params.items():
        value = params.get(name, None if p.required else p.default)
        full[name] = validate(p, name, value)[0]
    module = spec.cls(**constructor_kwargs(spec, [(list(x.shape[1:]), "float")], full)).eval()
    module.load_state_dict({k: torch.from_numpy(np.array(v, np.float32)) for k, v in weights.items()})
    with torch.no_grad():
        return spec.call_of(full).run(module, torch.from_numpy(x)).numpy()  # is_causal: called with its mask


def first_match(m, g, candidates):
    """The first (kind, params, weights) that computes the group's output; None if none does, and the string
    "unverified" when the group cannot be run cheaply (the first candidate is then taken)."""
    src, out = g.sources[0], g.outputs[0]
    b_in = m.batch_axis(src)
    b_out = m.batch_axis(out) if m.batch_axis(out) is not None else b_in  # where inference lost the symbol
    x = _feed(m, src, np.random.default_rng(1))
    if x is None or b_in is None:
        return "unverified"
    want = onnx_run(m, g, x)
    if want is None:
        return "unverified"
    want = np.moveaxis(want, b_out, 0)
    ours = np.ascontiguousarray(np.moveaxis(x, b_in, 0))
    for cand in candidates:
        try:
            got = layer_run(*cand, ours)
        except Exception:  # a candidate that does not even build or run is not the one
            continue
        if got.shape == want.shape and np.allclose(got, want, atol=TOLERANCE, rtol=TOLERANCE):
            return cand
    return None
