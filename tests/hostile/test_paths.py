"""No path from outside: a CSV travels as text; path/root/download only from the command line."""
import json

import pytest

from builder import ProjectError
from hostile_craft import bundle, link, project
from hostile_guard import assert_bounded, assert_refused, watch
from export.bundle import BundleError, read_bundle
from export.links import LinkError, decode_project
from trainers import TrainingError, load_dataset
from ui.views.csv_upload import load as page_csv_load
from ui.views.project_file import parse_upload

SECRET = "/proc/self/environ"


def test_link_naming_a_server_file_is_refused(data_dir):
    value = link(project(dataset="csv", dataset_options={"path": SECRET, "target": "x"}))
    assert len(value) < 400  # the attack in the issue fitted in 384 characters
    out = watch(lambda: decode_project(value), LinkError, data_dir=data_dir)
    assert_refused(out, "training.dataset_options.path", "command line")


def test_upload_naming_a_server_file_is_refused(data_dir):
    data = json.dumps(project(dataset="csv", dataset_options={"path": "/etc/passwd", "target": "root"})).encode()
    out = watch(lambda: parse_upload("evil.json", data), ValueError, data_dir=data_dir)
    assert_refused(out, "evil.json", "training.dataset_options.path")


def test_bundle_naming_a_server_folder_is_refused(data_dir, tmp_path):
    evil = project(dataset="mnist", dataset_options={"root": str(tmp_path / "made-by-link"), "download": True})
    out = watch(lambda: read_bundle(bundle({"project.json": json.dumps(evil).encode()})), BundleError,
                data_dir=data_dir)
    assert_refused(out, "project.json", "training.dataset_options.root")
    assert not (tmp_path / "made-by-link").exists()


@pytest.mark.parametrize("options", [{"path": SECRET, "target": "x"},
                                     {"path": "../../etc/passwd", "target": "x", "text": "a,b\n1,2\n3,4\n"}])
def test_the_train_view_never_reads_a_path(data_dir, options):
    """The page's own CSV loader (the Train view): a message, never a KeyError or the file's contents."""
    out = watch(lambda: page_csv_load(options, "evil"), data_dir=data_dir)
    assert_bounded(out)
    data, problem = out.value
    assert data is None and "training.dataset_options.path" in problem and "HOME" not in problem


def test_mnist_root_and_download_only_from_the_command_line(data_dir, tmp_path):
    out = watch(lambda: load_dataset("mnist", root=str(tmp_path / "x"), download=True), TrainingError,
                data_dir=data_dir)
    assert_refused(out, "training.dataset_options.root")
    assert not (tmp_path / "x").exists()


def test_the_command_line_may_name_a_local_csv(data_dir, tmp_path, capsys):
    """`python -m trainers run` reads the file itself (within the CSV limits) and trains on it."""
    from trainers.cli import main
    from trainers.datasets.bounds import allow_local_paths
    csv = tmp_path / "points.csv"
    csv.write_text("a,b,label\n" + "".join(f"{i % 7},{i % 5},{i % 2}\n" for i in range(60)))
    file = tmp_path / "p.json"
    p = project(dataset="csv", dataset_options={"path": str(csv), "target": "label"})
    p["graph"]["nodes"][0]["params"]["shape"] = [2]
    p["graph"]["nodes"][1]["params"]["out_features"] = 2
    file.write_text(json.dumps(p))
    try:
        assert main(["run", str(file), "--epochs", "1", "--device", "cpu"]) == 0
    finally:
        allow_local_paths(False)
    assert '"train_loss"' in capsys.readouterr().out


def test_a_project_file_with_a_path_is_still_a_project_for_the_cli():
    """Only readers of outside input refuse paths; builder.load_project (CLI, scripts) keeps them."""
    from builder import load_project
    p = load_project(project(dataset="csv", dataset_options={"path": "data.csv", "target": "y"}))
    assert p.training["dataset_options"]["path"] == "data.csv"
    with pytest.raises(ProjectError, match="training.dataset_options.path"):
        from builder.outside import project_from_outside
        project_from_outside(p.to_dict(), "link")
