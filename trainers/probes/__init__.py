"""Probes: every N steps (N adapts so they cost < 5% of running time) look inside every node of the model."""
import math
import time

import torch

from ..metrics import Curve
from ..settings import TrainingSettings
from . import attention, flow, gradients, pictures, predictions
from .stats import Capture, activation_stats, first_tensor

PROBE_BATCH = 64       # the same validation samples are probed every time
TARGET_COST = 0.04     # aim below the 5% budget
MIN_INTERVAL_S = 0.5  # the UI redraws about once a second: more probes than ~2/s show nothing new
GRAD_EVERY_S = 0.1  # gradient norms between probes (cheap): the gradient chart gets points, not 2-4 lines


class Prober:
    """Takes probe snapshots (plain data) of a model during training; `due(step)` says when."""

    def __init__(self, network, data, info: dict, image_shape, options: dict | None = None):
        options = options or {}
        self.enabled = options.get("enabled", True)
        fixed = options.get("every", "auto")
        self.auto = fixed == "auto"
        self.every = 10 if self.auto else int(fixed)
        self.network, self.data, self.info, self.image_shape = network, data, info, image_shape
        use_val = len(data.x_val) > 0
        self.split = "validation" if use_val else "training"  # where the probed samples come from
        self.x = (data.x_val if use_val else data.x_train)[:PROBE_BATCH]
        self.y = (data.y_val if use_val else data.y_train)[:PROBE_BATCH]
        labels = data.labels_val if use_val else data.labels_train
        self.labels = labels[:PROBE_BATCH] if labels is not None else self.y
        self.autoencoder = info["task"] == "regression" and tuple(data.y_train.shape) == tuple(data.x_train.shape)
        self.two_d = data.x_train.is_floating_point() and data.x_train[0].numel() == 2
        self.weighted = [nid for nid, m in network.nodes.items() if any(p.requires_grad for p in m.parameters())]
        fields = [f"g:{n}" for n in self.weighted] + [f"w:{n}" for n in self.weighted]
        self.history = Curve(fields, cap=300, recent=50)
        self.last_step, self.spent_s, self.mean_cost_s = None, 0.0, None
        self.loss = (network.training or {}).get("loss") or TrainingSettings.loss  # for the gradient flow
        self.tracked_s, self.normed_step = -GRAD_EVERY_S, None

    def due(self, step: int, running_s: float) -> bool:
        """The first probe at once; then every N steps, and only while the time budget allows."""
        if not self.enabled:
            return False
        if self.last_step is None:
            return True
        within = not self.auto or self.spent_s + self.mean_cost_s <= TARGET_COST * (running_s + self.mean_cost_s)
        return step - self.last_step >= self.every and within

    def track(self, step: int, running_s: float) -> None:
        """Between probes, every GRAD_EVERY_S of running time: the last batch's gradient and weight norms."""
        if self.enabled and self.weighted and running_s - self.tracked_s >= GRAD_EVERY_S:
            self.tracked_s = running_s
            self._record_norms(step, gradients.node_norms({n: self.network.nodes[n] for n in self.weighted}))

    def _record_norms(self, step: int, norms: dict) -> None:
        if self.normed_step == step:
            return  # this step is already in (tracked just before its probe)
        self.normed_step = step
        point = {}
        for nid in self.weighted:
            g, w = norms[nid]["grad_norm"], norms[nid]["weight_norm"]
            point[f"g:{nid}"], point[f"w:{nid}"] = (math.nan if g is None else g), (math.nan if w is None else w)
        self.history.append(step, point)

    def adapt(self, step_s: float) -> None:
        """Pick N so that probe time / (N steps + probe) stays under TARGET_COST."""
        if self.auto and self.mean_cost_s is not None and step_s > 0:
            by_cost = self.mean_cost_s * (1 - TARGET_COST) / (TARGET_COST * step_s)
            self.every = max(5, math.ceil(by_cost), math.ceil(MIN_INTERVAL_S / step_s))

    def run(self, model, step: int, autocast, running_s: float) -> dict:
        """One probe at `step`; returns the `probes` dict of the snapshot (docs/snapshot.md)."""
        t0 = time.perf_counter()
        was = model.training
        model.eval()  # dropout off, batch norm on running stats: what the model would predict now
        try:
            result = self._probe(model, step, autocast)
            result["flow"] = flow.output_grad_norms(model, self.network.nodes, self.network.input_node, self.x,
                                                    self.y, self.loss, autocast)
        finally:
            model.train(was)
        cost = time.perf_counter() - t0
        self.spent_s += cost
        self.mean_cost_s = cost if self.mean_cost_s is None else 0.8 * self.mean_cost_s + 0.2 * cost
        self.last_step = step
        if not self._finite:  # a diverged model: keep the snapshot valid JSON (NaN/inf -> None)
            result = _json_safe(result)
        result["every"] = self.every
        result["cost_fraction"] = self.spent_s / running_s if running_s > 0 else 0.0
        return result

    @torch.no_grad()
    def _probe(self, model, step, autocast) -> dict:
        net, data, info = self.network, self.data, self.info
        capture, attn = Capture(net.nodes), attention.AttentionCapture(net.nodes)
        try:
            with autocast():
                out = first_tensor(model(self.x))
            self._finite = bool(torch.isfinite(out).all())
            tokens = self.x[0].cpu().tolist() if self.x.dtype == torch.long else None
            names = info.get("class_names") if info.get("kind") == "tokens" else None  # a token task's vocabulary
            attention_weights = attn.weights(tokens, names, {"index": 0, "split": self.split})
        finally:
            capture.remove()
            attn.remove()
        acts = {net.input_node: activation_stats(self.x)}
        for nid, value in capture.outputs.items():
            acts[nid] = activation_stats(value, net.nodes[nid])
        norms = gradients.node_norms({n: net.nodes[n] for n in self.weighted})
        if self.weighted:
            self._record_norms(step, norms)
        hist = self.history.to_dict()
        classify = info["task"] == "classification"
        result = {
            "step": step, "order": list(net.order), "types": dict(net.types), "activations": acts,
            "gradients": norms,
            "gradient_history": {"step": hist["step"],
                                 "grad_norm": {n: hist[f"g:{n}"] for n in self.weighted},
                                 "weight_norm": {n: hist[f"w:{n}"] for n in self.weighted}},
            "boundary": (predictions.boundary(model, data.x_train, data.labels_train if data.labels_train is not None
                                              else data.y_train, info["task"], tuple(data.x_train.shape[1:]), autocast)
                         if self.two_d else None),
            "confusion": (predictions.confusion(model, data.x_val, data.labels_val if data.labels_val is not None
                                                else data.y_val, info["n_classes"], info["class_names"], autocast)
                          if classify and len(data.x_val) else None),
            "samples": predictions.samples(self.x, self.y, self.labels, out, info, self.image_shape, self.autoencoder),
            "feature_maps": pictures.feature_maps(capture.outputs),
            "input_sample": pictures.input_sample(self.x),
            "hidden_states": pictures.hidden_states(capture.outputs, net.nodes),
            "attention": attention_weights,
        }
        return result


def _json_safe(value):
    if isinstance(value, float):
        return value if math.isfinite(value) else None
    if isinstance(value, dict):
        return {k: _json_safe(v) for k, v in value.items()}
    if isinstance(value, list):
        return [_json_safe(v) for v in value]
    return value
