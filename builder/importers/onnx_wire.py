"""An ONNX file's protobuf wire format checked before protobuf parses it: nesting, field count, no subgraphs.

Parsing is where a bomb costs: 2^19 `If` subgraphs in a 63 MB file took 13 s and 2.6 GB to parse and infer.
This walk reads only tags and lengths (the schema comes from onnx's own descriptors), skips every byte
string and packed array as one step, and stops at the first graph-valued attribute, so the cost is bounded
by the number of fields, never by what they would grow into.
"""
from __future__ import annotations

from i18n import _

from ..limits import current
from .errors import ImportProblem

MAX_DEPTH = 16  # model > graph > node > attribute > tensor > entry is 6; TypeProto nests a little more
_NODE, _ATTR, _SUBGRAPH, _TRAINING = 5, 6, (6, 11), 20  # NodeProto.attribute, AttributeProto.g/graphs, ...


class _Unreadable(Exception):
    pass


class _Subgraph(Exception):
    def __init__(self, attribute: str):
        self.attribute = attribute


def _varint(data: bytes, pos: int) -> tuple[int, int]:
    result, shift = 0, 0
    while True:
        b = data[pos]  # IndexError past the end: unreadable
        pos += 1
        result |= (b & 0x7F) << shift
        if b < 0x80:
            return result, pos
        shift += 7
        if shift > 63:
            raise _Unreadable


def _fields(data: bytes, pos: int, end: int):
    """(field number, wire type, start of a length-delimited value or None, position after it)."""
    while pos < end:
        key, pos = _varint(data, pos)
        num, wire = key >> 3, key & 7
        start = None
        if wire == 0:
            _, pos = _varint(data, pos)
        elif wire in (1, 5):
            pos += 8 if wire == 1 else 4
        elif wire == 2:
            n, start = _varint(data, pos)
            pos = start + n
        else:  # groups (3, 4) are not in ONNX's schema; 6 and 7 are not protobuf
            raise _Unreadable
        if pos > end:
            raise _Unreadable
        yield num, wire, start, pos


def _children(desc) -> tuple[dict, frozenset]:
    """A message type's message-typed fields (number -> type) and its string fields (protobuf would hand an
    invalid UTF-8 string to Python as bytes, which every name and op type after it would trip over)."""
    strings = frozenset(f.number for f in desc.fields if f.type == f.TYPE_STRING)
    return {f.number: f.message_type for f in desc.fields if f.message_type is not None}, strings


class _Walk:
    def __init__(self, data: bytes, where: str):
        import onnx
        self.data, self.where, self.fields, self.nodes, self.kinds = data, where, 0, 0, {}
        self.max_fields, self.max_nodes = current().onnx_fields, current().onnx_nodes
        self.model, self.node, self.attr = (onnx.ModelProto.DESCRIPTOR, onnx.NodeProto.DESCRIPTOR,
                                            onnx.AttributeProto.DESCRIPTOR)

    def _count(self, n: int) -> None:
        self.fields += n
        if self.fields > self.max_fields:
            raise ImportProblem(_("{file}: more than {n:,} protobuf fields (a model of this size has far "
                                  "fewer)").format(file=self.where, n=self.max_fields))

    def message(self, desc, pos: int, end: int, depth: int) -> None:
        """Walk one message's fields; only message-typed fields are entered, the rest skipped whole."""
        if depth > MAX_DEPTH:
            raise ImportProblem(_("{file}: protobuf messages nested deeper than {n} levels").format(
                file=self.where, n=MAX_DEPTH))
        children, strings = self.kinds.get(desc.full_name) or self.kinds.setdefault(desc.full_name, _children(desc))
        data, is_attr, subgraph, name, count = self.data, desc is self.attr, False, None, 0
        while pos < end:  # the hot loop of the file: inlined field parsing
            count += 1
            if count > 4096:
                self._count(count)
                count = 0
            key, pos = _varint(data, pos)
            wire = key & 7
            if wire == 0:
                while data[pos] & 0x80:
                    pos += 1
                pos += 1
            elif wire == 2:
                n, start = _varint(data, pos)
                pos = start + n
                if pos > end:
                    raise _Unreadable
                num = key >> 3
                if num in strings:
                    data[start:pos].decode("utf-8")  # UnicodeDecodeError: unreadable
                if is_attr and num in _SUBGRAPH:
                    subgraph = True  # never walked: refused once the attribute's name is known
                elif is_attr and num == 1:
                    name = data[start:pos].decode("utf-8", "replace")
                elif num == _TRAINING and desc is self.model:
                    raise ImportProblem(_("{file}: holds ONNX training information (a training graph), which "
                                          "is not imported; export the model for inference").format(file=self.where))
                elif num in children and (n or children[num] is self.node):  # an empty message holds nothing
                    self._count(count)
                    count = 0
                    self.child(children[num], start, pos, depth)
            elif wire in (1, 5):
                pos += 8 if wire == 1 else 4
            else:  # groups (3, 4) are not in ONNX's schema; 6 and 7 are not protobuf
                raise _Unreadable
        if pos > end:
            raise _Unreadable
        self._count(count)
        if subgraph:
            raise _Subgraph(name or "?")

    def child(self, desc, start: int, end: int, depth: int) -> None:
        if desc is not self.node:
            return self.message(desc, start, end, depth + 1)
        self.nodes += 1
        if self.nodes > self.max_nodes:
            raise ImportProblem(_("{file}: more than {n} ONNX nodes").format(file=self.where, n=self.max_nodes))
        try:
            self.message(desc, start, end, depth + 1)
        except _Subgraph as e:
            raise _subgraph_problem(self.data, start, end, e.attribute) from None


def _subgraph_problem(data: bytes, start: int, end: int, attribute: str) -> ImportProblem:
    """The node parsed without its attributes (so without the graph it carries), for its name and op."""
    import onnx
    from .onnx_names import node_label
    kept = b"".join(data[a:b] for a, b in _spans(data, start, end) if a is not None)
    node = onnx.NodeProto.FromString(kept)
    return ImportProblem(_("{node} ({op}): attribute '{attr}' holds a graph (the body of an If, Loop "
                            "or Scan); a branch or loop inside the model has no layer in the catalogue — export "
                            "a model whose forward has no data-dependent control flow").format(
        node=node_label(node), op=node.op_type, attr=attribute), node.name)


def _spans(data: bytes, start: int, end: int):
    """The byte span of each field of a NodeProto but its attributes (None for those)."""
    pos = start
    for num, _wire, _value, after in _fields(data, start, end):
        yield (None, None) if num == _NODE else (pos, after)
        pos = after


def scan(data: bytes, where: str) -> None:
    """ImportProblem for a file that is not protobuf, is too large in fields or depth, or holds a subgraph."""
    import onnx
    try:
        _Walk(data, where).message(onnx.ModelProto.DESCRIPTOR, 0, len(data), 0)
    except (_Unreadable, IndexError, UnicodeDecodeError):
        raise ImportProblem(_("{file}: not a readable ONNX model").format(file=where)) from None
