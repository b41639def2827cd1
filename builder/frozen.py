"""Read-only JSON values: a checked project's document is shared by the page, its history and the runs, never changed.

`freeze` turns plain dicts and lists into `FrozenDict`/`FrozenList` (still a dict and a list to every reader:
`json.dumps`, `==`, `isinstance`, iteration); any write raises `TypeError`, so a view that writes the project
in place fails at once instead of walking around the operations. Frozen parts are shared, not copied: an edit
freezes only what it made new. `copy.deepcopy` and pickle give plain, writable values back.
"""
from __future__ import annotations

READ_ONLY = "a checked project is read-only: change it with an operation (builder.edits.apply)"


def _refuse(*_args, **_kwargs):
    raise TypeError(READ_ONLY)


class FrozenDict(dict):
    """A dict that refuses every write; a copy (`dict(d)`, `{**d}`, `copy.deepcopy`) is writable."""

    __slots__ = ()
    __setitem__ = __delitem__ = __ior__ = _refuse
    clear = pop = popitem = setdefault = update = _refuse

    def __copy__(self) -> dict:
        return dict(self)

    def __deepcopy__(self, memo) -> dict:
        return thaw(self)

    def __reduce__(self):
        return dict, (), None, None, iter(thaw(self).items())


class FrozenList(list):
    """A list that refuses every write; a copy (`list(x)`, `copy.deepcopy`) is writable."""

    __slots__ = ()
    __setitem__ = __delitem__ = __iadd__ = __imul__ = _refuse
    append = extend = insert = pop = remove = clear = sort = reverse = _refuse

    def __copy__(self) -> list:
        return list(self)

    def __deepcopy__(self, memo) -> list:
        return thaw(self)

    def __reduce__(self):
        return list, (), None, iter(thaw(self))


def freeze(value):
    """`value` with every dict and list inside made read-only; frozen parts are reused as they are."""
    if isinstance(value, (FrozenDict, FrozenList)):
        return value
    if isinstance(value, dict):
        out = FrozenDict()
        for k, v in value.items():
            dict.__setitem__(out, k, freeze(v))
        return out
    if isinstance(value, (list, tuple)):
        out = FrozenList()
        list.extend(out, (freeze(v) for v in value))
        return out
    return value


def thaw(value):
    """A plain, writable deep copy of a (maybe frozen) JSON value."""
    if isinstance(value, dict):
        return {k: thaw(v) for k, v in value.items()}
    if isinstance(value, list):
        return [thaw(v) for v in value]
    return value


def is_frozen(value) -> bool:
    return isinstance(value, (FrozenDict, FrozenList))
