"""Fuzz: mutated links, bundles, uploads and project files through the readers the page uses, then check().

Each case ends in a value or a documented refusal with a message; never another exception, never more than
a few seconds or tens of MB, never a file outside the data directory.
"""
from __future__ import annotations

import json
import os

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from builder import ProjectError, check
from builder.outside import graph_from_outside
from hostile_craft import SMALL, bundle, link
from hostile_guard import assert_bounded, watch
from export.bundle import BundleError, read_bundle
from runs.opening import open_query
from ui.views.project_file import parse_upload

EXAMPLES = int(os.environ.get("NC_FUZZ_EXAMPLES", "40"))  # a bug hunt: NC_FUZZ_EXAMPLES=2000
FUZZ = settings(max_examples=EXAMPLES, deadline=None, derandomize=True,
                suppress_health_check=[HealthCheck.too_slow, HealthCheck.function_scoped_fixture])
SECONDS, MB = 5, 48  # per case
BASE = json.dumps(SMALL)

leaf = st.one_of(st.none(), st.booleans(), st.integers(-2**70, 2**70), st.floats(), st.text(max_size=12),
                 st.sampled_from(["/proc/self/environ", "../../etc/passwd", "ｆｏｒｗａｒｄ", "__x", "csv", "mnist",
                                  "path", "root", 10**9, 1e308]))
json_values = st.recursive(leaf, lambda inner: st.one_of(st.lists(inner, max_size=4),
                                                         st.dictionaries(st.text(max_size=8), inner, max_size=4)),
                           max_leaves=20)
paths = st.lists(st.sampled_from(["graph", "nodes", "edges", "training", "dataset_options", "params", 0, 1,
                                  "id", "type", "shape", "out_features", "batch_size", "optimizer", "probes"]),
                 min_size=1, max_size=4)


def mutate(doc, path, value):
    """Set doc[path...] = value, creating or replacing along the way; lists are indexed modulo their length."""
    node = doc
    for key in path[:-1]:
        if isinstance(node, list) and node:
            node = node[key % len(node)] if isinstance(key, int) else node[0]
        elif isinstance(node, dict):
            node = node.setdefault(key, {}) if not isinstance(node.get(key), (dict, list)) else node[key]
        else:
            return doc
    if isinstance(node, dict):
        node[path[-1]] = value
    elif isinstance(node, list) and node:
        node[path[-1] % len(node) if isinstance(path[-1], int) else 0] = value
    return doc


def then_check(project):
    """What the page does next with an accepted project: check it (never raises)."""
    return check(project) if project is not None else None


@FUZZ
@given(path=paths, value=json_values)
def test_mutated_project_files_and_uploads(data_dir, path, value):
    doc = mutate(json.loads(BASE), path, value)
    data = json.dumps(doc).encode()
    out = watch(lambda: then_check(parse_upload("fuzz.json", data)), ValueError, data_dir=data_dir)
    assert_bounded(out, mb=MB, seconds=SECONDS)
    assert out.message is None or out.message.startswith("fuzz.json")


@FUZZ
@given(path=paths, value=json_values, cut=st.integers(0, 400), junk=st.text(max_size=6))
def test_mutated_links_through_the_query(data_dir, path, value, cut, junk):
    good = link(mutate(json.loads(BASE), path, value))
    for candidate in (good, good[:cut] + junk + good[cut + len(junk):], good[:cut]):
        out = watch(lambda: open_query({"project": candidate}), data_dir=data_dir)
        assert_bounded(out, mb=MB, seconds=SECONDS)
        opened = out.value
        assert opened is None or opened.error or opened.project is not None
        if opened is not None and opened.project is not None:
            assert_bounded(watch(lambda: check(opened.project), data_dir=data_dir), mb=MB, seconds=SECONDS)


@FUZZ
@given(path=paths, value=json_values, flip=st.integers(0, 10_000), byte=st.integers(0, 255),
       member=st.sampled_from(["project.json", "probes.json", "metrics.csv"]))
def test_mutated_bundles(data_dir, path, value, flip, byte, member):
    project = mutate(json.loads(BASE), path, value) if member == "project.json" else json.loads(BASE)
    members = {"project.json": json.dumps(project).encode()}
    if member == "probes.json":
        members["probes.json"] = json.dumps(mutate({"step": 1, "activations": {}}, path, value)).encode()
    if member == "metrics.csv":
        members["metrics.csv"] = f"epoch,train_loss\n1,{value!r}\n".encode()
    data = bytearray(bundle(members))
    for candidate in (bytes(data), bytes(data[:flip % len(data)] + bytes([byte]) + data[flip % len(data) + 1:])):
        out = watch(lambda: read_bundle(candidate), BundleError, data_dir=data_dir)
        assert_bounded(out, mb=MB, seconds=SECONDS)


@FUZZ
@given(path=paths, value=json_values)
def test_mutated_canvas_edits(data_dir, path, value):
    graph = mutate(json.loads(BASE)["graph"], path[1:] or path, value)
    out = watch(lambda: then_check({"format": "neurocanvas/1", "graph": graph_from_outside(graph)}), ProjectError,
                data_dir=data_dir)
    assert_bounded(out, mb=MB, seconds=SECONDS)
