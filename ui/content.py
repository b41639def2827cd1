"""Content digests of JSON values, cheap even when the project carries an uploaded CSV of a few MB."""
from __future__ import annotations

import hashlib
import json

BIG_TEXT = 4096  # longer strings enter a digest by length and Python's str hash, which the string caches


def digest(value) -> str:
    """Equal for equal content within this server process (str hashes are salted per process: never store it)."""
    return hashlib.sha1(json.dumps(_light(value), sort_keys=True, default=str).encode()).hexdigest()


def _light(value):
    if isinstance(value, str) and len(value) > BIG_TEXT:
        return f"text:{len(value)}:{hash(value)}"
    if isinstance(value, dict):
        return {str(k): _light(v) for k, v in value.items()}
    if isinstance(value, (list, tuple)):
        return [_light(v) for v in value]
    return value
