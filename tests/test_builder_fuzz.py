"""Property-based: mutate valid graphs at random; check() never raises, answers in < 1 s, and when it says ok
the compiled model runs and every node's real output shape is the one check() predicted."""
from __future__ import annotations

import copy
import json
import os
import time
from pathlib import Path

import pytest
import torch
from hypothesis import HealthCheck, event, given, settings
from hypothesis import strategies as st

from builder import LAYERS, build_model, check
from test_builder_parity import CASES

torch.set_num_threads(1)
ROOT = Path(__file__).resolve().parents[1]
BASES = [CASES[name]()[0] for name in sorted(CASES)] + \
        [json.loads(p.read_text()) for p in sorted((ROOT / "presets").glob("*.json"))]
TYPES = sorted(LAYERS) + ["Linaer", "conv2d", "", "Input"]
PARAM_NAMES = sorted({n for spec in LAYERS.values() for n in spec.params}
                     | {"in_features", "in_channels", "input_size", "d_model", "embed_dim", "batch_first", "bogus"})
SPLICEABLE = sorted(n for n, spec in LAYERS.items() if spec.inputs == 1)
BUILD_LIMIT = 2_000_000  # values of weights + buffers the test is willing to allocate and run
CHECK_SECONDS = 1.0
EXAMPLES = int(os.environ.get("NC_FUZZ_EXAMPLES", "120"))  # CI: modest; a bug hunt: NC_FUZZ_EXAMPLES=3000

ints = st.one_of(st.integers(-3, 40), st.sampled_from([0, -1, 10**6, 10**7, 10**12, 2**63]))
values = st.one_of(
    ints, st.booleans(), st.none(), st.text(max_size=5),
    st.floats(allow_nan=True, allow_infinity=True), st.sampled_from([0.5, 1.0, 2.0, -0.0, 1e300]),
    st.lists(ints, max_size=5), st.lists(st.one_of(ints, st.text(max_size=2), st.none()), max_size=3),
    st.dictionaries(st.text(max_size=3), ints, max_size=2),
    st.sampled_from(["last", "mean", "max", "relu", "gelu", "tanh", "sinusoidal", "learned", "long", "float"]))


def sane_value(ps):
    """A value of the kind a parameter wants, mostly in range: these keep many mutated graphs valid."""
    lo = int(ps.min) if ps.min is not None else 0
    small_int = st.integers(lo, lo + 6)
    return {"int": small_int, "bool": st.booleans(),
            "float": st.floats(ps.min if ps.min is not None else -1.0, min(ps.max, 1.0) if ps.max is not None else 1.0),
            "choice": st.sampled_from(ps.choices or (None,)),
            "ints": st.one_of(small_int, st.lists(small_int, min_size=2, max_size=2)),
            "shape": st.lists(st.one_of(st.integers(1, 8), st.just(-1)), min_size=1, max_size=3)}[ps.kind]


HARSH = ["drop_edge", "dup_edge", "reverse_edge", "new_edge", "port", "param", "param", "sane_param", "sane_param",
         "sane_param", "sane_param", "del_param", "type", "dup_id", "drop_node", "new_node", "new_node"]
GENTLE = ["sane_param", "splice"]  # edits that keep most graphs valid, so the build half is exercised a lot


@st.composite
def mutated(draw, ops=tuple(HARSH)):
    """A valid base graph after 1-3 random edits of its edges, params, types and ids."""
    project = copy.deepcopy(draw(st.sampled_from(BASES)))
    nodes, edges = project["graph"]["nodes"], project["graph"]["edges"]
    for _ in range(draw(st.integers(1, 3))):
        op = draw(st.sampled_from(ops))
        ids = [n["id"] for n in nodes] + ["ghost"]
        if op in ("drop_edge", "dup_edge", "reverse_edge", "port") and edges:
            i = draw(st.integers(0, len(edges) - 1))
            if op == "drop_edge":
                edges.pop(i)
            elif op == "dup_edge":
                edges.append(copy.deepcopy(edges[i]))
            elif op == "reverse_edge":
                edges[i] = {"source": edges[i]["target"], "target": edges[i]["source"]}
            else:
                edges[i]["target_port"] = draw(st.one_of(st.integers(0, 3), st.none()))
        elif op == "new_edge":
            edges.append({"source": draw(st.sampled_from(ids)), "target": draw(st.sampled_from(ids))})
        elif op in ("param", "sane_param", "del_param", "type", "dup_id", "drop_node") and nodes:
            node = draw(st.sampled_from(nodes))
            spec = LAYERS.get(node["type"])
            if op == "sane_param" and spec is not None and spec.params:
                name = draw(st.sampled_from(sorted(spec.params)))
                node["params"][name] = draw(sane_value(spec.params[name]))
            elif op == "param":
                names = sorted(LAYERS[node["type"]].params) if node["type"] in LAYERS else []
                node["params"][draw(st.sampled_from(names + PARAM_NAMES))] = draw(values)
            elif op == "del_param" and node["params"]:
                node["params"].pop(draw(st.sampled_from(sorted(node["params"]))))
            elif op == "type":
                node["type"] = draw(st.sampled_from(TYPES))
            elif op == "dup_id":
                node["id"] = draw(st.sampled_from(ids[:-1]))
            elif op == "drop_node":
                nodes.remove(node)
        elif op in ("new_node", "splice"):
            kind = draw(st.sampled_from(TYPES if op == "new_node" else SPLICEABLE))
            nid = f"new{len(nodes)}"
            params = {name: (ps.initial if ps.required else ps.default)
                      for name, ps in LAYERS[kind].params.items()} if kind in LAYERS else {}
            nodes.append({"id": nid, "type": kind, "params": params})
            if edges and (op == "splice" or draw(st.booleans())):  # splice it into an edge: a -> new -> b
                e = draw(st.sampled_from(edges))
                edges.append({"source": nid, "target": e["target"]})
                e["target"] = nid
                continue
            edges.append({"source": draw(st.sampled_from(ids)), "target": nid})
            if draw(st.booleans()):
                edges.append({"source": nid, "target": draw(st.sampled_from(ids))})
    return project


def _sample(report, project):
    """A random batch of 2 for the Input: floats, or token ids below every Embedding's vocabulary."""
    shape = (2,) + report.shapes[report.input_node]
    if report.dtypes[report.input_node] == "long":
        vocab = min([report.params[n]["num_embeddings"] for n in report.order
                     if n in report.params and "num_embeddings" in report.params[n]] or [2])
        return torch.randint(0, vocab, shape)
    return torch.randn(shape)


def _size_of_model(report) -> int:
    return report.total_params + report.memory.get("buffers_bytes", 0) // 4 + \
        2 * report.memory["activation_bytes_per_sample"] // 4


def _assert_runs_as_predicted(project, report):
    model = build_model(project).eval()
    seen = {}
    for nid, attr in model.node_modules.items():
        def hook(module, args, out, nid=nid):
            seen[nid] = tuple((out[0] if isinstance(out, tuple) else out).shape[1:])
        model.get_submodule(attr).register_forward_hook(hook)
    with torch.no_grad():
        out = model(_sample(report, project))
    assert tuple(out.shape) == (2,) + report.shapes[report.output_node]
    assert seen == {n: s for n, s in report.shapes.items() if n != report.input_node}


# torch's own construction warnings (LSTM dropout with one layer) are check()'s node warnings; build repeats them
pytestmark = pytest.mark.filterwarnings("ignore:dropout option adds dropout:UserWarning")


@settings(max_examples=EXAMPLES, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.one_of(mutated(), mutated(tuple(GENTLE))))
def test_check_never_raises_is_fast_and_its_ok_is_trustworthy(project):
    start = time.perf_counter()
    report = check(project)
    elapsed = time.perf_counter() - start
    assert elapsed < CHECK_SECONDS, f"check took {elapsed:.2f} s"
    json.dumps(report.to_dict())  # the report is plain JSON for the UI
    for problem in report.errors + report.warnings:  # one readable line each, for the CLI and the canvas
        assert problem.message and isinstance(problem.message, str) and "\n" not in problem.message
    event("valid, built and run" if report.ok and _size_of_model(report) < BUILD_LIMIT else
          "valid but too big to run here" if report.ok else "invalid")
    if report.ok and _size_of_model(report) < BUILD_LIMIT:
        _assert_runs_as_predicted(project, report)


@settings(max_examples=max(EXAMPLES * 2 // 3, 1), deadline=None)
@given(st.sampled_from(sorted(LAYERS)), st.data(), st.lists(st.integers(1, 12), min_size=1, max_size=3),
       st.sampled_from(["float", "long"]))
def test_any_layer_after_any_input_shape(kind, data, shape, dtype):
    """Input -> one layer with random params (mostly of the right kind, sometimes absurd): check decides,
    and when it says ok the built layer produces exactly the predicted shape."""
    params = {}
    for name, ps in LAYERS[kind].params.items():
        choice = data.draw(st.sampled_from(["sane", "sane", "sane", "absurd", "absent"]))
        if choice != "absent":
            params[name] = data.draw(sane_value(ps) if choice == "sane" else values)
    project = {"format": "neurocanvas/1", "graph": {
        "nodes": [{"id": "in", "type": "Input", "params": {"shape": shape, "dtype": dtype}},
                  {"id": "layer", "type": kind, "params": params}],
        "edges": [{"source": "in", "target": "layer"}]}}
    if LAYERS[kind].inputs == "many":
        project["graph"]["edges"].append({"source": "in", "target": "layer"})
    if LAYERS[kind].inputs == 0:
        project["graph"]["edges"] = []
    start = time.perf_counter()
    report = check(project)
    assert time.perf_counter() - start < CHECK_SECONDS
    event("valid" if report.ok else "invalid")
    if report.ok and _size_of_model(report) < BUILD_LIMIT:
        _assert_runs_as_predicted(project, report)
    if not report.ok:
        assert all(p.node in ("in", "layer") for p in report.errors), report.errors


@pytest.mark.parametrize("index", range(len(BASES)))
def test_every_base_graph_is_valid_and_runs_as_predicted(index):
    """The seeds of the mutations (parity graphs and every preset) are valid, so mutations start from sense."""
    report = check(BASES[index])
    assert report.ok, [str(p) for p in report.errors]
    _assert_runs_as_predicted(BASES[index], report)
