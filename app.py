"""NeuroCanvas: build a network on a canvas, train it live and watch every layer (streamlit run app.py)."""
import plotly.graph_objects  # noqa: F401  import everything heavy before any training thread (notes)
import sklearn.datasets  # noqa: F401
import streamlit as st
import torch  # noqa: F401

import trainers  # noqa: F401
from i18n import _
from ui import (canvas_view, code_tab, controls, dashboard, gallery, insides, inspector, lesson_tab, sidebar, state,
                summary, train_settings, workspace)
from ui import projector
from ui.take_home import show as take_home
from ui.views import classroom, classroom_student

st.set_page_config(page_title="NeuroCanvas", page_icon=":material/hub:", layout="wide", initial_sidebar_state="collapsed")
state.init_defaults(sidebar.default_period())
classroom.route()  # ?class=: the teacher's board or the join form take the whole page
workspace.attach()
workspace.open_shared()  # ?project= / ?run= links from "Take it home"
classroom.open_lesson()  # ?lesson=<preset>, untrained
canvas_view.take_edit()  # apply a canvas edit before anything is derived from the project
classroom_student.enforce()  # a class's locks undo what its students may not change, server-side
if projector.show():  # ?present=1 or its toggle: canvas, big metric, controls and chart on one screen
    workspace.save()
    st.stop()
sidebar.show()

st.markdown(f"### :material/hub: NeuroCanvas · {state.project().get('name', 'project')}")
with st.container(key="notices"):  # always present: the canvas below keeps its place (no remount)
    if st.session_state[state.FLASH]:
        kind, text = st.session_state[state.FLASH]
        getattr(st, kind)(text)
        st.session_state[state.FLASH] = None
    if st.session_state[state.HINT]:
        st.info("**Try it:** press **Train** below and watch the loss fall. Then drag a layer from the palette onto "
                "the canvas, connect it, or click a layer to change it.", icon=":material/lightbulb:")
with st.expander("Lessons & examples", icon=":material/school:"):
    gallery.show()

left, right = st.columns([3, 1], gap="medium")
with left:
    canvas_view.draw(height=560)
with right:
    with st.container(key="summary"):
        summary.show()
    with st.container(border=True, key="inspector"):
        if classroom_student.may("graph"):
            inspector.show()
        else:
            st.caption(_("This lesson's network is fixed."))

controls.show()
train_view = train_settings.show if classroom_student.may("training") else classroom_student.fixed_settings
VIEWS = {"Train": train_view, "Dashboard": dashboard.show, "Layers": insides.show, "Code": code_tab.show,
         "Lesson": lesson_tab.show, "Take it home": take_home}
# A segmented control, not st.tabs(on_change="rerun"): with stateful tabs, two run_every fragments duplicated
# their charts on every refresh (Streamlit 1.67). Only the open view is drawn.
view = st.segmented_control("View", list(VIEWS), default="Dashboard", key=state.VIEW, label_visibility="collapsed")
with st.container(key="view"):
    VIEWS[view or "Dashboard"]()
workspace.save()
