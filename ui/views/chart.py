"""Draw one plotly chart in the page; a chart that cannot be built says which and why instead of a traceback."""
from __future__ import annotations

import streamlit as st

CONFIG = {"displaylogo": False}


def chart(build, *args, key: str, where=None) -> None:
    """where: a container or column (default: the current one); build(*args) -> plotly Figure."""
    where = where or st
    try:
        fig = build(*args)
    except Exception as exc:  # a chart must never take the page down with it
        where.warning(f"{key.removeprefix('chart_')}: could not be drawn ({type(exc).__name__}: {exc})",
                      icon=":material/warning:")
        return
    if fig is not None:
        where.plotly_chart(fig, key=key, config=CONFIG, theme=None)
