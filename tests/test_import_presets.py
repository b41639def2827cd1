"""Every preset -> export (PyTorch script, ONNX) -> import: the same network up to ids and layout, same outputs."""
import pytest
import torch

import builder
from builder.importers import import_module, import_onnx, load_class
from import_models import canonical, exporter, outputs, same_graph
from presets import list_presets, load_preset

PRESETS = [p.name for p in list_presets()]


def _example(project):
    report = builder.check(project)
    inp = project.graph.node(report.input_node).params
    if inp.get("dtype") == "long":
        return torch.randint(0, 4, (3, *inp["shape"])), inp["shape"], "long"
    return torch.randn(3, *inp["shape"]), inp["shape"], "float"


def _trained_like(project):
    torch.manual_seed(1)
    return builder.build_model(project).eval()


@pytest.mark.parametrize("name", PRESETS)
def test_preset_through_the_pytorch_script(name, tmp_path):
    data = load_preset(name)
    project = builder.load_project(data)
    export_script, class_name = exporter("export_script"), exporter("class_name")
    path = tmp_path / "model.py"
    path.write_text(export_script(builder.checked(project), training=False), encoding="utf-8")
    cls = load_class(path, class_name(project.name))
    original = _trained_like(project)
    module = cls()
    module.load_state_dict(original.state_dict())  # the script's attribute names are the node ids
    x, shape, dtype = _example(project)
    imported, state = import_module(module, shape, dtype)
    assert same_graph(canonical(data), canonical(imported))
    assert builder.check(builder.load_project(imported)).total_params == builder.check(project).total_params
    with torch.no_grad():
        torch.testing.assert_close(outputs(imported, state, x), original(x))


@pytest.mark.slow
@pytest.mark.parametrize("name", PRESETS)
def test_preset_through_onnx(name):
    data = load_preset(name)
    project = builder.load_project(data)
    original = _trained_like(project)
    imported, state = import_onnx(exporter("export_onnx")(builder.checked(project), original))
    assert same_graph(canonical(data, inference=True), canonical(imported, inference=True))
    x, _, _ = _example(project)
    with torch.no_grad():
        torch.testing.assert_close(outputs(imported, state, x), original(x))
