"""The summary beside the canvas: parameter count, memory estimate and the graph's problems by node."""
from __future__ import annotations

import streamlit as st

from .. import state
from ..derived import analyse


def human_bytes(n: float) -> str:
    for unit in ("B", "KB", "MB", "GB"):
        if n < 1024 or unit == "GB":
            return f"{n:.0f} {unit}" if unit == "B" else f"{n:.1f} {unit}"
        n /= 1024
    return f"{n:.1f} GB"


def show() -> None:
    derived = analyse(state.project())
    report = derived["report"]
    if report is None:
        st.error(f"The graph cannot be read: {derived['problem']}")
        return
    batch = int(state.training().get("batch_size", 64) or 64)
    cols = st.columns(2)
    cols[0].metric("Parameters", f"{report.total_params:,}")
    cols[1].metric("Memory", human_bytes(report.memory_for_batch(batch)),
                   help=f"weights, gradients and Adam state plus the activations of a batch of {batch}")
    st.caption(f"{len(state.graph().get('nodes', []))} layers · output {list(report.shapes.get(report.output_node, ()))}"
               if report.output_node in report.shapes else f"{len(state.graph().get('nodes', []))} layers")
    with st.container(key="graph_problems"):
        if report.ok:
            st.success("The graph is valid.", icon=":material/check_circle:")
        for p in report.errors:
            st.error(str(p), icon=":material/error:")
        for p in report.warnings:
            st.warning(str(p), icon=":material/warning:")
