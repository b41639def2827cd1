"""Importing a model in the page (AppTest): ONNX always, a .py class only where the server allows running code."""
from pathlib import Path

import pytest

from apptest_helpers import app
from builder.importers import ImportProblem
from import_models import HAND_WRITTEN, onnx_bytes
from ui.views.import_model import import_upload

pytestmark = [pytest.mark.slow, pytest.mark.usefixtures("app_data_dir")]

MODELS_PY = (Path(__file__).parent / "import_models.py").read_text().replace("import builder\n", "")


def _uploader(at):
    return next(u for u in at.file_uploader if u.label.startswith("Import a model"))


def _types(at):
    return [n["type"] for n in at.session_state["project"]["graph"]["nodes"]]


def test_an_onnx_file_becomes_the_project_with_its_weights_offered():
    at = app()
    before = at.session_state["project"]["training"]
    cls, shape = HAND_WRITTEN["SmallCNN"]
    _uploader(at).set_value(("cnn.onnx", onnx_bytes(cls(), shape, preserve=True), "application/octet-stream")).run()
    assert not at.exception, [e.message for e in at.exception]
    assert _types(at) == ["Input", "Conv2d", "BatchNorm2d", "ReLU", "MaxPool2d", "Conv2d", "BatchNorm2d", "ReLU",
                          "AdaptiveAvgPool2d", "Flatten", "Linear"]
    assert at.session_state["project"]["training"] == before  # the chosen data set and settings stay
    assert at.get("download_button") and any("Imported cnn.onnx" in s.value for s in at.success)


def test_a_bad_onnx_file_is_named_and_changes_nothing():
    at = app()
    graph = at.session_state["project"]["graph"]
    _uploader(at).set_value(("broken.onnx", b"\x00not onnx" * 10, "application/octet-stream")).run()
    assert not at.exception, [e.message for e in at.exception]
    errors = " ".join(e.value for e in at.error)
    assert "broken.onnx: not a readable ONNX model" in errors and "unchanged" in errors
    assert at.session_state["project"]["graph"] == graph


def test_a_dynamo_export_comes_with_its_data_file_in_one_upload(tmp_path):
    """torch.onnx.export(..., dynamo=True) writes model.onnx + model.onnx.data: both in one upload (or a zip);
    the model alone is refused naming the file it needs, and the BatchNorm the exporter folded comes back."""
    import warnings

    import torch
    cls, shape = HAND_WRITTEN["SmallCNN"]
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        torch.onnx.export(cls().eval(), (torch.randn(2, *shape),), str(tmp_path / "cnn.onnx"), dynamo=True,
                          dynamic_shapes=({0: torch.export.Dim("batch")},), verbose=False)
    model, data = (tmp_path / "cnn.onnx").read_bytes(), (tmp_path / "cnn.onnx.data").read_bytes()
    at = app()
    _uploader(at).set_value([("cnn.onnx", model, "application/octet-stream")]).run()
    assert "'cnn.onnx.data', which did not come with the model" in " ".join(e.value for e in at.error)
    _uploader(at).set_value([("cnn.onnx", model, "application/octet-stream"),
                             ("cnn.onnx.data", data, "application/octet-stream")]).run()
    assert not at.exception, [e.message for e in at.exception]
    assert _types(at) == ["Input", "Conv2d", "BatchNorm2d", "ReLU", "MaxPool2d", "Conv2d", "BatchNorm2d", "ReLU",
                          "AdaptiveAvgPool2d", "Flatten", "Linear"]
    assert any("Imported cnn.onnx" in w.value and "restored" in w.value for w in at.warning)


def test_python_import_is_off_unless_the_server_allows_it(monkeypatch):
    monkeypatch.delenv("NEUROCANVAS_ALLOW_CODE_IMPORT", raising=False)
    at = app()
    assert _uploader(at).label == "Import a model (.onnx)"  # and the uploader takes only .onnx
    assert any("NEUROCANVAS_ALLOW_CODE_IMPORT=1" in c.value for c in at.caption)
    with pytest.raises(ImportProblem, match="only .onnx files"):  # nor does the server, whatever arrives
        import_upload("models.py", MODELS_PY.encode(), "MLP", "20")


def test_python_import_where_allowed(monkeypatch):
    monkeypatch.setenv("NEUROCANVAS_ALLOW_CODE_IMPORT", "1")
    at = app()
    _uploader(at).set_value(("models.py", MODELS_PY.encode(), "text/x-python")).run()
    at.text_input(key="import_class").set_value("LSTMClassifier")
    at.text_input(key="import_shape").set_value("7,6").run()
    at.button(key="import_go").click().run()
    assert not at.exception, [e.message for e in at.exception]
    assert _types(at) == ["Input", "LSTM", "SequencePool", "Linear"]
