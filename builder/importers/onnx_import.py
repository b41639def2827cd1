"""An ONNX file -> a project: each group of nodes (one module call, or one operation) mapped onto catalogue layers."""
from __future__ import annotations

import re
from pathlib import Path

import numpy as np
import torch

from i18n import _

from . import onnx_layers as L
from . import onnx_misc as X
from . import onnx_seq as S
from .assemble import project_dict, weights_of
from .errors import ImportProblem
from .onnx_attrs import check_accounted, reading
from .onnx_model import read
from .onnx_names import call, lost_paths, node_label
from .onnx_read import too_large
from .onnx_tables import add_table

_ACTS = {"Relu", "Sigmoid", "Tanh", "LeakyRelu", "Elu", "Softmax", "LogSoftmax", "Gelu", "Erf", "Clip"}
_SHAPE = {"Flatten", "Reshape", "Squeeze", "Unsqueeze"}


def _data(g, m) -> list:
    return [n for n in g.nodes if not all(o in m.static for o in n.output)]


def _table(g, m, ops, const_in):
    one = len(g.sources) == 1
    return [(bool(ops & set(S._GATES)), S.recurrent), (_encoder(g), S.encoder_layer),
            ({"Softmax", "MatMul"} <= ops, S.attention), ("Conv" in ops, L.conv),
            ("ConvTranspose" in ops, L.conv_transpose),
            (bool(ops & {"Gemm", "MatMul"}) and const_in("Gemm", "MatMul", k=1), L.linear),
            ("BatchNormalization" in ops, L.batchnorm),
            ("LayerNormalization" in ops or {"ReduceMean", "Sub", "Sqrt", "Div"} <= ops, L.layernorm),
            (bool(ops & {"MaxPool", "AveragePool", "GlobalAveragePool"}), L.pool),
            ("Gather" in ops and const_in("Gather", k=0), L.embedding),
            ("Slice" in ops and "Add" in ops and one, S.positional),
            (bool(ops & _ACTS), X.activation), (bool(ops & _SHAPE), X.reshape), ("Transpose" in ops, X.transpose),
            (bool(ops & {"Add", "Concat"}) and len(g.sources) >= 2, X.merge), ("Add" in ops and one, add_table),
            (bool(ops & {"Mul", "Div"}) and one, X.scale), ("Gather" in ops, X.select),
            (bool(ops & {"ReduceMean", "ReduceMax"}), X.reduce), (ops <= {"Identity", "Dropout"}, X.passthrough)]


def _encoder(g) -> bool:
    from .onnx_names import module_path
    paths = {module_path(n) or "" for n in g.nodes}
    p = g.path or ""
    return bool(p) and any(q.startswith(p + ".self_attn") for q in paths) and any(
        q.startswith(p + ".linear1") for q in paths)


def _handler(g, m):
    """The mapping function for a group, chosen by the data operations it holds (most specific first)."""
    nodes = _data(g, m)
    ops = {n.op_type for n in nodes}

    def const_in(*kinds, k):
        return any(len(n.input) > k and m.const(n.input[k]) is not None for n in nodes if n.op_type in kinds)
    return next((fn for ok, fn in _table(g, m, ops, const_in) if ok), None), nodes


def _tensor(name: str, value) -> torch.Tensor:
    if not (np.issubdtype(value.dtype, np.floating) or name == "num_batches_tracked"):
        raise ValueError(_("its {name} holds {dtype} values, not floating-point weights").format(
            name=name, dtype=value.dtype))
    return torch.from_numpy(np.array(value, dtype=np.float32 if name != "num_batches_tracked" else np.int64))


def _reasons() -> dict:
    return {
        "Sub": _("subtracting one tensor from another has no catalogue layer (Add sums tensors)"),
        "Mul": _("multiplying two computed tensors element by element (gating) has no catalogue layer; Scale "
                 "multiplies by a constant"),
        "MatMul": _("a product of two computed tensors (not a weight) has no catalogue layer outside "
                    "nn.MultiheadAttention"),
        "Split": _("cutting a tensor into parts (split, chunk, x[:, a:b]) has no catalogue layer; a layer gives one "
                   "whole value"),
        "Expand": _("repeating a tensor (expand, repeat) has no catalogue layer"),
        "Pad": _("padding outside a convolution has no catalogue layer; give the padding to the Conv2d"),
        "Resize": _("resizing (F.interpolate, nn.Upsample) has no catalogue layer; ConvTranspose2d upsamples with "
                    "learned weights"),
        "Where": _("masks and comparisons (torch.where, masked_fill, a padding mask such as "
                   "key_padding_mask=(tokens == 0)) have no catalogue layer"),
        "Cast": _("changing a tensor's type inside the model has no catalogue layer"),
    } | dict.fromkeys(("Slice", "Tile", "Upsample", "Equal", "Less", "Greater", "Not"), None)


def _reason_for(op: str) -> str:
    alias = {"Slice": "Split", "Tile": "Expand", "Upsample": "Resize", "Equal": "Where", "Less": "Where",
             "Greater": "Where", "Not": "Where", "Div": "Mul"}
    found = _reasons().get(alias.get(op, op))
    return found or _("no catalogue layer computes {op}; the README lists the ONNX operations that map").format(
        op=op)


def _map(g, m):
    """[Layer, ...] (applied in turn) or ALIAS; ImportProblem naming the node and why."""
    fn, nodes = _handler(g, m)
    main = next((n for n in nodes if n.op_type not in ("Shape", "Gather", "Unsqueeze", "Concat", "Cast",
                                                       "Transpose", "Squeeze", "Slice")), (nodes or g.nodes)[0])
    try:
        if fn is None:
            raise ValueError(_reason_for(main.op_type))
        with reading() as seen:
            found = fn(g, m)
        if found != X.ALIAS:
            found = found if isinstance(found, list) else [found]
            for layer in found:
                layer.weights = {k: _tensor(k, v) for k, v in layer.weights.items()}
    except ImportProblem:
        raise
    except Exception as e:  # a mapping that meets what it does not expect: named, never a traceback
        why = str(e)[:300] or type(e).__name__
        if lost_paths(m.proto):
            why += _("; this file records no module paths (the dynamo exporter drops them when it converts to an "
                     "opset below 18), so a layer written as many operations, such as attention, cannot be "
                     "recognised: export with opset_version=18 or later")
        raise ImportProblem(_("{node} ({op}) has no layer in the catalogue: {why}").format(
            node=node_label(main), op=main.op_type, why=why), main.name) from None
    check_accounted(nodes, seen, m.opset)
    return found


def _base(g, layer, k: int) -> str:
    if layer.key:
        return layer.key
    if g.path and (g.key == g.path or g.key.startswith(g.path + "#")):
        return g.path + (f"_{k}" if k else "")
    own = call(g.nodes[-1]).lower() or "node"
    return f"{g.path}.{own}" if g.path else own


def _node_id(key: str, taken: set) -> str:
    base = re.sub(r"\W", "_", key.strip("/")).strip("_") or "node"
    base = f"layer_{base}" if base[0].isdigit() else base  # node ids are Python identifiers
    nid, k = base, 2
    while nid in taken:
        nid, k = f"{base}_{k}", k + 1
    taken.add(nid)
    return nid


def _one_in_one_out(g) -> None:
    n = g.nodes[0]
    if not g.sources:
        raise ImportProblem(_("{node} ({op}) reads no data from the model's input (it makes a constant); a layer "
                              "reads one value").format(node=node_label(n), op=n.op_type), n.name)
    if len(g.outputs) != 1:
        raise ImportProblem(_("{node} ({op}): its {n} results are each used further on ({names}); a catalogue layer "
                              "gives one value — use one of them (e.g. an LSTM's output or its h_n, not both)")
                            .format(node=node_label(n), op=n.op_type, n=len(g.outputs),
                                    names=", ".join(g.outputs[:3])), n.name)


def _assemble(m, name: str, where: str, notes: list | None):
    taken, ids, nodes, edges, per_node, ends = set(), {}, [], [], {}, {}
    ids[m.input_name] = _node_id("input", taken)
    nodes.append({"id": ids[m.input_name], "type": "Input",
                  "params": {"shape": m.input_shape} | ({"dtype": "long"} if m.input_dtype == "long" else {})})
    for g in m.groups:
        _one_in_one_out(g)
        found = _map(g, m)
        if found == X.ALIAS:
            ids[g.outputs[0]] = ids[g.sources[0]]
            if m.batch_axis(g.outputs[0]) is None:
                m.forced[g.outputs[0]] = m.batch_axis(g.sources[0])
            continue
        sources = [ids[s] for s in g.sources]
        for k, layer in enumerate(found):
            nid = _node_id(_base(g, layer, k), taken)
            nodes.append({"id": nid, "type": layer.kind, "params": layer.params})
            edges += [{"source": s, "target": nid} | ({"target_port": i} if len(sources) > 1 else {})
                      for i, s in enumerate(sources)]
            per_node[nid], sources = layer.weights, [nid]
            if layer.note and notes is not None:
                notes.append(_("node '{node}': {note}").format(node=nid, note=layer.note))
        ids[g.outputs[0]] = sources[0]
        ends[sources[0]] = g
        if m.batch_axis(g.outputs[0]) is None:  # shape inference lost the batch symbol: it stays where it was
            m.forced[g.outputs[0]] = m.batch_axis(g.sources[0])
    data = project_dict(name, nodes, edges, _("imported from {file}").format(file=where))
    _same_shapes(m, data, ends)
    return data, weights_of(data, per_node)


def _same_shapes(m, data: dict, ends: dict) -> None:
    """Each group's last layer gives the shape the file's own shape inference gives, or the mapping is wrong."""
    from ..checked_project import check
    from ..project import load_project
    report = check(load_project(data))
    for nid, g in ends.items():
        want, got = m.sample(g.outputs[0]), report.shapes.get(nid)
        if want is not None and got is not None and g.outputs[0] not in m.states and list(got) != list(want):
            n = g.nodes[-1]
            raise ImportProblem(_("{node} ({op}): the import gives a {got} output where the file gives {want}").format(
                node=node_label(n), op=n.op_type, got=list(got), want=list(want)), nid)


def import_onnx(data: bytes, name: str = "Imported ONNX model", where: str = "model.onnx", files=None,
                notes: list | None = None):
    """(project dict, state_dict for build_model); ImportProblem naming the ONNX node that cannot be mapped.

    `files`: the external data files that came with the model (name -> bytes, or onnx_files' folder reader);
    `notes`: a list that receives what the person should know before training (a restored BatchNorm)."""
    return _assemble(read(data, where, files), name, where, notes)


def import_onnx_file(path, notes: list | None = None):
    """A model file and the data files beside it in its folder (only there), as `python -m builder import` does."""
    from .onnx_files import Beside
    path = Path(path)
    try:
        too_large(path.stat().st_size, str(path))
        data = path.read_bytes()
    except OSError as e:
        raise ImportProblem(_("{file}: cannot read ({why})").format(file=path, why=e.strerror)) from None
    return import_onnx(data, path.stem, path.name, Beside(path), notes)
