"""The network alive on the canvas: gradient flow from the probes (PyTorch as the oracle) and the canvas's live data."""
import contextlib

import pytest
import torch

from tests.graph_factory import make_project
from trainers import TrainingJob
from ui.canvas.live import live_annotations

pytestmark = pytest.mark.slow  # each test trains one epoch on digits

DIGITS = {"dataset": "digits", "loss": "CrossEntropyLoss", "epochs": 1, "seed": 0, "batch_size": 64,
          "probes": {"enabled": True, "every": 5}}


def mlp(act="ReLU", depth=2):
    layers = [("in", "Input", {"shape": [64]})]
    for i in range(depth):
        layers += [(f"fc{i + 1}", "Linear", {"out_features": 32}), (f"act{i + 1}", act)]
    return make_project(layers + [("out", "Linear", {"out_features": 10})], training=DIGITS)


def probed(project):
    job = TrainingJob(project, epochs=1)
    job.start()
    job.join(120)
    return job, job.snapshot()["probes"]


@pytest.fixture(scope="module")
def trained():
    torch.set_num_threads(1)
    return (mlp(), *probed(mlp()))


def test_flow_is_the_gradient_of_the_probe_loss_at_each_node_output(trained):
    _, job, probes = trained
    model, prober = job.model.eval(), job.prober
    outputs = {}
    hooks = [m.register_forward_hook(lambda mod, a, out, nid=nid: outputs.__setitem__(nid, out))
             for nid, m in job.network.nodes.items()]
    x = prober.x.clone().requires_grad_(True)
    loss = torch.nn.functional.cross_entropy(model(x), prober.y)
    for h in hooks:
        h.remove()
    names = list(outputs)
    grads = torch.autograd.grad(loss, [outputs[n] for n in names] + [x])
    flow = prober.run(model, 999, contextlib.nullcontext, 1.0)["flow"]
    for nid, g in zip(names + ["in"], grads):
        assert abs(flow[nid] - float(g.norm())) <= 1e-4 * max(1.0, float(g.norm())), nid
    assert set(probes["flow"]) == {"in", "fc1", "act1", "fc2", "act2", "out"}


def test_deep_sigmoid_shows_the_gradient_vanishing_towards_the_input():
    _, probes = probed(mlp("Sigmoid", depth=6))
    flow = probes["flow"]
    assert flow["fc1"] < flow["fc6"] / 20, flow  # each Sigmoid scales the gradient by at most 0.25


def test_live_annotations_carry_a_small_histogram_per_node_and_a_width_per_edge(trained):
    project, _, probes = trained
    live = live_annotations(project["graph"], probes)
    assert len(live["nodes"]["act1"]["hist"]) <= 16 and max(live["nodes"]["act1"]["hist"]) == 1.0
    assert 0.0 <= live["nodes"]["act1"]["dead"] <= 1.0 and "dead" not in live["nodes"]["fc1"]
    edges = live["edges"]
    assert set(edges) == {f"{e['source']}->{e['target']}" for e in project["graph"]["edges"]}
    assert all(1.0 <= e["width"] <= 6.0 and e["colour"].startswith("#") for e in edges.values())
    assert live_annotations(project["graph"], None) == {}, "nothing before the first probe"
    strongest = max(edges.values(), key=lambda e: e["norm"] or 0)
    assert strongest["width"] == 6.0


def test_the_gradient_chart_gets_points_between_probes():
    project = mlp()
    project["training"]["probes"] = {"enabled": True, "every": 100_000}  # a probe at the start and at the end
    job = TrainingJob(project, epochs=5)
    job.start()
    job.join(120)
    history = job.snapshot()["probes"]["gradient_history"]
    seconds = job.snapshot()["progress"]["elapsed_s"]
    assert len(history["step"]) >= min(10, int(seconds / 0.1)), (history["step"], seconds)
    assert history["step"] == sorted(set(history["step"]))
    assert all(len(v) == len(history["step"]) for v in history["grad_norm"].values())
