"""An ONNX file never makes the server read a file, and a protobuf bomb costs milliseconds, not gigabytes."""
import os

import pytest

from builder.importers import ImportProblem, import_onnx
from hostile_guard import assert_refused, watch
from onnx_craft import bomb, places

SECRET = b"workspace ids and keys: never a layer's weights"  # 47 bytes; the models ask for 16


@pytest.fixture
def secret_dir(tmp_path, monkeypatch):
    """The working directory holds a secret (as the server's holds app.py, .git and data/neurocanvas.sqlite)."""
    (tmp_path / "secret.bin").write_bytes(SECRET)
    monkeypatch.chdir(tmp_path)
    return tmp_path


@pytest.mark.parametrize("location", ["secret.bin", "../secret.bin", "/etc/hostname"])
@pytest.mark.parametrize("place", list(places("secret.bin")))
def test_an_external_tensor_is_never_read_wherever_it_stands(data_dir, secret_dir, place, location):
    if location.startswith(".."):
        os.chdir(secret_dir / "data")
    data = places(location)[place]
    out = watch(lambda: import_onnx(data, where="evil.onnx"), ImportProblem, data_dir=data_dir)
    assert_refused(out, mb=16, seconds=5)  # and, through the audit hook, no file opened outside the data dir
    assert "external file" in out.message or "graph" in out.message or "functions" in out.message \
        or "training" in out.message, out.message
    assert SECRET.decode() not in out.message


def test_the_command_line_reads_nothing_but_the_file_it_is_given(data_dir, secret_dir, capsys):
    from builder.cli import main
    model = data_dir / "evil.onnx"
    for place, data in places("../secret.bin").items():
        model.write_bytes(data)
        out = watch(lambda: main(["import", str(model), "-o", str(data_dir / "evil.json")]), data_dir=data_dir)
        assert out.value == 2, place
        assert not out.reads and not out.writes, (place, out.reads, out.writes)
        err = capsys.readouterr().err
        assert err.startswith("error: ") and err.count("\n") == 1 and SECRET.decode() not in err, err


def test_the_page_reads_nothing_but_the_upload(data_dir, secret_dir):
    from ui.views.import_model import import_upload
    for place, data in places("secret.bin").items():
        out = watch(lambda: import_upload("evil.onnx", data), ImportProblem, data_dir=data_dir)
        assert_refused(out, mb=16, seconds=5)


def test_the_issues_protobuf_bomb_is_refused_before_it_is_parsed(data_dir):
    """2**19 If subgraphs under a Relu, 62.5 MB (under the 64 MB limit): was 13 s and +2.6 GB, then Input->ReLU."""
    data = bomb()
    assert 60 << 20 < len(data) < 64 << 20
    out = watch(lambda: import_onnx(data, where="bomb.onnx"), ImportProblem, data_dir=data_dir)
    assert_refused(out, "'relu'", "Relu", "attribute 'body' holds a graph", mb=8, seconds=1)


def test_a_subgraph_anywhere_is_refused_naming_its_node(data_dir):
    from onnx import TensorProto, helper
    from onnx_craft import model
    branch = helper.make_graph([helper.make_node("Identity", ["x"], ["z"])], "b", [],
                               [helper.make_tensor_value_info("z", TensorProto.FLOAT, ["batch", 4])])
    cond = helper.make_node("Constant", [], ["c"], value=helper.make_tensor("b", TensorProto.BOOL, [], [True]))
    for node in (helper.make_node("If", ["c"], ["y"], then_branch=branch, else_branch=branch, name="/enc/If"),
                 helper.make_node("Relu", ["x"], ["y"], name="act", body=[branch, branch])):
        data = model([cond, node])
        out = watch(lambda: import_onnx(data, where="sub.onnx"), ImportProblem, data_dir=data_dir)
        assert_refused(out, f"'{node.name}'", node.op_type, "holds a graph", mb=8, seconds=1)
    assert "module 'enc'" in watch(lambda: import_onnx(model([cond, helper.make_node(
        "If", ["c"], ["y"], then_branch=branch, else_branch=branch, name="/enc/If")])), ImportProblem,
        data_dir=data_dir).message


@pytest.mark.parametrize("blob, words", [
    (b"\x3a\x05" + b"\x0a\x03\x22\x01", ["not a readable ONNX model"]),  # a length past the end
    (b"\x0b" * 64, ["not a readable ONNX model"]),  # group tags: not ONNX's schema
    (b"\x3a\x02\x6a\x00" * 2, []),  # two graphs, fine for protobuf (merged): the checker names what is missing
])
def test_truncated_or_odd_wire_data_is_named(data_dir, blob, words):
    out = watch(lambda: import_onnx(blob, where="odd.onnx"), ImportProblem, data_dir=data_dir)
    assert_refused(out, "odd.onnx", *words, mb=8, seconds=1)


def test_nesting_is_bounded_before_parsing(data_dir):
    from onnx_craft import _field
    nested = b"\x08\x08" + _field(7, _field(11, _field(2, _deep_type(40))))  # graph > value_info > type > ...
    out = watch(lambda: import_onnx(nested, where="deep.onnx"), ImportProblem, data_dir=data_dir)
    assert_refused(out, "deep.onnx", "nested deeper than 16 levels", mb=8, seconds=1)


def test_the_field_count_is_bounded_before_parsing(data_dir, monkeypatch):
    monkeypatch.setenv("NEUROCANVAS_ONNX_FIELDS", "50000")
    many = b"\x08\x08" + _field_of_value_infos(30_000)  # 60,000 fields: a named value_info each
    out = watch(lambda: import_onnx(many, where="many.onnx"), ImportProblem, data_dir=data_dir)
    assert_refused(out, "many.onnx", "more than 50,000 protobuf fields", mb=8, seconds=2)


@pytest.mark.slow
def test_the_default_field_count_bounds_protobuf_memory(data_dir):
    """22 M empty value_info (44 MB) took 5.7 s and +1.6 GB to parse; at 1,000,000 fields the walk stops
    (~1.7 s on a loaded 2-core machine without the guard's tracemalloc, which slows it ~5x)."""
    many = b"\x08\x08" + _field_of_value_infos(600_000)
    out = watch(lambda: import_onnx(many, where="many.onnx"), ImportProblem, data_dir=data_dir)
    assert_refused(out, "many.onnx", "more than 1,000,000 protobuf fields", mb=16, seconds=30)


def _field_of_value_infos(n: int) -> bytes:
    from onnx_craft import _field
    return _field(7, b"\x6a\x03\x0a\x01v" * n)


def _deep_type(levels: int) -> bytes:
    """TypeProto{sequence_type: Sequence{elem_type: TypeProto{...}}} `levels` times."""
    from onnx_craft import _field
    t = b""
    for _ in range(levels):
        t = _field(4, _field(1, t))
    return t
