"""Inside the network, live: activations, dead units, gradients, boundary, confusion, samples, maps, attention."""
from __future__ import annotations

import streamlit as st

from i18n import _

from .. import language, state
from ..figures import curves, layer_pictures as pi
from ..state import LAYER
from .chart import chart
from .dashboard import LIVE, notice_end, progress_line
from .train_buttons import current_run

PICTURES_S = 2.0  # the layer pictures renew at most this often while training (the loss chart: every refresh)


def show() -> None:
    """The Layers view: its own fragment, polling at the pictures' pace (the curves live in the Dashboard view)."""
    run = current_run()
    if run is None:
        st.info(_("Press **Train**: what happens inside every layer appears here as the network learns."),
                icon=":material/layers:")
        return

    @st.fragment(run_every=PICTURES_S if run.status in LIVE else None)
    def layers():
        language.follow()
        snap = run.snapshot()
        notice_end(snap)
        progress_line(run, snap)
        show_insides(run, snap)

    layers()


def show_insides(run, snap: dict) -> None:
    probes = run.shown_probes(snap, PICTURES_S)
    if not probes:
        st.caption(_("Pictures of every layer appear after the first probe (a few steps into training)."))
        return
    st.caption(_("Probed at step {step:,} on a fixed validation batch (every {every} steps, {percent:.1f}% of the "
                 "time).").format(step=probes["step"], every=probes.get("every"),
                                  percent=100 * probes.get("cost_fraction", 0)))
    tabs = st.tabs([_("Activations"), _("Gradients"), _("Predictions"), _("Feature maps"), _("Hidden states"),
                    _("Attention")])
    with tabs[0], st.container(key="panel_activations"):
        _activations(run, probes)
    with tabs[1]:
        chart(curves.gradient_figure, {"probes": probes}, key="chart_grad")
    with tabs[2]:
        _predictions(probes)
    _per_node(tabs[3], probes, "feature_maps", pi.feature_maps_figure, _("No layer with [C, H, W] output."))
    _per_node(tabs[4], probes, "hidden_states", pi.hidden_states_figure, _("No RNN, LSTM or GRU layer."))
    _per_node(tabs[5], probes, "attention", pi.attention_figure, _("No attention layer."))


def _activations(run, probes: dict) -> None:
    chart(pi.activation_histograms, probes, key="chart_hist")
    layers = [n for n in probes.get("order", []) if n in (probes.get("activations") or {})]
    cols = st.columns(2)
    with cols[0]:
        current = st.session_state.get(LAYER)
        layer = st.selectbox(_("Layer over time"), layers, index=layers.index(current) if current in layers else
                             min(1, len(layers) - 1), key=f"{LAYER}:{run.id}")
        state.set_layer(layer)
        history = [h for h in run.probe_history if h["step"] <= probes["step"]]
        chart(pi.activation_over_time, history, layer, key="chart_act_time")
    with cols[1]:
        chart(pi.dead_units_figure, [h for h in run.probe_history if h["step"] <= probes["step"]], key="chart_dead")


def _predictions(probes: dict) -> None:
    cols = st.columns(2)
    if probes.get("boundary"):
        chart(pi.boundary_figure, probes, key="chart_boundary", where=cols[0])
    if probes.get("confusion"):
        chart(pi.confusion_figure, probes, key="chart_confusion", where=cols[1])
    if any(s.get("kind") == "image" for s in probes.get("samples") or []):
        chart(pi.sample_images_figure, probes, key="chart_samples")
    elif probes.get("samples"):
        st.dataframe(sample_rows(probes["samples"]), hide_index=True)


def sample_rows(samples: list[dict]) -> list[dict]:
    def short(v):
        text = str(v)
        return text if len(text) <= 60 else text[:57] + "…"
    return [{"input": short(s.get("input")), "target": short(s.get("target_name") or s.get("target")),
             "prediction": short(s.get("prediction_name") or s.get("prediction")),
             "ok": {True: "✓", False: "✗"}.get(s.get("correct"), "")} for s in samples]


def _per_node(tab, probes: dict, key: str, figure, none: str) -> None:
    with tab:
        nodes = [n for n in probes.get("order", []) if n in (probes.get(key) or {})]
        if not nodes:
            st.caption(none)
        for n in nodes[:6]:
            chart(figure, probes, n, key=f"chart_{key}_{n}")
