"""Typed parameter values for the inspector: text <-> ints/shape lists, with errors naming the field."""
from __future__ import annotations


class ParamError(ValueError):
    pass


def ints_to_text(value) -> str:
    if value is None:
        return ""
    if isinstance(value, (list, tuple)):
        return ", ".join(str(v) for v in value) if value else "[]"
    return str(value)


def parse_ints(text: str, field: str, nullable: bool, shape: bool, empty: bool = False):
    """'3' -> 3, '3, 3' -> [3, 3]; a shape is always a list; '' -> None when nullable, [] when `empty` (a Reshape
    to one number per sample)."""
    text = (text or "").strip().strip("[]()")
    if not text:
        if nullable:
            return None
        if shape and empty:
            return []
        raise ParamError(f"{field}: a value is required")
    try:
        values = [int(part) for part in text.replace(" ", ",").split(",") if part]
    except ValueError:
        raise ParamError(f"{field}: expected whole numbers separated by commas, got {text!r}") from None
    if shape or len(values) > 1:
        return values
    return values[0]
