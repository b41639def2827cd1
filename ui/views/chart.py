"""Draw one plotly chart in the page; a chart that cannot be built says which and why instead of a traceback."""
from __future__ import annotations

import plotly.graph_objects as go
import streamlit as st

from i18n import _

CONFIG = {"displaylogo": False}


def as_figure(spec: dict) -> go.Figure:
    """A Figure around a spec from ui.figures, without plotly's slow per-property validation."""
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
