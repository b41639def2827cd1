"""No exception reaches the page: every reader turns a malformed input into a message naming the field."""
import json

import pytest

from builder import ProjectError
from builder.outside import graph_from_outside
from hostile_craft import SMALL, bundle, link_of, nested
from hostile_guard import assert_refused, watch
from export.bundle import BundleError, read_bundle
from export.links import LinkError, decode_project
from trainers.probes.schema import probe_problem
from ui.views.csv_upload import load as page_csv_load
from ui.views.project_file import parse_upload


def test_deeply_nested_upload(data_dir):
    out = watch(lambda: parse_upload("deep.json", nested(100_000)), ValueError, data_dir=data_dir)
    assert_refused(out, "deep.json", "nested too deeply")


def test_nested_within_the_parser_but_beyond_the_limit(data_dir):
    out = watch(lambda: parse_upload("deep.json", nested(500)), ValueError, data_dir=data_dir)
    assert_refused(out, "deep.json", "more than 64 levels")


def test_deeply_nested_link(data_dir):
    out = watch(lambda: decode_project(link_of(nested(50_000))), LinkError, data_dir=data_dir)
    assert_refused(out, "share link", "nested too deeply")


@pytest.mark.parametrize("member", ["project.json", "probes.json", "manifest.json"])
def test_deeply_nested_bundle_members(data_dir, member):
    members = {"project.json": json.dumps(SMALL).encode(), member: nested(100_000)}
    if member == "manifest.json":  # the manifest is written by bundle(): nest inside the project instead
        members = {"project.json": nested(100_000)}
    out = watch(lambda: read_bundle(bundle(members)), BundleError, data_dir=data_dir)
    assert_refused(out, "nested too deeply")


@pytest.mark.parametrize("probes, field", [
    ({"step": 3, "activations": {"fc": {"hist": {"edges": "x"}}}}, "activations.fc"),
    ({"step": 3, "activations": {"fc": {"dead_fraction": None, "hist": {"edges": [1, "a"]}}}}, "hist.edges[1]"),
    ({"step": "3"}, "step"),
    ({"step": 1, "boundary": {"x": [], "y": [0]}}, "boundary.x"),
    ({"step": 1, "samples": [{"kind": "image"}]}, "samples[0]"),
    ([1, 2], "(top)"),
])
def test_badly_shaped_probes_in_a_bundle(data_dir, probes, field):
    members = {"project.json": json.dumps(SMALL).encode(), "probes.json": json.dumps(probes).encode()}
    out = watch(lambda: read_bundle(bundle(members)), BundleError, data_dir=data_dir)
    assert_refused(out, "probes.json", field)


def test_real_probe_snapshots_pass_the_schema(seed_mlp):
    """The oracle for the schema: what a real training writes (docs/snapshot.md) is accepted."""
    from trainers import TrainingJob
    seed_mlp["training"].update(epochs=1, dataset="digits", device="cpu")
    job = TrainingJob(seed_mlp)
    job.start()
    job.join()
    probes = job.snapshot()["probes"]
    assert probes and probe_problem(probes) is None


@pytest.mark.parametrize("graph, words", [
    ({"nodes": "fc1", "edges": []}, ("graph.nodes must be a list",)),
    ({"nodes": [{"type": "ReLU"}], "edges": []}, ("graph.nodes[0]", "\"id\"")),
    ({"nodes": [{"id": "a", "type": "ReLU", "params": []}], "edges": []}, ("node a", "\"params\"")),
    ({"nodes": [], "edges": [{"source": 1}]}, ("graph.edges[0]", "\"source\"")),
    ([1, 2], ("canvas edit", "object")),
])
def test_malformed_canvas_edits(data_dir, graph, words):
    out = watch(lambda: graph_from_outside(graph), ProjectError, data_dir=data_dir)
    assert_refused(out, *words)


def test_csv_given_by_path_in_the_train_view(data_dir):
    """It raised KeyError: 'text' in the Train view; now a message naming the field."""
    out = watch(lambda: page_csv_load({"path": "x.csv", "target": "y"}), data_dir=data_dir)
    data, problem = out.value
    assert data is None and "training.dataset_options.path" in problem
