"""The summary beside the canvas: parameter count, memory estimate and the graph's problems by node."""
from __future__ import annotations

import streamlit as st

from builder.budget import estimate
from i18n import _, ngettext

from .. import state
from . import fix_buttons
from ..derived import analysed, shape_text


# In a narrow summary column (the sidebar open at 1280 px) the figures shrink rather than end in "…".
STYLE = """<style>.st-key-summary {container-type: inline-size;}
@container (max-width: 250px) {.st-key-summary [data-testid="stMetricValue"] {font-size: 1.6rem;}}</style>"""


def human_bytes(n: float) -> str:
    for unit in ("B", "KB", "MB", "GB"):
        if n < 1024 or unit == "GB":
            # three figures at most: the metric's narrow column cuts "498.2 KB" to "498.2 …"
            return f"{n:.0f} {unit}" if unit == "B" or n >= 100 else f"{n:.1f} {unit}"
        n /= 1024
    return f"{n:.1f} GB"


def show() -> None:
    value = analysed(state.value())
    report = value.report
    need = estimate(report, value.signature or state.training())  # at the batch size the settings resolve to
    st.html(STYLE)
    cols = st.columns(2)
    cols[0].metric(_("Parameters"), f"{report.total_params:,}")
    cols[1].metric(_("Memory"), human_bytes(need["total"]),
                   help=_('weights, gradients and Adam state plus the activations of a batch of {batch}').format(
                       batch=need["batch_size"]))
    layers = ngettext("{n} layer", "{n} layers", len(value.graph.nodes)).format(n=len(value.graph.nodes))
    out = report.shapes.get(report.output_node)
    st.caption(_("{layers} · output {shape}").format(layers=layers, shape=shape_text(out)) if out is not None else layers)
    with st.container(key="graph_problems"):
        if report.ok:
            st.success(_("The graph is valid."), icon=":material/check_circle:")
        for i, p in enumerate(report.errors):
            st.error(str(p), icon=":material/error:")
            fix_buttons.show(p, f"e{i}")
        for i, p in enumerate(report.warnings):
            st.warning(str(p), icon=":material/warning:")
            fix_buttons.show(p, f"w{i}")
