"""The built-in data set's own options (noise, n_samples, length...) as number boxes named as the lessons name them."""
from __future__ import annotations

import streamlit as st

from builder.limits import current
from builder.ops import set_training
from i18n import _
from trainers import dataset_options

from .. import state

HIDDEN = ("seed",)  # the project's own seed already decides the data


def numeric(name: str) -> dict:
    """{option: default} of the data set's number options; {} for an unknown set or one without any."""
    try:
        defaults = dataset_options(name)
    except Exception:
        return {}
    return {k: v for k, v in defaults.items()
            if k not in HIDDEN and isinstance(v, (int, float)) and not isinstance(v, bool)}


def _take(option: str, key: str, default) -> None:
    """on_change: the option goes into training.dataset_options (removed again when back at its default)."""
    t = state.training()
    options = dict(t.get("dataset_options") or {})
    value = st.session_state[key]
    if value == default:
        options.pop(option, None)
    else:
        options[option] = value
    state.edit(set_training(dataset_options=options), own_widgets=True)


def show(t: dict) -> None:
    name = t.get("dataset")
    options = numeric(name)
    if not options:
        return
    chosen = t.get("dataset_options") or {}
    cols = st.columns(min(3, len(options)))
    for i, (option, default) in enumerate(options.items()):
        whole = isinstance(default, int)
        cast = int if whole else float
        lo, hi = (None if b is None else cast(b)  # the bounds trainers hold every option to (builder.limits)
                  for b in current().dataset_options.get(option, (None, None)))
        value = chosen.get(option, default)
        if not isinstance(value, (int, float)) or isinstance(value, bool) or not _within(value, lo, hi):
            value = default  # a value from a file that the box cannot hold: the loader names it at Train
        key = f"dopt:{st.session_state[state.GEN]}:{name}:{option}"
        cols[i % len(cols)].number_input(
            option, value=int(value) if whole else float(value), min_value=lo, max_value=hi,
            step=1 if whole else 0.05, format=None if whole else "%g", key=key, on_change=_take,
            args=(option, key, default), help=_("an option of data set {name} (default {default})").format(
                name=name, default=default))


def _within(value, lo, hi) -> bool:
    return (lo is None or value >= lo) and (hi is None or value <= hi)
