"""ui.views.chart.as_figure: st.plotly_chart gets the very JSON plotly's Figure would give, without copying numbers."""
import json

import plotly.graph_objects as go
import plotly.io
import plotly.tools
import pytest

from tests.test_app_plots import moons_snapshot  # noqa: F401  the fixture: a real finished run, probed
from ui.figures import curves, layer_pictures as pi, theme
from ui.views.chart import as_figure


def sent(figure) -> dict:
    """What st.plotly_chart puts on the wire for `figure` (its two plotly calls), read back."""
    return json.loads(plotly.io.to_json(plotly.tools.return_figure_from_figure_or_data(figure, True), validate=False))


def specs(snap: dict) -> list[dict]:
    probes = snap["probes"]
    overlay = {"label": "run 0", "snapshot": snap}
    return [curves.loss_figure(snap, [overlay]), curves.metric_figure(snap, [overlay]), curves.gradient_figure(snap),
            pi.activation_histograms(probes), pi.boundary_figure(probes), pi.confusion_figure(probes),
            curves.loss_figure({}, []), theme.figure([{"type": "scatter", "x": [1, 2], "y": [3, 4]}], {})]


@pytest.mark.slow  # the fixture trains a small network
def test_every_dashboard_figure_goes_out_as_plotly_figure_would_send_it(moons_snapshot):  # noqa: F811
    for spec in specs(moons_snapshot):
        assert sent(as_figure(json.loads(json.dumps(spec)))) == sent(go.Figure(spec, _validate=False))


def test_a_live_chart_is_not_copied_number_by_number_on_each_redraw():
    steps = list(range(1200))
    spec = curves.loss_figure({"steps": {"step": steps, "loss": [1.0 / (s + 1) for s in steps]}}, [])
    drawn = as_figure(spec).to_dict()  # what st.plotly_chart encodes
    assert drawn["data"][0]["x"] is spec["data"][0]["x"]
    assert sent(as_figure(spec))["data"][0]["x"] == steps
