"""What happens inside the layers, from snapshot probes: activations over time, boundary, confusion, pictures."""
from __future__ import annotations

import numpy as np

from i18n import _

from .theme import DIVERGING, HEAT, SERIES, axis, empty, figure, grid, layout

BINS = 40
HIDDEN = dict(visible=False)


def activation_over_time(history: list[dict], node: str) -> dict:
    """Heatmap: x = probe step, y = activation value, colour = share of units there (one column per probe).

    history: [{"step": int, "activations": {node: {"hist": {"edges", "counts"}, ...}}}] oldest first.
    Each probe has its own adaptive range; they are re-binned onto one common grid.
    """
    cols = [(h["step"], h["activations"][node]["hist"]) for h in history
            if node in h.get("activations", {}) and _finite_hist(h["activations"][node].get("hist"))]
    if not cols:
        return empty(_('{node}: activations appear after the first probe').format(node=node))
    lo = min(hist["edges"][0] for _step, hist in cols)
    hi = max(hist["edges"][-1] for _step, hist in cols)
    hi = hi if hi > lo else lo + 1.0
    edges = np.linspace(lo, hi, BINS + 1)
    z = np.zeros((BINS, len(cols)))
    for j, (_step, hist) in enumerate(cols):
        own, counts = np.asarray(hist["edges"], float), np.asarray(hist["counts"], float)
        centres = (own[:-1] + own[1:]) / 2
        column, _bins = np.histogram(centres, bins=edges, weights=counts)
        z[:, j] = column / max(column.sum(), 1.0)
    heat = dict(type="heatmap", x=[step for step, _hist in cols], y=((edges[:-1] + edges[1:]) / 2).tolist(), z=z.tolist(),
                colorscale=HEAT, colorbar=dict(title=dict(text=_("share")), tickformat=".0%"),
                hovertemplate="step %{x}<br>value %{y:.3g}<br>share %{z:.1%}<extra></extra>")
    return figure([heat], layout(_('{node}: activation distribution over time').format(node=node), height=320,
                                 xaxis=dict(title=dict(text=_("step"))),
                                 yaxis=dict(title=dict(text=_("activation value")))))


def _finite_hist(hist) -> bool:
    edges = (hist or {}).get("edges") or []
    return bool((hist or {}).get("counts")) and all(isinstance(e, (int, float)) and np.isfinite(e) for e in edges)


def activation_histograms(probes: dict, max_layers: int = 12) -> dict:
    """Latest histogram of every layer, in graph order, with mean and dead-unit share in the title."""
    acts = probes.get("activations") or {}
    nodes = [n for n in probes.get("order", []) if n in acts][:max_layers]
    if not nodes:
        return empty(_("Activation histograms appear after the first probe"))
    cols = min(4, len(nodes))
    rows = -(-len(nodes) // cols)

    def title(n):
        a = acts[n]
        dead, mean = a.get("dead_fraction"), a.get("mean")
        head = (_("{node} · mean {mean:.2g}").format(node=n, mean=mean) if mean is not None
                else _("{node} · not finite").format(node=n))
        return head + (_(" · dead {share:.0%}").format(share=dead) if dead is not None else "")

    axes, refs, notes = grid(len(nodes), cols, [title(n) for n in nodes], vgap=0.18 if rows > 1 else 0.1)
    data = []
    for i, n in enumerate(nodes):
        hist = acts[n].get("hist") or {}
        edges = hist.get("edges") or [0, 1]
        data.append(dict(type="bar", x=[(a + b) / 2 for a, b in zip(edges, edges[1:])], y=hist.get("counts", []),
                         xaxis=refs[i][0], yaxis=refs[i][1], showlegend=False, name=n,
                         marker=dict(color=SERIES[i % len(SERIES)])))
    return figure(data, {**layout(height=230 * rows + 40, bargap=0, annotations=notes), **axes})


def dead_units_figure(history: list[dict]) -> dict:
    """Share of ReLU-family units that never fire on the probe batch, per layer, over time."""
    data, nodes = [], []
    for h in history:
        nodes += [n for n, a in h.get("activations", {}).items() if a.get("dead_fraction") is not None and n not in nodes]
    for i, n in enumerate(nodes):
        pts = [(h["step"], h["activations"][n]["dead_fraction"]) for h in history if n in h.get("activations", {})]
        data.append(dict(type="scatter", x=[p[0] for p in pts], y=[p[1] for p in pts], mode="lines+markers", name=n,
                         line=dict(color=SERIES[i % len(SERIES)], width=2.5)))
    if not data:
        return empty(_("No ReLU-family layers: no dead units to count"))
    return figure(data, layout(_("Dead units per layer"), xaxis=dict(title=dict(text=_("step"))),
                               yaxis=dict(title=dict(text=_("dead units")), range=[0, 1], tickformat=".0%")))


def boundary_figure(probes: dict) -> dict:
    """The model's output over the 2-D input plane with the training points on top."""
    b = probes.get("boundary")
    if not b:
        return empty(_("The decision boundary is drawn for 2-D inputs"))
    heat = dict(type="heatmap", x=b["x"], y=b["y"], z=b.get("value") or b.get("predicted"), colorscale=DIVERGING,
                opacity=0.75, showscale=False, hoverinfo="skip", zsmooth="best")
    pts = b.get("points") or {}
    labels = pts.get("label", [])
    ints = all(isinstance(v, int) for v in labels)
    dots = dict(type="scatter", x=pts.get("x", []), y=pts.get("y", []), mode="markers", showlegend=False,
                marker=dict(size=8, color=labels, colorscale="Portland" if ints else DIVERGING,
                            line=dict(width=1, color="white")),
                hovertemplate="(%{x:.2f}, %{y:.2f}) label %{marker.color}<extra></extra>")
    return figure([heat, dots], layout(_("Decision boundary"), height=420,
                                       xaxis=dict(title=dict(text="x₁"), range=[b["x"][0], b["x"][-1]]),
                                       yaxis=dict(title=dict(text="x₂"), range=[b["y"][0], b["y"][-1]],
                                                  scaleanchor="x")))


def confusion_figure(probes: dict) -> dict:
    c = probes.get("confusion")
    if not c:
        return empty(_("The confusion matrix is drawn for classification"))
    m = np.asarray(c["matrix"], float)
    share = m / np.maximum(m.sum(axis=1, keepdims=True), 1)
    labels = [str(s) for s in c["labels"]]
    heat = dict(type="heatmap", z=share.tolist(), x=labels, y=labels, colorscale="Blues", zmin=0, zmax=1,
                text=m.astype(int).tolist(), colorbar=dict(title=dict(text=_("of row")), tickformat=".0%"),
                hovertemplate="true %{y} → predicted %{x}: %{text}<extra></extra>")
    if len(labels) <= 15:
        heat["texttemplate"] = "%{text}"
    return figure([heat], layout(_("Confusion matrix (validation)"), height=420,
                                 xaxis=dict(title=dict(text=_("predicted")), type="category"),
                                 yaxis=dict(title=dict(text=_("true")), type="category", autorange="reversed")))


def _panels(images: list[dict], titles: list[str], height: int, title: str | None = None, hgap=0.02,
            axis_kw: dict | None = None) -> dict:
    """A row of heatmap panels (pictures, feature maps, attention heads) with one title each."""
    axes, refs, notes = grid(len(images), len(images), titles, hgap=hgap, square=True)
    for name, ax in axes.items():
        ax.update(axis_kw or HIDDEN)
        if name.startswith("yaxis"):
            ax["autorange"] = "reversed"
    data = [{**img, "type": "heatmap", "xaxis": x, "yaxis": y} for img, (x, y) in zip(images, refs)]
    return figure(data, {**layout(title, height=height, annotations=notes), **axes})


def sample_images_figure(probes: dict) -> dict | None:
    """Image samples with prediction and truth as titles (✓/✗); None when samples are not images."""
    samples = [s for s in probes.get("samples") or [] if s.get("kind") == "image"]
    if not samples:
        return None

    def title(s):
        mark = "✓" if s.get("correct") else ("✗" if s.get("correct") is False else "")
        pred = s.get("prediction_name") if s.get("prediction_name") is not None else s.get("prediction")
        true = s.get("target_name") if s.get("target_name") is not None else s.get("target")
        if isinstance(pred, list):
            return _("input / reconstruction")
        return _("{mark} {predicted} (true {true})").format(mark=mark, predicted=pred, true=true)

    images = [dict(z=s["input"], colorscale="Greys", showscale=False) for s in samples]
    return _panels(images, [title(s) for s in samples], 220)


def feature_maps_figure(probes: dict, node: str) -> dict:
    fm = (probes.get("feature_maps") or {}).get(node)
    if not fm:
        return empty(_('{node}: no feature maps').format(node=node))
    images = [dict(z=ch, colorscale=HEAT, zmin=fm["min"], zmax=fm["max"], showscale=i == 0)
              for i, ch in enumerate(fm["channels"])]
    titles = [f"ch {i}" for i in range(len(images))]
    seen = probes.get("input_sample") or {}
    if seen.get("kind") == "image":  # the picture the maps come from, first
        images.insert(0, dict(z=seen["values"], colorscale="Greys", reversescale=True, showscale=False))
        titles.insert(0, _("input"))
    return _panels(images, titles, 250, _("{node}: feature maps {shape}").format(node=node, shape=fm["shape"]))


def hidden_states_figure(probes: dict, node: str) -> dict:
    hs = (probes.get("hidden_states") or {}).get(node)
    if not hs:
        return empty(_('{node}: no hidden states').format(node=node))
    heat = dict(type="heatmap", z=np.asarray(hs["values"]).T.tolist(), y=[f"unit {u}" for u in hs["units"]],
                colorscale=DIVERGING, zmid=0, colorbar=dict(title=dict(text=_("value")), len=0.65, y=0.33),
                yaxis="y")
    seen = probes.get("input_sample") or {}
    if seen.get("kind") not in ("sequence", "tokens"):
        return figure([heat], layout(_('{node}: hidden state over time (sample 0)').format(node=node), height=320,
                                     xaxis=dict(title=dict(text=_("time step")))))
    # the input sequence above, on the same time axis: what the units respond to
    values = np.asarray(seen["values"], dtype=float).reshape(len(seen["values"]), -1)
    lines = [dict(type="scatter", x=list(range(len(values))), y=values[:, f].tolist(), mode="lines+markers",
                  name=_("input {n}").format(n=f) if seen["kind"] == "sequence" else _("input token"), yaxis="y2",
                  line=dict(color=SERIES[f % len(SERIES)], width=2)) for f in range(values.shape[1])]
    return figure(lines + [heat], layout(_('{node}: input and hidden state over time (sample 0)').format(node=node),
                                         height=420, xaxis=dict(title=dict(text=_("time step"))),
                                         yaxis=dict(domain=[0, 0.65]),
                                         yaxis2=dict(domain=[0.72, 1], title=dict(text=_("input")))))


def attention_figure(probes: dict, node: str) -> dict:
    """One heat map per head, query (rows) × key (columns), both axes labelled with the sample's tokens."""
    att = (probes.get("attention") or {}).get(node)
    if not att:
        return empty(_('{node}: no attention weights').format(node=node))
    heads = att["weights"]
    ticks = _token_ticks(att, len(heads[0]))
    kw = axis(tickvals=list(range(len(ticks))), ticktext=ticks, tickangle=0, showgrid=False)
    images = [dict(z=w, colorscale=HEAT, zmin=0, zmax=1, showscale=i == 0,
                   hovertemplate=_("query %{y} → key %{x}: %{z:.2f}") + "<extra></extra>") for i, w in enumerate(heads)]
    fig = _panels(images, [_("head {n}").format(n=i + 1) for i in range(len(heads))], 360,
                  _("{node}: attention weights of {sample}").format(node=node, sample=_sample_name(att.get("sample"))),
                  hgap=0.05, axis_kw=kw)
    fig["layout"]["xaxis"]["title"] = dict(text=_("key token (looked at)"))
    fig["layout"]["yaxis"]["title"] = dict(text=_("query token (looking)"))
    return fig


def _token_ticks(att: dict, n: int) -> list[str]:
    """The sample's token names, else its token ids, else positions: one label per row/column."""
    for key in ("token_names", "tokens"):
        if att.get(key) and len(att[key]) == n:
            return [str(t) for t in att[key]]
    return [_("pos {n}").format(n=i) for i in range(n)]


def _sample_name(sample: dict | None) -> str:
    sample = sample or {"index": 0, "split": "validation"}
    if sample.get("split") == "training":
        return _("training sample {n}").format(n=sample.get("index", 0) + 1)
    return _("validation sample {n}").format(n=sample.get("index", 0) + 1)
