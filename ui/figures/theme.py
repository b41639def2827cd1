"""Figure styling and assembly as plain plotly JSON specs: large type that survives a projector.

Plotly's validating constructors (add_scatter, make_subplots) cost 50–300 ms per chart on a busy 2-core
server, longer than the dashboard's refresh period; plain dict specs wrapped once cost ~1–10 ms.
"""
from __future__ import annotations

FONT = dict(family="Inter, Segoe UI, Helvetica, Arial, sans-serif", size=15, color="#1f2937")
TRAIN, VAL = "#2563eb", "#ea580c"  # train is blue, validation orange, on every chart
SERIES = ["#2563eb", "#ea580c", "#16a34a", "#9333ea", "#dc2626", "#0891b2", "#ca8a04", "#db2777", "#4b5563"]
HEAT = "Viridis"
DIVERGING = "RdBu_r"
GRID = "#e5e7eb"


def axis(**kw) -> dict:
    return {"gridcolor": GRID, "zerolinecolor": "#d1d5db", "linecolor": "#9ca3af", "automargin": True, **kw}


def layout(title: str | None = None, height: int = 340, **kw) -> dict:
    out = {"template": "plotly_white", "font": FONT, "height": height, "paper_bgcolor": "white",
           "plot_bgcolor": "white", "margin": dict(l=60, r=20, t=50 if title else 20, b=50),
           "legend": dict(orientation="h", yanchor="bottom", y=1.02, xanchor="right", x=1),
           "hoverlabel": dict(font_size=14), "uirevision": "keep"}  # keep the user's zoom across redraws
    if title:
        out["title"] = dict(text=title, font=dict(size=18), x=0.01, xanchor="left")  # the legend sits right
    out.setdefault("xaxis", axis())
    out.setdefault("yaxis", axis())
    for k, v in kw.items():
        out[k] = {**out.get(k, {}), **v} if isinstance(v, dict) and isinstance(out.get(k), dict) else v
    return out


def figure(data: list[dict], lay: dict) -> dict:
    """The plotly JSON spec of a figure: plain trace dicts and a layout dict (views wrap it without validation)."""
    return {"data": data, "layout": lay}


def grid(n: int, cols: int, titles: list[str], hgap: float = 0.04, vgap: float = 0.16, square: bool = False):
    """Axes for n small panels in rows of `cols`: (layout entries, [(xref, yref)], title annotations)."""
    rows = -(-n // cols)
    w = (1 - hgap * (cols - 1)) / cols
    h = (1 - vgap * (rows - 1)) / rows
    entries, refs, notes = {}, [], []
    for i in range(n):
        r, c = divmod(i, cols)
        x0, y1 = c * (w + hgap), 1 - r * (h + vgap)
        k = "" if i == 0 else str(i + 1)
        entries[f"xaxis{k}"] = axis(domain=[_unit(x0), _unit(x0 + w)], anchor=f"y{k}")
        entries[f"yaxis{k}"] = axis(domain=[_unit(y1 - h), _unit(y1)], anchor=f"x{k}",
                                    **({"scaleanchor": f"x{k}"} if square else {}))
        refs.append((f"x{k}", f"y{k}"))
        notes.append(dict(text=titles[i], x=x0 + w / 2, y=y1, xref="paper", yref="paper", showarrow=False,
                          xanchor="center", yanchor="bottom", font=dict(size=14)))
    return entries, refs, notes


def _unit(v: float) -> float:
    return min(1.0, max(0.0, round(v, 6)))


def empty(message: str, height: int = 240) -> dict:
    """A figure that says why there is nothing to draw yet (never a blank box)."""
    lay = layout(height=height, xaxis=dict(visible=False), yaxis=dict(visible=False),
                 annotations=[dict(text=message, showarrow=False, font=dict(size=16, color="#6b7280"), x=0.5, y=0.5,
                                   xref="paper", yref="paper")])
    return figure([], lay)
