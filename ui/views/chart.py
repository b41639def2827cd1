"""Draw one plotly chart in the page; a chart that cannot be built says which and why instead of a traceback."""
from __future__ import annotations

import plotly.graph_objects as go
import streamlit as st
from plotly.basedatatypes import BaseFigure

from i18n import _

CONFIG = {"displaylogo": False}


class _Plain(BaseFigure):
    """A figure that is its plain spec already (ui.figures builds them): st.plotly_chart reads only its to_dict().

    plotly's Figure deep-copies every list of numbers when it is built and again in to_dict(): with a live chart
    of 1,200 steps that was most of a dashboard redraw, each second in every page watching. BaseFigure.__init__ is
    skipped on purpose; nothing but to_dict() is called on it.
    """

    def __init__(self, spec: dict):  # noqa: super-init-not-called
        self._spec = spec

    def to_dict(self) -> dict:
        return {**self._spec, "data": [dict(trace) for trace in self._spec["data"]]}  # plotly.io pops their uid


def as_figure(spec: dict) -> BaseFigure:
    """A Figure around a spec from ui.figures, without plotly's slow per-property validation or copies.

    A spec without a named template goes through plotly's Figure, which fills in its default template.
    """
    if isinstance(spec.get("data"), list) and isinstance((spec.get("layout") or {}).get("template"), str):
        return _Plain(spec)
    return go.Figure(spec, _validate=False)


def chart(build, *args, key: str, where=None) -> None:
    """where: a container or column (default: the current one); build(*args) -> a plotly spec from ui.figures."""
    where = where or st
    try:
        spec = build(*args)
        fig = as_figure(spec) if spec is not None else None
    except Exception as exc:  # a chart must never take the page down with it
        where.warning(_('{value}: could not be drawn ({kind}: {exc})').format(
            value=key.removeprefix('chart_'), kind=type(exc).__name__, exc=exc),
                      icon=":material/warning:")
        return
    if fig is not None:
        where.plotly_chart(fig, key=key, config=CONFIG, theme=None)
