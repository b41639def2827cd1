"""NeuroCanvas: build a network on a canvas, train it live and watch every layer (streamlit run app.py)."""
import plotly.graph_objects  # noqa: F401  heavy imports before any training thread: two threads importing at once
# (a worker importing sklearn while plotly imported pandas) hit "partially initialized module"
import sklearn.datasets  # noqa: F401
import streamlit as st
import torch  # noqa: F401

import trainers  # noqa: F401
from i18n import N_, _
from ui import language, projector, state, workspace
from ui.views import (canvas_pane, cards, classroom, classroom_student, dashboard, gallery, inspector, layers, lesson,
                      model_code, sidebar, summary, take_home, train_buttons, train_settings)

st.set_page_config(page_title="NeuroCanvas", page_icon=":material/hub:", layout="wide", initial_sidebar_state="collapsed")
state.init_defaults(sidebar.default_period())
language.apply(classroom.class_language())  # before any text: ?lang=, the class's, the browser's language, then English
classroom.route()  # ?class=: the teacher's board or the join form take the whole page
workspace.attach()
state.take_in()  # a project dict put into the session from outside (a test) is parsed and checked at the door
classroom_student.enforce()  # the class's lock, which every edit below is held to, server-side
train_buttons.follow_live_run()  # before any view reads the run on the dashboard
take_home.open_shared()  # ?project= / ?run= links from "Take it home"
classroom.open_lesson()  # ?lesson=<preset>, untrained
canvas_pane.take_edit()  # apply a canvas edit before anything is drawn from the project
if projector.show():  # ?present=1 or its toggle: canvas, big metric, controls and chart on one screen
    workspace.save()
    st.stop()
sidebar.show()

title, lang_switch = st.columns([5, 1], vertical_alignment="center")
title.markdown(f"### :material/hub: NeuroCanvas · {state.project().get('name') or _('project')}")
with lang_switch:
    language.switch()
with st.container(key="notices"):  # always present: the canvas below keeps its place (no remount)
    if st.session_state[state.FLASH]:
        kind, text = state.take_flash()
        getattr(st, kind)(text)
    if st.session_state[state.HINT]:
        st.info(_("**Try it:** press **Train** below and watch the loss fall. Then drag a layer from the palette onto "
                "the canvas, connect it, or click a layer to change it."), icon=":material/lightbulb:")
# The gallery's ~50 elements are sent only while its expander is open (Streamlit's page handles a rerun's elements
# one by one, so every edit paid for them), and then after the canvas and the inspector: the new shapes go first.
# `expanded` carries the open state over a language switch (the label is part of the expander's identity).
lessons = st.expander(_("Lessons & examples"), icon=":material/school:", key=state.GALLERY_OPEN, on_change="rerun",
                      expanded=bool(st.session_state.get(state.GALLERY_OPEN)))
left, right = st.columns([3, 1], gap="medium")
with left:
    canvas_pane.draw(height=560)
    cards.picker()
with right:
    with st.container(key="summary"):
        summary.show()
    with st.container(border=True, key="inspector"):
        if classroom_student.may("graph"):
            inspector.show()
        else:
            st.caption(_("This lesson's network is fixed."))
if lessons.open:
    with lessons:
        gallery.show()

train_buttons.show()
train_view = train_settings.show if classroom_student.may("training") else classroom_student.fixed_settings
VIEWS = {"Train": train_view, "Dashboard": dashboard.show, "Layers": layers.show, "Code": model_code.show,
         "Lesson": lesson.show, "Take it home": take_home.show}
# A segmented control, not st.tabs(on_change="rerun"): with stateful tabs, two run_every fragments duplicated
# their charts on every refresh (Streamlit 1.67). Only the open view is drawn.
state.keep_view()
VIEW_NAMES = {"Train": N_("Train"), "Dashboard": N_("Dashboard"), "Layers": N_("Layers"), "Code": N_("Code"),
              "Lesson": N_("Lesson"), "Take it home": N_("Take it home")}  # the keys stay: ?view links, tests
view = st.segmented_control(_("View"), list(VIEWS), default="Dashboard", key=state.VIEW, label_visibility="collapsed",
                            format_func=lambda name: str(VIEW_NAMES[name]))
with st.container(key="view"):
    VIEWS[view or "Dashboard"]()
canvas_pane.pictures()  # while the network trains: the canvas's pictures, renewed at each refresh
workspace.save()
