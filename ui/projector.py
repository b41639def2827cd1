"""Projector mode (a toggle, or ?present=1): no palette, inspector or sidebar; big text, the current metric as a
big number; canvas, controls and the loss chart fit a 1280×720 screen."""
from __future__ import annotations

import streamlit as st

from i18n import _
from presets import METRICS

from . import language, state
from .figures.curves import loss_figure
from .views import canvas_pane, train_buttons
from .views.chart import chart
from .views.dashboard import LIVE, notice_end, progress_line

STYLE = """<style>
[data-testid="stSidebar"], [data-testid="stSidebarCollapsedControl"], [data-testid="stHeader"] {display: none;}
[data-testid="stMainBlockContainer"] {padding: 0.6rem 1.2rem 0 1.2rem; max-width: 100%;}
.stApp p, .stApp li, .stApp label, .stApp button {font-size: 1.25rem;}
.st-key-big_metric [data-testid="stMetricValue"], .st-key-big_metric [data-testid="stMetricValue"] * {
  font-size: 4.5rem; line-height: 1.1; font-weight: 700;}
.st-key-big_metric [data-testid="stMetricLabel"] p {font-size: 1.3rem;}
</style>"""
CANVAS_HEIGHT = 430
CHART_HEIGHT = 250


def on() -> bool:
    """Projector mode is on: ?present=1 decides on the first run, the toggle afterwards."""
    if state.PRESENT not in st.session_state:
        state.set_present(st.query_params.get("present") == "1")
    return bool(st.session_state[state.PRESENT])


def _sync_url() -> None:
    if st.session_state[state.PRESENT]:
        st.query_params["present"] = "1"
    else:
        st.query_params.pop("present", None)


def toggle() -> None:
    st.toggle(_("Projector mode"), key=state.PRESENT, on_change=_sync_url,
              help=_("hide palette, inspector and sidebar; big text and the current metric as a big number"))


def headline(snap: dict | None) -> tuple[str, str]:
    """(label, value) of the big number: the last validation metric, else the latest training loss."""
    epochs = (snap or {}).get("epochs") or {}
    lang = st.session_state.get(state.LANG) or "en"
    for metric in ("val_accuracy", "val_r2", "val_loss"):
        values = [v for v in epochs.get(metric) or [] if v is not None]
        if values:
            return METRICS[metric].get(lang, metric), f"{values[-1]:.3f}"
    loss = ((snap or {}).get("progress") or {}).get("loss")
    return _("training loss"), ("–" if loss is None else f"{loss:.3f}")


def _small_loss(snap: dict, overlays: list) -> dict:
    spec = loss_figure(snap, overlays)
    spec["layout"].update(height=CHART_HEIGHT, margin=dict(l=10, r=10, t=30, b=10))
    return spec


def show() -> bool:
    """Draw the whole page in projector mode and return True; False (nothing drawn) when it is off."""
    if not on():
        return False
    st.html(STYLE)
    title, switch = st.columns([4, 1], vertical_alignment="center")
    title.markdown(f"### :material/hub: {state.project().get('name', 'project')}")
    with switch:
        toggle()
    left, right = st.columns([3, 2], gap="small")
    with left:
        canvas_pane.draw(height=CANVAS_HEIGHT, bare=True)
    run = train_buttons.current_run()
    with right:
        _live(run)
    train_buttons.show()
    canvas_pane.pictures()
    return True


def _live(run) -> None:
    period = float(st.session_state[state.REFRESH])

    @st.fragment(run_every=period if run is not None and run.status in LIVE else None)
    def big():
        language.follow()  # a fragment's rerun skips the page's top, where the language is applied
        snap = run.snapshot() if run is not None else None
        if snap is not None:
            notice_end(snap)  # the run ended: a full rerun turns polling off and updates the buttons
        label, value = headline(snap)
        with st.container(key="big_metric"):
            st.metric(label, value)
        if run is not None:
            progress_line(run, snap)
            with st.container(key="present_chart"):
                chart(_small_loss, snap, [], key="chart_present_loss")

    big()
