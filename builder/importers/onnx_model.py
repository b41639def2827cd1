"""A read ONNX model as the mapping sees it: constants (folded), shapes with the batch axis marked, groups.

The batch axis is the input's one variable size (`batch` from dynamic_axes / dynamic_shapes); shape inference
carries its symbol through the graph, so each tensor knows where its batch is. A sequence-first model
(input (T, B, F)) thus becomes a batch-first project: each ONNX axis is renamed to the batch-first axis.
"""
from __future__ import annotations

from dataclasses import dataclass, field

from i18n import _

from .errors import ImportProblem
from .onnx_fold import fold
from .onnx_groups import groups, order
from .onnx_read import constants, load

BATCH = "B"  # the batch axis in `shapes`
_LONG = {6, 7}  # onnx.TensorProto.INT32, INT64


@dataclass
class Model:
    proto: object
    where: str  # the file's name, for messages
    consts: dict  # tensor name -> numpy array (initializers, Constant outputs, folded constant subgraphs)
    shapes: dict  # tensor name -> tuple of dims: int, BATCH, or None where unknown
    input_name: str
    input_shape: list  # one sample, batch-first (the batch axis left out wherever it was)
    input_dtype: str
    output_name: str
    static: set  # tensors computed from shapes and constants only (x.size(0) feeding a Reshape): not data
    opset: int  # of the default domain
    producer: dict  # tensor name -> the node that makes it
    groups: list = None
    batch_fixed: bool = False  # the file has no variable batch size: axis 0 is taken as the batch
    states: dict = field(default_factory=dict)  # tensor -> onnx_seq.State: an LSTM/GRU's h_n, not its output
    forced: dict = field(default_factory=dict)  # tensor -> batch axis, where shape inference lost the symbol

    def batch_axis(self, name: str) -> int | None:
        shape = self.shapes.get(name)
        if shape is None:
            return self.forced.get(name)
        if BATCH in shape:
            return shape.index(BATCH)
        return self.forced.get(name, 0 if self.batch_fixed else None)

    def rank(self, name: str) -> int | None:
        shape = self.shapes.get(name)
        return len(shape) if shape is not None else None

    def sample(self, name: str) -> list | None:
        """The tensor's shape without its batch axis (None when a size is unknown)."""
        shape, b = self.shapes.get(name), self.batch_axis(name)
        if shape is None or b is None:
            return None
        rest = [d for k, d in enumerate(shape) if k != b]
        return rest if all(isinstance(d, int) for d in rest) else None

    def axis(self, name: str, a: int) -> int:
        """The ONNX axis `a` of tensor `name` as an axis of the batch-first tensor (the batch is 0)."""
        r, b = self.rank(name), self.batch_axis(name)
        if r is None or b is None:
            raise ValueError("the tensor's rank or batch axis is unknown")
        a = a + r if a < 0 else a
        if a == b:
            raise ValueError("an operation over the batch axis")
        return a + 1 if a < b else a

    def const(self, name: str):
        return self.consts.get(name) if name else None


def _shapes(proto, symbol: str | None) -> dict:
    out = {}
    for vi in list(proto.graph.value_info) + list(proto.graph.input) + list(proto.graph.output):
        t = vi.type.tensor_type
        if t.HasField("shape"):
            out[vi.name] = tuple(d.dim_value if d.HasField("dim_value") else
                                 BATCH if symbol and d.dim_param == symbol else None for d in t.shape.dim)
    return out


def _static(nodes, consts) -> set:
    static = set(consts)
    for n in nodes:
        if n.op_type == "Shape" or all(i in static or i == "" for i in n.input):
            static.update(n.output)
    return static


def _input(proto, consts, where: str):
    inputs = [i for i in proto.graph.input if i.name not in consts]
    if len(inputs) != 1 or len(proto.graph.output) != 1:
        raise ImportProblem(_("{file}: the model must have one input and one output, it has {i} and {o}; the "
                              "canvas holds networks of one tensor in and one out (return one tensor from forward)"
                              ).format(file=where, i=len(inputs), o=len(proto.graph.output)))
    t = inputs[0].type.tensor_type
    dims = list(t.shape.dim)
    free = [k for k, d in enumerate(dims) if not d.HasField("dim_value")]
    if len(free) > 1 or not dims or len(dims) < 2:
        sizes = [d.dim_value if d.HasField("dim_value") else (d.dim_param or "?") for d in dims]
        raise ImportProblem(_("{file}: input '{name}' needs fixed sizes but for one batch axis, got {dims} (export "
                              "with one dynamic axis, the batch)").format(file=where, name=inputs[0].name,
                                                                         dims=sizes))
    b = free[0] if free else 0
    symbol = dims[b].dim_param if free else None
    if free and not symbol:  # a nameless variable size: give it a name shape inference carries
        dims[b].dim_param = symbol = "batch"
    sample = [d.dim_value for k, d in enumerate(dims) if k != b]
    return inputs, symbol, sample, ("long" if t.elem_type in _LONG else "float")


def read(data: bytes, where: str, files=None) -> Model:
    proto = load(data, where, files)
    consts = constants(proto, where)
    inputs, symbol, sample, dtype = _input(proto, consts, where)
    del proto.graph.input[:]  # the data input first, initializers dropped from the input list (older exporters)
    proto.graph.input.extend(inputs)
    shapes = _shapes(proto, symbol)
    consts.update(fold(proto, consts, shapes))
    nodes = [n for n in proto.graph.node if n.op_type != "Constant" and n.output and n.output[0] not in consts]
    static = _static(nodes, consts)
    opset = next((o.version for o in proto.opset_import if o.domain in ("", "ai.onnx")), 1)
    producer = {o: n for n in proto.graph.node for o in n.output}
    m = Model(proto, where, consts, shapes, inputs[0].name, sample, dtype, proto.graph.output[0].name, static,
              opset, producer, batch_fixed=symbol is None)
    m.groups = order(groups(nodes, inputs[0].name, {proto.graph.output[0].name}, static))
    return m
