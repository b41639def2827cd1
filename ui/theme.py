"""Figure styling shared by every chart: large type and strong colours that survive a classroom projector."""
import plotly.graph_objects as go

FONT = dict(family="Inter, Segoe UI, Helvetica, Arial, sans-serif", size=15, color="#1f2937")
TRAIN, VAL = "#2563eb", "#ea580c"  # train is blue, validation orange, on every chart
SERIES = ["#2563eb", "#ea580c", "#16a34a", "#9333ea", "#dc2626", "#0891b2", "#ca8a04", "#db2777", "#4b5563"]
HEAT = "Viridis"
DIVERGING = "RdBu_r"


def style(fig: go.Figure, title: str | None = None, height: int = 340) -> go.Figure:
    fig.update_layout(template="plotly_white", font=FONT, height=height,
                      margin=dict(l=60, r=20, t=50 if title else 20, b=50),
                      title=dict(text=title, font=dict(size=18)) if title else None,
                      legend=dict(orientation="h", yanchor="bottom", y=1.02, xanchor="right", x=1),
                      hoverlabel=dict(font_size=14), uirevision="keep")  # keep zoom across redraws
    return fig


def empty(message: str, height: int = 240) -> go.Figure:
    """A figure that says why there is nothing to draw yet (never a blank box)."""
    fig = go.Figure()
    fig.add_annotation(text=message, showarrow=False, font=dict(size=16, color="#6b7280"), x=0.5, y=0.5,
                       xref="paper", yref="paper")
    fig.update_xaxes(visible=False)
    fig.update_yaxes(visible=False)
    return style(fig, height=height)

