"""An ONNX file -> a project: each group of nodes (one module's scope) mapped onto a catalogue type."""
from __future__ import annotations

import re
from pathlib import Path

import torch

from i18n import _

from . import onnx_layers as L
from . import onnx_misc as X
from . import onnx_seq as S
from .assemble import project_dict, weights_of
from .errors import ImportProblem
from .onnx_attrs import check_accounted, reading
from .onnx_names import node_label
from .onnx_read import read, too_large

_ACTS = {"Relu", "Sigmoid", "Tanh", "LeakyRelu", "Elu", "Softmax", "Gelu", "Erf"}


def _handler(g, m):
    """The mapping function for a group, chosen by the ops it holds (most specific first)."""
    ops = {n.op_type for n in g.nodes}
    consts = any(i in m.consts for n in g.nodes if n.op_type in ("MatMul", "Gemm") for i in n.input[1:2])
    table = [("LayerNormalization" in ops and "Softmax" in ops, S.encoder_layer),
             ("Softmax" in ops and "MatMul" in ops, S.attention),
             (bool(ops & {"LSTM", "GRU", "RNN"}), S.recurrent), ("Conv" in ops, L.conv),
             (("Gemm" in ops or "MatMul" in ops) and consts, L.linear),
             ("BatchNormalization" in ops, L.batchnorm), ("LayerNormalization" in ops, L.layernorm),
             (bool(ops & {"MaxPool", "AveragePool", "GlobalAveragePool"}), L.pool),
             ("Gather" in ops and any(n.op_type == "Gather" and n.input[0] in m.consts for n in g.nodes), L.embedding),
             ("Slice" in ops and "Add" in ops and len(g.sources) == 1, S.positional),
             (bool(ops & _ACTS), X.activation), (bool(ops & {"Flatten", "Reshape"}), X.reshape),
             (bool(ops & {"Add", "Concat"}) and len(g.sources) >= 2, X.merge),
             (bool(ops & {"Gather", "ReduceMean", "ReduceMax"}), X.sequence_pool),
             (ops <= {"Identity", "Dropout"}, X.passthrough)]
    return next((fn for ok, fn in table if ok), None)


def _node_id(key: str, taken: set) -> str:
    base = re.sub(r"\W", "_", key.rsplit("/", 1)[-1].strip("/")).strip("_") or "node"
    base = f"layer_{base}" if base[0].isdigit() else base  # node ids are Python identifiers
    nid, k = base, 2
    while nid in taken:
        nid, k = f"{base}_{k}", k + 1
    taken.add(nid)
    return nid


def _tensor(name: str, value) -> torch.Tensor:
    import numpy as np
    if not (np.issubdtype(value.dtype, np.floating) or name == "num_batches_tracked"):
        raise ValueError(f"its {name} holds {value.dtype} values, not floating-point weights")
    return torch.from_numpy(np.array(value, dtype=np.float32 if name != "num_batches_tracked" else np.int64))


def _map(g, m):
    fn = _handler(g, m)
    main = next((n for n in g.nodes if n.op_type not in ("Shape", "Gather", "Unsqueeze", "Concat", "Cast",
                                                         "Transpose", "Squeeze", "Slice")), g.nodes[0])
    try:
        if fn is None:
            raise ValueError("no catalogue layer")
        with reading() as seen:
            found = fn(g, m)
        if found != X.ALIAS:
            found = found[0], found[1], {k: _tensor(k, v) for k, v in found[2].items()}
    except ImportProblem:
        raise
    except Exception as e:  # a mapping that meets what it does not expect: named, never a traceback
        raise ImportProblem(_("{node} ({op}) has no layer in the catalogue: {why}").format(
            node=node_label(main), op=main.op_type, why=str(e)[:200] or type(e).__name__), main.name) from None
    check_accounted([n for n in g.nodes if not all(o in m.static for o in n.output)], seen, m.opset)
    return found


def import_onnx(data: bytes, name: str = "Imported ONNX model", where: str = "model.onnx"):
    """(project dict, state_dict for build_model); ImportProblem naming the ONNX node that cannot be mapped."""
    m = read(data, where)
    taken, ids, nodes, edges, per_node = set(), {m.input_name: _node_id("input", set())}, [], [], {}
    taken.add(ids[m.input_name])
    nodes.append({"id": ids[m.input_name], "type": "Input",
                  "params": {"shape": m.input_shape} | ({"dtype": "long"} if m.input_dtype == "long" else {})})
    for g in m.groups:
        if len(g.outputs) != 1 or not g.sources:
            raise ImportProblem(_("ONNX node '{name}' ({op}): a layer must read one value and give one").format(
                name=g.nodes[0].name, op=g.nodes[0].op_type), g.nodes[0].name)
        found = _map(g, m)
        if found == X.ALIAS:
            ids[g.outputs[0]] = ids[g.sources[0]]
            continue
        kind, params, weights = found
        nid = ids[g.outputs[0]] = _node_id(g.key, taken)
        nodes.append({"id": nid, "type": kind, "params": params})
        many = len(g.sources) > 1
        edges += [{"source": ids[s], "target": nid} | ({"target_port": i} if many else {})
                  for i, s in enumerate(g.sources)]
        per_node[nid] = weights
    data = project_dict(name, nodes, edges, _("imported from {file}").format(file=where))
    return data, weights_of(data, per_node)


def import_onnx_file(path):
    path = Path(path)
    try:
        too_large(path.stat().st_size, str(path))
        data = path.read_bytes()
    except OSError as e:
        raise ImportProblem(_("{file}: cannot read ({why})").format(file=path, why=e.strerror)) from None
    return import_onnx(data, path.stem, path.name)
