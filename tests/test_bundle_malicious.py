"""Hostile uploads: zip slip, zip bombs, pickle payloads, unexpected or tampered members, corrupt files."""
import io
import json
import struct
import zipfile

import pytest
from hypothesis import given, settings, strategies as st
import torch

from builder import build_model, load_project
from export import bundle as bundle_mod
from export.bundle import BundleError, build_bundle, read_bundle
from export_graphs import GRAPHS, entered
from tests.hostile.hostile_craft import bundle as _zip

PROJECT = json.dumps(GRAPHS["mlp"]).encode()


def _refused(data, message):
    with pytest.raises(BundleError, match=message):
        read_bundle(data)


@pytest.mark.parametrize("name", ["../evil.py", "../../home/user/.bashrc", "/etc/cron.d/x", "..\\..\\evil.bat",
                                  "C:/Windows/evil.dll", "weights/../../x"])
def test_zip_slip(name):
    _refused(_zip({"project.json": PROJECT, name: b"print('pwned')"}), "outside the bundle folder")


@pytest.mark.parametrize("name", ["notes.txt", "model.pyc", "data/weights.pt", "Project.json", "__init__.py"])
def test_unexpected_members(name):
    _refused(_zip({"project.json": PROJECT, name: b"x"}), "unexpected member")


def test_zip_bomb_over_the_member_limit():
    _refused(_zip({"project.json": PROJECT, "metrics.csv": b"0" * (17 * 2**20)}), "metrics.csv' is 17,825,792 bytes")


def test_zip_bomb_by_compression_ratio():
    _refused(_zip({"project.json": PROJECT, "probes.json": b" " * (8 * 2**20)}), "expands .* times .*zip bomb")


def _understate(data: bytes, name: bytes, size: int) -> bytes:
    """Rewrite a member's uncompressed size in its local and central headers (a zip that lies)."""
    out = bytearray(data)
    for sig, size_at, name_len_at, name_at in ((b"PK\x03\x04", 22, 26, 30), (b"PK\x01\x02", 24, 28, 46)):
        start = out.find(sig)
        while start >= 0:
            n = struct.unpack_from("<H", out, start + name_len_at)[0]
            if bytes(out[start + name_at:start + name_at + n]) == name:
                struct.pack_into("<I", out, start + size_at, size)
            start = out.find(sig, start + 4)
    return bytes(out)


def test_zip_bomb_with_a_lying_header():
    data = _zip({"project.json": PROJECT, "steps.csv": b"step,loss\n" + b"1,0.5\n" * 400_000})
    lying = _understate(data, b"steps.csv", 100)
    assert zipfile.ZipFile(io.BytesIO(lying)).getinfo("steps.csv").file_size == 100
    _refused(lying, "damaged")


def test_pickle_payload_in_weights(tmp_path):
    marker = tmp_path / "pwned"

    class Payload:
        def __reduce__(self):
            return open, (str(marker), "w")

    state = dict(build_model(load_project(GRAPHS["mlp"])).state_dict(), **{"out.bias": Payload()})
    buf = io.BytesIO()
    torch.save(state, buf)
    _refused(_zip({"project.json": PROJECT, "weights.pt": buf.getvalue()}),
             r"weights.pt: refused: the file holds Python objects \((io|builtins).open\)")
    assert not marker.exists()


def test_weights_of_another_graph_name_the_node():
    other = build_model(load_project(GRAPHS["mlp"])).state_dict()
    other["out.weight"] = torch.zeros(3, 32)
    buf = io.BytesIO()
    torch.save(other, buf)
    with pytest.raises(BundleError, match=r"node 'out' \(out.weight\) has shape \[3, 32\]") as err:
        read_bundle(_zip({"project.json": PROJECT, "weights.pt": buf.getvalue()}))
    assert err.value.node == "out"


def test_tampered_member_fails_its_checksum():
    good = build_bundle(entered(GRAPHS["mlp"]))
    with zipfile.ZipFile(io.BytesIO(good)) as zf:
        members = {n: zf.read(n) for n in zf.namelist()}
    manifest = json.loads(members.pop("manifest.json"))
    members["project.json"] = members["project.json"].replace(b'"out_features": 32', b'"out_features": 33')
    _refused(_zip(members, manifest), "project.json' does not match its sha256")


@pytest.mark.parametrize("data", [b"", b"PK\x03\x04 definitely not a zip", bytes(range(256)) * 10])
def test_corrupt_files(data):
    _refused(data, "not a zip archive, or it is damaged")


def test_truncated_bundle():
    good = build_bundle(entered(GRAPHS["mlp"]), build_model(load_project(GRAPHS["mlp"])))
    _refused(good[: len(good) // 2], "not a zip archive|damaged")


def test_bit_flip_inside_a_member_is_caught():
    good = bytearray(build_bundle(entered(GRAPHS["mlp"]), build_model(load_project(GRAPHS["mlp"]))))
    good[len(good) // 2] ^= 0xFF  # inside weights.pt's compressed data
    _refused(bytes(good), "damaged|sha256|weights.pt")


def test_central_directory_offset_that_points_before_the_file():
    """A damaged end record makes zipfile seek to a negative offset (ValueError): still a bundle error."""
    good = bytearray(build_bundle(entered(GRAPHS["mlp"]), build_model(load_project(GRAPHS["mlp"]))))
    end = good.rfind(b"PK\x05\x06")  # end of central directory record; its offset field sits at +16
    offset = int.from_bytes(good[end + 16:end + 20], "little")
    good[end + 16:end + 20] = (offset + 1000).to_bytes(4, "little")
    _refused(bytes(good), "damaged")


def test_structure_errors():
    _refused(_zip({"weights.pt": b"x"}), "'project.json' is missing")
    _refused(_zip({"project.json": PROJECT}, {"format": "other/1", "members": {}}), "format")
    _refused(_zip({"project.json": PROJECT}, {"format": bundle_mod.FORMAT, "members": {}}), "not listed in manifest")
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w") as zf, pytest.warns(UserWarning):
        zf.writestr("manifest.json", "{}")
        zf.writestr("project.json", PROJECT)
        zf.writestr("project.json", PROJECT)
    _refused(buf.getvalue(), "appears twice")
    _refused(_zip({"project.json": b'{"format": "neurocanvas/1", "graph": 5}'}), "project.json: \"graph\" must be")
    _refused(_zip({"project.json": PROJECT, "metrics.csv": b"epoch,loss\n1,abc\n"}),
             "metrics.csv: line 2, column 'loss': 'abc' is not a number")


def test_upload_size_limit(monkeypatch):
    monkeypatch.setattr(bundle_mod, "MAX_BUNDLE_BYTES", 1000)
    _refused(build_bundle(entered(GRAPHS["mlp"])), "larger than the 0 MiB limit|larger than")


GOOD = build_bundle(entered(GRAPHS["concat"]), build_model(load_project(GRAPHS["concat"])),
                    {"epochs": {"epoch": [1], "train_loss": [0.5]}, "steps": {"step": [1], "loss": [0.5]}})


@settings(max_examples=80, deadline=None)
@given(st.lists(st.tuples(st.integers(0, len(GOOD) - 1), st.integers(0, 255)), min_size=1, max_size=8))
def test_damaged_bundles_fail_only_with_bundle_errors(edits):
    data = bytearray(GOOD)
    for at, value in edits:
        data[at] = value
    try:
        read_bundle(bytes(data))
    except BundleError:
        pass  # a readable refusal; anything else (a traceback in the UI) fails the test
