"""A size limit on every input, named in the message when exceeded."""
import json

from builder import ProjectError
from builder.limits import current
from builder.outside import graph_from_outside
from hostile_craft import SMALL, bundle, link_of
from hostile_guard import assert_refused, watch
from export.bundle import BundleError, read_bundle
from export.links import LinkError, decode_project
from trainers import TrainingError, load_dataset
from ui.views.csv_upload import options_from_upload
from ui.views.project_file import parse_upload


def test_project_upload_over_5_mb(data_dir):
    data = b" " * 5_000_001 + json.dumps(SMALL).encode()
    out = watch(lambda: parse_upload("big.json", data), ValueError, data_dir=data_dir)
    assert_refused(out, "big.json", "5,000,000-byte limit", mb=8, seconds=1)


def test_canvas_edit_over_its_limit(data_dir):
    graph = {"nodes": [{"id": f"n{i}", "type": "ReLU", "params": {"pad": "x" * 600}} for i in range(1900)],
             "edges": []}
    out = watch(lambda: graph_from_outside(graph), ProjectError, data_dir=data_dir)
    assert_refused(out, "canvas edit", "limit of 1,000,000 for one edit")


def test_canvas_edit_with_too_many_nodes(data_dir):
    graph = {"nodes": [{"id": f"n{i}", "type": "ReLU"} for i in range(current().nodes + 1)], "edges": []}
    out = watch(lambda: graph_from_outside(graph), ProjectError, data_dir=data_dir)
    assert_refused(out, "2001 nodes", "limit of 2000")


def test_link_over_its_limit(data_dir):
    out = watch(lambda: decode_project("1" + "A" * 9000), LinkError, data_dir=data_dir)
    assert_refused(out, "too long", "8,000")


def test_link_that_expands_like_a_bomb(data_dir):
    raw = json.dumps({**SMALL, "description": "a" * 2_000_000}).encode()
    out = watch(lambda: decode_project(link_of(raw)), LinkError, data_dir=data_dir)
    assert_refused(out, "more than 1,000,000 bytes", mb=8)


def test_csv_with_50k_columns_is_refused_before_parsing(data_dir):
    text = ",".join(f"c{i}" for i in range(50_000)) + "\n" + ",".join("1" for _ in range(50_000)) + "\n"
    out = watch(lambda: options_from_upload(text.encode(), "wide.csv"), data_dir=data_dir)
    assert out.value[0] is None and "wide.csv: 50,000 columns" in out.value[1]
    assert out.seconds < 1  # it cost 23 s on every rerun before


def test_csv_over_its_rows_and_bytes(data_dir):
    rows = "a,b\n" + "1,2\n" * 100_001
    out = watch(lambda: load_dataset("csv", text=rows, target="b"), TrainingError, data_dir=data_dir)
    assert_refused(out, "100,001 rows", "100,000")
    out = watch(lambda: options_from_upload(b"a,b\n" + b"1,2\n" * 600_000, "big.csv"), data_dir=data_dir)
    assert out.value[0] is None and "over the 2 MB limit" in out.value[1]


def test_csv_one_hot_blow_up_is_refused(data_dir):
    text = "word,y\n" + "".join(f"w{i},{i % 2}\n" for i in range(5000))
    out = watch(lambda: load_dataset("csv", text=text, target="y"), TrainingError, data_dir=data_dir)
    assert_refused(out, "5,000 one-hot columns", "limit of 500")


def test_bundle_member_over_its_limit(data_dir):
    out = watch(lambda: read_bundle(bundle({"project.json": b" " * 5_000_001})), BundleError, data_dir=data_dir)
    assert_refused(out, "project.json", "above its limit of 5,000,000", mb=48)
