"""Beside an uploaded data set: where the network disagrees with it (the agreement pass's problems, with fixes)."""
from __future__ import annotations

import streamlit as st

from trainers.agreement import describe

from .. import state
from ..derived import analysed

RULES = ("input_size", "input_dtype", "class_loss", "values_loss", "output")  # builder.agree's rules


def show() -> None:
    """Each problem the data and loss find in the network, naming the node and its fix (the summary offers the
    buttons): builder.agree's own rule, not one of this view."""
    report = analysed(state.value()).report
    for problem in report.errors + report.warnings:
        if problem.rule in RULES:
            st.warning(describe(problem), icon=":material/straighten:")
