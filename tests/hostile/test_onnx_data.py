"""A model's external data is read only from the data file(s) that come with it: beside it in its own folder
(the command line) or in the same upload (the page); never another path, never more than its limits."""
import os

import onnx
import pytest
import torch

from builder.importers import ImportProblem
from builder.importers.onnx_import import import_onnx, import_onnx_file
from hostile_guard import assert_bounded, assert_refused, watch
from import_models import HAND_WRITTEN, onnx_bytes, outputs
from onnx_craft import with_data, zipped
from ui.views.import_model import import_uploads


@pytest.fixture(scope="module")
def mlp():
    torch.manual_seed(0)
    cls, shape = HAND_WRITTEN["MLP"]
    model = cls().eval()
    return model, onnx.load_from_string(onnx_bytes(model, shape))


def _same(model, project, state):
    x = torch.randn(3, 20)
    with torch.no_grad():
        torch.testing.assert_close(outputs(project, state, x), model(x))


def test_the_command_line_reads_the_data_file_beside_the_model(data_dir, mlp):
    model, proto = mlp
    onnx_data, blob = with_data(proto)
    (data_dir / "m.onnx").write_bytes(onnx_data)
    (data_dir / "m.onnx.data").write_bytes(blob)
    out = watch(lambda: import_onnx_file(data_dir / "m.onnx"), ImportProblem, data_dir=data_dir)
    assert out.message is None, out.message
    assert_bounded(out)
    _same(model, *out.value)


@pytest.mark.parametrize("location, words", [
    ("../secret.bin", ["'../secret.bin' is not a plain file name"]),
    ("/etc/hostname", ["'/etc/hostname' is not a plain file name"]),
    ("sub/m.onnx.data", ["'sub/m.onnx.data' is not a plain file name"]),
    ("missing.data", ["'missing.data', which is not beside it"]),
    ("link.data", ["'link.data' is a link that leaves the model's folder"]),
    (".", ["'.' is not a plain file name"]),
])
def test_the_command_line_reads_nothing_else(data_dir, tmp_path, mlp, location, words):
    (tmp_path / "secret.bin").write_bytes(os.urandom(10_000))
    os.symlink(tmp_path / "secret.bin", data_dir / "link.data")
    (data_dir / "sub").mkdir()
    onnx_data, blob = with_data(mlp[1], location)
    (data_dir / "sub" / "m.onnx.data").write_bytes(blob)
    (data_dir / "m.onnx").write_bytes(onnx_data)
    out = watch(lambda: import_onnx_file(data_dir / "m.onnx"), ImportProblem, data_dir=data_dir)
    assert_refused(out, "m.onnx", *words, mb=16, seconds=5)


@pytest.mark.parametrize("offsets, words", [
    (lambda k, at, n: (at + 10**9, n), ["at offset 1000"]),  # past the end of the file
    (lambda k, at, n: (at, n * 1000), ["but its shape and type need"]),  # more than the tensor
    (lambda k, at, n: (-4, n), ["at offset -4"]),
])
def test_offsets_and_lengths_are_checked_before_reading(data_dir, mlp, offsets, words):
    onnx_data, blob = with_data(mlp[1], offsets=offsets)
    out = watch(lambda: import_onnx(onnx_data, where="m.onnx", files={"m.onnx.data": blob}), ImportProblem,
                data_dir=data_dir)
    assert_refused(out, "m.onnx", *words, mb=16, seconds=5)


def test_one_region_named_by_many_tensors_counts_each_time(data_dir, mlp, monkeypatch):
    monkeypatch.setenv("NEUROCANVAS_ONNX_DATA_BYTES", "4000")  # the MLP's weights are ~4.5 KB
    onnx_data, blob = with_data(mlp[1])
    out = watch(lambda: import_onnx(onnx_data, where="m.onnx", files={"m.onnx.data": blob}), ImportProblem,
                data_dir=data_dir)
    assert_refused(out, "m.onnx", "NEUROCANVAS_ONNX_DATA_BYTES")


def test_the_page_takes_the_model_and_its_data_together(data_dir, mlp):
    model, proto = mlp
    onnx_data, blob = with_data(proto)
    for files in ([("m.onnx", onnx_data), ("m.onnx.data", blob)], [("both.zip", zipped(
            {"export/m.onnx": onnx_data, "export/m.onnx.data": blob}))]):
        out = watch(lambda: import_uploads(files), ImportProblem, data_dir=data_dir)
        assert out.message is None, out.message
        assert out.value[0]["graph"]["nodes"][1]["type"] == "Linear"
    out = watch(lambda: import_uploads([("m.onnx", onnx_data)]), ImportProblem, data_dir=data_dir)
    assert_refused(out, "m.onnx", "'m.onnx.data', which did not come with the model")


@pytest.mark.parametrize("members, words", [
    ({"../m.onnx": b"x", "m.onnx.data": b"y"}, ["'../m.onnx' is not a file of one folder"]),
    ({"/abs/m.onnx": b"x"}, ["is not a file of one folder"]),
    ({"a/m.onnx": b"x", "b/m.onnx.data": b"y"}, ["is not a file of one folder"]),
    ({"m.onnx": b"x", "n.onnx": b"y"}, ["must hold one .onnx model, it holds 2"]),
    ({"m.onnx.data": b"\0" * 30_000_000}, ["unpacks to more than 100x its size"]),
    ({f"f{i}.bin": b"" for i in range(20)}, ["20 files in the zip"]),
])
def test_a_zip_is_checked_from_its_headers_before_unpacking(data_dir, members, words):
    blob = zipped(members)
    out = watch(lambda: import_uploads([("evil.zip", blob)]), ImportProblem, data_dir=data_dir)
    assert_refused(out, "evil.zip", *words, mb=16, seconds=5)


def test_a_zip_that_is_not_one_is_named(data_dir):
    out = watch(lambda: import_uploads([("evil.zip", b"PK\x03\x04 not a zip")]), ImportProblem, data_dir=data_dir)
    assert_refused(out, "evil.zip", "not a readable zip")
