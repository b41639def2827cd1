"""Every preset and variant exports: a script whose class matches build_model, ONNX equal to PyTorch, a share link."""
import pytest
import torch

from builder import build_model, check, load_project
from export.script import class_name, export_script
from export.onnx import export_onnx
from export.links import decode_project, encode_project
from export_graphs import entered

presets = pytest.importorskip("presets")
ort = pytest.importorskip("onnxruntime")

CASES = [(info.name, None) for info in presets.list_presets()] + \
        [(info.name, v) for info in presets.list_presets() for v in info.variants]


def _project(name, variant):
    project = presets.load_preset(name)
    return presets.apply_variant(project, variant) if variant else project


@pytest.mark.parametrize("name, variant", CASES)
def test_preset_script_matches_build_model(name, variant):
    project = load_project(_project(name, variant))
    src = export_script(entered(project), training=True)  # the preset's data set can be written into the script
    namespace = {"__name__": "exported"}
    exec(compile(src, f"{name}.py", "exec"), namespace)
    torch.manual_seed(7)
    exported = namespace[class_name(project.name)]()
    torch.manual_seed(7)
    model = build_model(project)
    # same seed, same initial weights: the script builds the layers in the app's order
    assert sorted(exported.state_dict()) == sorted(model.state_dict())
    assert all(torch.equal(exported.state_dict()[k], v) for k, v in model.state_dict().items())
    assert sum(p.numel() for p in exported.parameters()) == check(project).total_params
    exported.load_state_dict(model.state_dict())
    report = check(project)
    shape, dtype = report.shapes[report.input_node], report.dtypes[report.input_node]
    x = torch.randint(0, 4, (3, *shape)) if dtype == "long" else torch.randn(3, *shape)
    with torch.no_grad():
        torch.testing.assert_close(exported.eval()(x), model.eval()(x), rtol=0, atol=1e-6)


@pytest.mark.parametrize("name", [info.name for info in presets.list_presets()])
def test_preset_onnx_and_link(name):
    torch.set_num_threads(1)
    project = load_project(presets.load_preset(name))
    model = build_model(project).eval()
    report = check(project)
    shape, dtype = report.shapes[report.input_node], report.dtypes[report.input_node]
    x = torch.randint(0, 4, (2, *shape)) if dtype == "long" else torch.randn(2, *shape)
    session = ort.InferenceSession(export_onnx(entered(project), model), providers=["CPUExecutionProvider"])
    with torch.no_grad():
        expected = model(x)
    torch.testing.assert_close(torch.from_numpy(session.run(None, {"input": x.numpy()})[0]), expected,
                               rtol=1e-4, atol=1e-5)
    assert decode_project(encode_project(project)).to_dict() == project.to_dict()
