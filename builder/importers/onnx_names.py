"""Where an ONNX node comes from: the module path and call the exporter recorded, for grouping and for messages.

torch.onnx's TorchScript exporter names a node after its scope (`/features/features.0/fc/Gemm`); the dynamo
exporter names it `node_linear` and keeps the scope in metadata (`pkg.torch.onnx.name_scopes`:
`['', 'features', 'features.0', 'features.0.fc', 'linear']`, the last being the traced call) and the user's
line in `pkg.torch.onnx.stack_trace`. Both come out as the same dotted module path.
"""
from __future__ import annotations

import ast
import re

from i18n import _

_MAX_META = 4000  # characters of one metadata value read (a file's metadata is as hostile as the rest)


def meta(node) -> dict:
    return {e.key: e.value[:_MAX_META] for e in node.metadata_props}


def _dynamo_scopes(node) -> list[str] | None:
    text = meta(node).get("pkg.torch.onnx.name_scopes")
    if not text:
        return None
    try:
        value = ast.literal_eval(text)
    except (ValueError, SyntaxError, MemoryError, RecursionError):
        return None
    return [str(v) for v in value] if isinstance(value, list) and value else None


def _torchscript_scopes(name: str) -> list[str]:
    """`/features/features.0/fc/Gemm` -> ['features', 'features.0', 'features.0.fc'] (the op name dropped)."""
    if not name.startswith("/"):
        return []
    out = []
    for part in name.strip("/").split("/")[:-1]:
        out.append(part if not out or part.startswith(out[-1] + ".") else f"{out[-1]}.{part}")
    return out


def scopes(node) -> list[str]:
    """Dotted module paths from the outermost module to the innermost one that made the node."""
    found = _dynamo_scopes(node)
    return [s for s in found[1:-1] if s] if found is not None else _torchscript_scopes(node.name)


def call(node) -> str:
    """The traced call that made the node (dynamo's fx name, e.g. `relu_1`), or the node's own name."""
    found = _dynamo_scopes(node)
    return found[-1] if found else (node.name.rsplit("/", 1)[-1] if node.name else "")


def module_path(node) -> str | None:
    found = scopes(node)
    return found[-1] if found else None


def _line(node) -> str | None:
    trace = meta(node).get("pkg.torch.onnx.stack_trace", "")
    found = re.findall(r'line (\d+), in \w+\n\s*([^\n]*)', trace)
    if not found:
        return None
    number, code = found[-1]
    return f"{number}: {code.strip()[:80]}"


def node_label(node) -> str:
    """`module 'features.0.fc' (ONNX node 'node_linear', line 12: x = self.fc(x))`, or the node alone."""
    name = node.name or (node.output[0] if node.output else "?")
    path, line = module_path(node), _line(node)
    inner = _("ONNX node '{name}'").format(name=name) + (_(", line {line}").format(line=line) if line else "")
    if path:
        return _("module '{path}' ({inner})").format(path=path, inner=inner)
    dyn = _dynamo_scopes(node)
    if dyn and dyn[-1]:
        return _("the call '{call}' in forward ({inner})").format(call=dyn[-1], inner=inner)
    return inner
