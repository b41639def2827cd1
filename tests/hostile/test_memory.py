"""One memory budget, checked by check() before anything is allocated; data-set options bounded."""
import json

import pytest

from builder import GraphError, build_model, check, load_project
from builder.budget import estimate
from hostile_craft import bundle, link, pe_chain, project
from hostile_guard import assert_bounded, assert_refused, watch
from export.bundle import BundleError, read_bundle
from export.links import decode_project
from trainers import TrainingError, load_dataset


def test_a_short_link_cannot_make_the_server_allocate_gigabytes(data_dir):
    """24 PositionalEncoding tables, each under the per-node cap, 4.9 GB together: refused by check."""
    value = link(pe_chain(24))
    assert len(value) < 1000
    out = watch(lambda: build_model(decode_project(value)), GraphError, data_dir=data_dir)
    assert_refused(out, "memory budget of 4,096 MiB", "NEUROCANVAS_MEMORY_BUDGET_MB", mb=32)
    p = decode_project(value)
    assert estimate(check(p), p.training)["total"] > 4 * 2**30  # the estimate is the model's, not a guess


def test_the_budget_is_configurable_and_both_figures_are_named(data_dir, monkeypatch, seed_mlp):
    assert check(seed_mlp).ok
    monkeypatch.setenv("NEUROCANVAS_MEMORY_BUDGET_MB", "1")
    big = json.loads(json.dumps(seed_mlp))
    big["training"]["batch_size"] = 4096
    out = watch(lambda: check(big), data_dir=data_dir)
    assert_bounded(out)
    (problem,) = [p for p in out.value.errors if "memory budget" in p.message]
    need = estimate(out.value, big["training"])["total"] / 2**20
    assert f"about {need:,.0f} MiB" in problem.message and "memory budget of 1 MiB" in problem.message
    assert "batch size 4096" in problem.message and problem.node == "fc1"  # the widest activation


def test_estimate_counts_weights_gradients_adam_state_and_activations(seed_mlp):
    """Oracle: torch's own parameter count and the activations a forward pass keeps."""
    import torch
    model = build_model(seed_mlp)
    n = sum(p.numel() for p in model.parameters())
    est = estimate(check(seed_mlp), {"batch_size": 10, "optimizer": {"type": "Adam"}})
    assert est["parts"]["weights"] == est["parts"]["gradients"] == 4 * n
    assert est["parts"]["optimizer_state"] == 8 * n  # exp_avg and exp_avg_sq
    outs = []
    for m in model.children():
        m.register_forward_hook(lambda m, i, o: outs.append(o.numel()))
    model(torch.zeros(10, 64))
    assert est["parts"]["activations"] == 2 * 4 * (sum(outs) + 10 * 64)  # + the input, kept for backward


@pytest.mark.parametrize("options, field", [
    ({"vocab": 10**9}, "training.dataset_options.vocab"),
    ({"n_samples": 100_000, "length": 1000}, "about 200,000,000 values"),
    ({"length": float("nan")}, "training.dataset_options.length"),
    ({"n_samples": "many"}, "training.dataset_options.n_samples"),
])
def test_data_set_options_are_bounded_before_any_allocation(data_dir, options, field):
    out = watch(lambda: load_dataset("reverse", **options), TrainingError, data_dir=data_dir)
    assert_refused(out, field, mb=16)


def test_a_bundle_is_checked_before_its_model_is_built(data_dir):
    """A huge graph with a tiny weights file: refused by the budget, no model allocated."""
    import io

    import torch
    buf = io.BytesIO()
    torch.save({"pe0.pe": torch.zeros(1)}, buf)
    members = {"project.json": json.dumps(pe_chain(24)).encode(), "weights.pt": buf.getvalue()}
    out = watch(lambda: read_bundle(bundle(members)), BundleError, data_dir=data_dir)
    assert_refused(out, "weights.pt", "memory budget", mb=32)


def test_a_bundle_weight_of_the_wrong_shape_names_the_node(data_dir):
    import io

    import torch
    p = load_project(project())
    state = build_model(p).state_dict()
    state["fc.weight"] = torch.zeros(3, 5)
    buf = io.BytesIO()
    torch.save(state, buf)
    out = watch(lambda: read_bundle(bundle({"project.json": json.dumps(p.to_dict()).encode(),
                                            "weights.pt": buf.getvalue()})), BundleError, data_dir=data_dir)
    assert_refused(out, "node 'fc'", "[3, 5]", "[3, 4]")
