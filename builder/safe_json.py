"""JSON from outside the server: bounded in size and nesting before anything walks it, never a RecursionError."""
from __future__ import annotations

import json

from i18n import N_

from .limits import current


class JSONLimitError(ValueError):
    """The text is not JSON we accept; the message names the source and what is wrong."""


def depth_above(value, limit: int) -> bool:
    """True when `value` nests deeper than `limit` (walked without recursion)."""
    stack = [(value, 1)]
    while stack:
        item, depth = stack.pop()
        if isinstance(item, (dict, list)):
            if depth > limit:
                return True
            children = item.values() if isinstance(item, dict) else item
            stack.extend((c, depth + 1) for c in children if isinstance(c, (dict, list)))
    return False


def check_depth(value, where: str) -> None:
    limit = current().json_depth
    if depth_above(value, limit):
        raise JSONLimitError(N_("{where}: nested more than {limit} levels deep: not a NeuroCanvas file",
            where=where, limit=limit))


def loads(text: str | bytes, where: str, max_bytes: int | None = None):
    """The parsed value; JSONLimitError for too many bytes, bad text, bad JSON, or too deep nesting."""
    limit = current().project_bytes if max_bytes is None else max_bytes
    if len(text) > limit:
        raise JSONLimitError(N_("{where}: {n:,} bytes is above the limit of {limit:,}",
            where=where, n=len(text), limit=limit))
    try:
        value = json.loads(text)
    except RecursionError:
        raise JSONLimitError(N_("{where}: nested too deeply to read: not a NeuroCanvas file",
            where=where)) from None
    except UnicodeDecodeError:
        raise JSONLimitError(N_("{where}: not a text file (expected UTF-8 JSON)", where=where)) from None
    except json.JSONDecodeError as e:
        raise JSONLimitError(N_("{where}: not valid JSON: {msg} at line {line}, column {col}",
            where=where, msg=e.msg, line=e.lineno, col=e.colno)) from None
    check_depth(value, where)
    return value
