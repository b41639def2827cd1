"""Every export graph (each catalogue family, issue 20's new layers among them) -> exported script -> torch.fx
import: the same graph, the same outputs; a Reshape or Permute whose sizes repeat keeps its list."""
import pytest
import torch

import builder
from builder.importers import import_module, load_class
from export.script import class_name, export_script
from export_graphs import GRAPHS, entered
from import_models import canonical, outputs, same_graph


def _through_script(data, tmp_path):
    project = builder.load_project(data)
    report = builder.check(project)
    path = tmp_path / "model.py"
    path.write_text(export_script(entered(data)), encoding="utf-8")
    torch.manual_seed(3)
    original = builder.build_model(project).eval()
    module = load_class(path, class_name(project.name))()
    module.load_state_dict(original.state_dict())
    shape, dtype = report.shapes[report.input_node], report.dtypes[report.input_node]
    imported, state = import_module(module, shape, dtype)
    x = torch.randint(0, 5, (3, *shape)) if dtype == "long" else torch.randn(3, *shape)
    return original, imported, state, x


@pytest.mark.parametrize("kind", list(GRAPHS))
def test_exported_script_reimports_to_the_same_graph(kind, tmp_path):
    original, imported, state, x = _through_script(GRAPHS[kind], tmp_path)
    assert same_graph(canonical(GRAPHS[kind]), canonical(imported))
    with torch.no_grad():
        torch.testing.assert_close(outputs(imported, state, x), original(x))


def test_repeated_sizes_stay_lists(project, tmp_path):
    data = project([("in", "Input", {"shape": [64]}), ("sq", "Reshape", {"shape": [8, 8]}),
                    ("t", "Permute", {"dims": [1, 0]}), ("one", "Reshape", {"shape": [64]}),
                    ("fc", "Linear", {"out_features": 2})])
    _, imported, _, _ = _through_script(data, tmp_path)
    params = {n["type"]: n["params"] for n in imported["graph"]["nodes"]}
    assert params["Permute"] == {"dims": [1, 0]}
    assert [n["params"] for n in imported["graph"]["nodes"] if n["type"] == "Reshape"] == [{"shape": [8, 8]},
                                                                                          {"shape": [64]}]
