"""A bare page that shows hostile names the way the classroom views do (ui.plain), for tests/e2e/test_plain_text.py."""

import streamlit as st

from tests.e2e.plain_names import NAMES
from ui.plain import md
from ui.views.chart import chart
from ui.views.classroom_chart import loss_overlay

for i, name in enumerate(NAMES):
    with st.container(key=f"name_{i}"):
        st.markdown("**Ana** · " + md(name) + " · end")
        st.caption(md(name))
        st.error(md(name))
chart(loss_overlay, {name: {"steps": {"step": [1, 2], "loss": [1.0, 0.5 + i]}} for i, name in enumerate(NAMES)},
      key="chart_names")
