"""One rule for node ids, enforced by check: a safe, NFKC-stable, distinct identifier the module does not need."""
import pytest
import torch

from builder import build_model, check, checked, load_project
from export.script import export_script
from hostile_craft import link
from hostile_guard import assert_bounded, watch
from export.links import decode_project


def _project(ids):
    nodes = [{"id": "in", "type": "Input", "params": {"shape": [4]}}]
    nodes += [{"id": i, "type": "Linear", "params": {"out_features": 4}} for i in ids]
    edges = [{"source": a["id"], "target": b["id"]} for a, b in zip(nodes, nodes[1:])]
    return {"format": "neurocanvas/1", "name": "ids", "graph": {"nodes": nodes, "edges": edges},
            "training": {"dataset": "iris"}}


@pytest.mark.parametrize("bad, why", [
    ("ｆｏｒｗａｒｄ", "reads as \"forward\" in Python (NFKC)"),
    ("ｔｒａｉｎｉｎｇ", "reads as \"training\""),
    ("ﬁc", "reads as \"fic\""),
    ("forward", "a name the PyTorch module itself needs"),
    ("training", "a name the PyTorch module itself needs"),
    ("state_dict", "a name the PyTorch module itself needs"),
    ("_modules", "a name the PyTorch module itself needs"),
    ("__init__", "starts with \"__\""),
    ("__secret", "starts with \"__\""),
    ("fc-1", "not a Python identifier"),
    ("2nd", "not a Python identifier"),
    ("a b", "not a Python identifier"),
    ("x\u200b", "not a Python identifier"),  # a zero-width space: invisible, and no identifier
    ("a" * 65, "above the limit of 64"),
])
def test_refused_ids_name_the_id_and_why(data_dir, bad, why):
    out = watch(lambda: check(decode_project(link(_project(["fc1", bad])))), data_dir=data_dir)
    assert_bounded(out)
    (problem,) = [p for p in out.value.errors if p.field == "id"]
    assert problem.node == bad and bad[:80] in problem.message and why in problem.message


def test_ids_that_fold_onto_another_node_are_refused():
    """`ﬁ` folds to `fi`: two nodes would share one attribute in the exported script."""
    report = check(_project(["fi", "ﬁ"]))
    assert [p.node for p in report.errors if p.field == "id"] == ["ﬁ"]


@pytest.mark.parametrize("good", ["fc1", "编码器", "code", "in_", "lambda", "Layer_2"])
def test_accepted_ids_compile_export_and_load_the_apps_weights(good, tmp_path):
    """Oracle: the exported script, run by Python, loads the app's state_dict and gives the same output."""
    project = _project([good, "out"])
    assert check(project).ok
    model = build_model(project).eval()
    namespace = {"__name__": "exported"}
    exec(compile(export_script(checked(load_project(project)), training=False), "model.py", "exec"), namespace)
    exported = namespace["Ids"]().eval()  # the class is named after the project
    exported.load_state_dict(model.state_dict())
    x = torch.randn(3, 4)
    torch.testing.assert_close(exported(x), model(x), rtol=0, atol=0)
