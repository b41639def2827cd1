"""Parameter specifications: what a layer's constructor argument may hold, and its validation."""
from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from i18n import N_

REQUIRED = object()  # sentinel: the parameter has no default and must be given

# Upper bound for any size-like integer (channels, features, hidden sizes, vocabulary).
MAX_SIZE = 1_000_000


@dataclass(frozen=True)
class ParamSpec:
    kind: str  # "int" | "float" | "bool" | "choice" | "ints" (int or list of ints) | "shape" (list of ints)
    help: str
    default: Any = REQUIRED
    min: float | None = None
    max: float | None = None
    choices: tuple = ()
    initial: Any = None  # value a freshly dropped node gets for a required parameter
    nullable: bool = False  # None is allowed (e.g. MaxPool stride = kernel_size)
    empty: bool = False  # an empty list is allowed ("shape": Reshape to [], one number per sample)

    @property
    def required(self) -> bool:
        return self.default is REQUIRED

    def to_dict(self) -> dict:
        default = None if self.required else self.default
        return {"kind": self.kind, "help": self.help, "default": default, "required": self.required,
                "min": self.min, "max": self.max, "choices": list(self.choices),
                "initial": self.initial if self.required else default, "nullable": self.nullable,
                "empty": self.empty}


def _is_int(v) -> bool:
    return isinstance(v, int) and not isinstance(v, bool)


def _check_range(spec: ParamSpec, v, what: str):
    if spec.min is not None and v < spec.min:
        return N_("{what} must be ≥ {limit}, got {value}", what=what, limit=_fmt(spec.min), value=v)
    if spec.max is not None and v > spec.max:
        return N_("{what} must be ≤ {limit}, got {value}", what=what, limit=_fmt(spec.max), value=v)
    return None


def _fmt(x) -> str:
    return str(int(x)) if float(x).is_integer() else str(x)


def validate(spec: ParamSpec, name: str, value) -> tuple[Any, Any]:
    """Return (normalised value, error or None: an i18n Message, read in the viewer's language).

    Ints may arrive as 3.0 from JSON editors; lists as tuples."""
    if value is None:
        if spec.nullable:
            return None, None
        return value, N_("{name} must not be empty", name=name)
    if spec.kind == "int":
        if isinstance(value, float) and value.is_integer():
            value = int(value)
        if not _is_int(value):
            return value, N_("{name} must be an integer, got {value}", name=name, value=repr(value))
        return value, _check_range(spec, value, name)
    if spec.kind == "float":
        if isinstance(value, bool) or not isinstance(value, (int, float)):
            return value, N_("{name} must be a number, got {value}", name=name, value=repr(value))
        if value != value or value in (float("inf"), float("-inf")):
            return value, N_("{name} must be a finite number, got {value}", name=name, value=repr(value))
        return float(value), _check_range(spec, value, name)
    if spec.kind == "bool":
        if not isinstance(value, bool):
            return value, N_("{name} must be true or false, got {value}", name=name, value=repr(value))
        return value, None
    if spec.kind == "choice":
        if value not in spec.choices:
            return value, N_("{name} must be one of {choices}, got {value}", name=name,
                                     choices=", ".join(map(str, spec.choices)), value=repr(value))
        return value, None
    if spec.kind in ("ints", "shape"):
        items = [value] if spec.kind == "ints" and not isinstance(value, (list, tuple)) else value
        if not isinstance(items, (list, tuple)) or (not items and not spec.empty):
            return value, N_("{name} must be a list of integers, got {value}", name=name, value=repr(value))
        out = []
        for v in items:
            if isinstance(v, float) and v.is_integer():
                v = int(v)
            if not _is_int(v):
                return value, N_("{name} must contain integers, got {value}", name=name, value=repr(value))
            out.append(v)
        if spec.kind == "ints":
            if len(out) > 3:
                return value, N_("{name} takes one integer or one per spatial axis, got {value}", name=name,
                                         value=repr(value))
            for v in out:
                err = _check_range(spec, v, name)
                if err:
                    return value, err
            return (out[0] if len(out) == 1 else out), None
        return out, None
    raise ValueError(f"unknown parameter kind {spec.kind}")  # programming error in the catalogue
