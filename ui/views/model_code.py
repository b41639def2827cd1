"""The Code tab: the PyTorch code compiled from the graph (torch.fx), or why there is none yet."""
from __future__ import annotations

import streamlit as st

from i18n import _

from .. import state
from ..derived import model_code


def show() -> None:
    code, problem = model_code(state.value())
    if code is None:
        st.warning(_('No code while the graph has problems: {problem}').format(
            problem=problem), icon=":material/code_off:")
        return
    st.caption(_("The forward pass PyTorch runs for this graph (torch.fx); every node is a submodule named by its id."))
    with st.container(key="model_code"):
        st.code(code.strip("\n"), language="python", line_numbers=True)
