"""Errors that offer their fix: check's and the data agreement's problems carry edits that cure them."""
import copy

import pytest
import torch

from builder import build_model, check
from builder.edits import apply as edit
from builder.fixes import with_fixes
from builder.frozen import thaw
from builder.node_ops import new_id
from builder.ops import ApplyFix
from tests.graph_factory import make_project
from trainers.agreement import checked, describe, signature
from trainers.errors import TrainingError
from trainers.model import from_project

DIGITS = {"dataset": "digits", "loss": "CrossEntropyLoss", "epochs": 1, "seed": 0}


def problems(project):
    """(errors, warnings) of check and the agreement with data and loss, each with the fixes the page offers."""
    report = with_fixes(checked(project)).report
    return report.errors, report.warnings


def apply(project, fix):
    """The project dict after `fix`, applied by the one edit function as the page applies it."""
    return thaw(edit(checked(project), ApplyFix(fix), sign=signature).doc)


def mlp(out_features, loss="CrossEntropyLoss"):
    return make_project([("in", "Input", {"shape": [64]}), ("fc1", "Linear", {"out_features": 32}), ("relu", "ReLU"),
                         ("out", "Linear", {"out_features": out_features})], training={**DIGITS, "loss": loss})


@pytest.mark.parametrize("wrong", [64, 5])
def test_a_last_linear_that_does_not_give_one_score_per_class_is_an_error_with_its_fix(wrong):
    errors, _ = problems(mlp(wrong))
    assert len(errors) == 1 and errors[0].node == "out"
    assert f"[{wrong}]" in errors[0].message and "10 classes" in errors[0].message
    assert [f.label for f in errors[0].fixes] == ["Fix: set out.out_features to 10"]
    fixed = apply(mlp(wrong), errors[0].fixes[0])
    assert problems(fixed) == ([], [])
    assert build_model(fixed)(torch.zeros(2, 64)).shape == (2, 10)  # PyTorch agrees


def test_training_refuses_a_disagreeing_output_before_any_work_and_names_the_fix():
    with pytest.raises(TrainingError, match=r"out: gives \[64\].*Fix: set out.out_features to 10"):
        from_project(mlp(64))


def test_a_network_without_weights_is_known_before_train_and_the_fix_adds_a_linear():
    bare = make_project([("in", "Input", {"shape": [64]}), ("act", "ReLU")], training=DIGITS)
    errors, _ = problems(bare)
    assert "no trainable parameters" in errors[0].message
    fixed = apply(bare, errors[0].fixes[0])
    assert problems(fixed) == ([], [])
    assert check(fixed).total_params == 64 * 10 + 10


def test_mse_on_class_labels_warns_and_offers_cross_entropy():
    _, warnings = problems(mlp(10, "MSELoss"))
    assert warnings[0].field == "loss" and warnings[0].fixes[0].label == "Fix: use CrossEntropyLoss"
    assert apply(mlp(10, "MSELoss"), warnings[0].fixes[0])["training"]["loss"] == "CrossEntropyLoss"


def test_a_class_loss_on_a_regression_set_offers_mse():
    project = make_project([("in", "Input", {"shape": [10]}), ("out", "Linear", {"out_features": 1})],
                           training={"dataset": "diabetes", "loss": "CrossEntropyLoss"})
    errors, _ = problems(project)
    assert errors[0].field == "loss"
    assert problems(apply(project, errors[0].fixes[0])) == ([], [])


def test_conv_on_a_flat_input_offers_the_image_shape_and_then_a_flatten_ending_in_a_valid_lenet():
    net = make_project([("in", "Input", {"shape": [64]}),
                        ("conv1", "Conv2d", {"out_channels": 8, "kernel_size": 3, "padding": 1}), ("relu1", "ReLU"),
                        ("pool1", "MaxPool2d", {"kernel_size": 2}), ("fc", "Linear", {"out_features": 10})],
                       training=DIGITS)
    errors, _ = problems(net)
    assert errors[0].node == "conv1" and "[C, H, W]" in errors[0].message
    assert "Fix: set in.shape to [1, 8, 8]" in [f.label for f in errors[0].fixes]
    net = apply(net, next(f for f in errors[0].fixes if "[1, 8, 8]" in f.label))
    errors, _ = problems(net)
    assert errors[0].node == "fc" and errors[0].fixes[0].label == "Fix: insert Flatten before fc"
    net = apply(net, errors[0].fixes[0])
    assert problems(net) == ([], [])
    model = build_model(net)
    assert model(torch.zeros(3, 1, 8, 8)).shape == (3, 10)


def test_a_conv_after_a_hidden_linear_offers_a_reshape_that_pytorch_accepts():
    net = make_project([("in", "Input", {"shape": [10]}), ("fc", "Linear", {"out_features": 36}),
                        ("conv", "Conv2d", {"out_channels": 2, "kernel_size": 3})])
    errors, _ = problems(net)
    labels = [f.label for f in errors[0].fixes]
    assert "Fix: insert Reshape to [1, 6, 6] before conv" in labels
    fixed = apply(net, errors[0].fixes[labels.index("Fix: insert Reshape to [1, 6, 6] before conv")])
    assert check(fixed).ok and build_model(fixed)(torch.zeros(2, 10)).shape == (2, 2, 4, 4)


def test_a_data_set_of_another_size_offers_its_natural_shapes():
    net = make_project([("in", "Input", {"shape": [4]}), ("out", "Linear", {"out_features": 10})], training=DIGITS)
    errors, _ = problems(net)
    assert errors[0].node == "in" and errors[0].field == "shape"
    assert [f.label for f in errors[0].fixes] == ["Fix: set in.shape to [64]"]  # [1, 8, 8] would not suit Linear
    assert problems(apply(net, errors[0].fixes[0])) == ([], [])


def test_two_linear_maps_in_a_row_warn_and_the_fix_inserts_an_activation_between():
    net = make_project([("in", "Input", {"shape": [64]}), ("fc1", "Linear", {"out_features": 32}),
                        ("out", "Linear", {"out_features": 10})], training=DIGITS)
    _, warnings = problems(net)
    assert warnings[0].node == "out" and warnings[0].fixes[0].label == "Fix: insert ReLU after fc1"
    fixed = apply(net, warnings[0].fixes[0])
    assert problems(fixed) == ([], [])
    assert [e["source"] + ">" + e["target"] for e in fixed["graph"]["edges"]] == ["in>fc1", "relu1>out", "fc1>relu1"]


def test_an_inserted_node_gets_a_place_and_pushes_what_follows_down_one_row():
    net = mlp(64)
    for i, n in enumerate(net["graph"]["nodes"]):
        n["pos"] = [0, 150 * i]
    fixed = apply(net, problems(make_project(
        [("in", "Input", {"shape": [64]}), ("fc1", "Linear", {"out_features": 32}),
         ("out", "Linear", {"out_features": 10})], training=DIGITS))[1][0].fixes[0])
    pos = {n["id"]: n["pos"] for n in fixed["graph"]["nodes"]}
    assert pos["relu1"] == [0, 300] and pos["out"][1] > pos["relu1"][1]
    assert net["graph"]["nodes"][-1]["pos"] == [0, 450], "apply does not change its input"


def test_new_ids_follow_the_canvas_naming():
    assert new_id("Flatten", {"flatten1"}) == "flatten2"
    assert new_id("Conv2d", {"conv2d1", "x"}) == "conv2d2"


def test_every_preset_agrees_with_its_data_and_describe_names_the_fix():
    from presets import list_presets, load_preset
    for info in list_presets():
        project = load_preset(info.name)
        assert problems(project)[0] == [], info.name
    assert "(Fix: set out.out_features to 10)" in describe(problems(copy.deepcopy(mlp(5)))[0][0])


def test_trainers_run_names_the_disagreement_and_its_fix_before_training(tmp_path):
    import json
    import subprocess
    import sys
    path = tmp_path / "wide.json"
    path.write_text(json.dumps(mlp(64)))
    done = subprocess.run([sys.executable, "-m", "trainers", "run", str(path)], capture_output=True, text=True,
                          timeout=300, cwd=str(__import__("pathlib").Path(__file__).resolve().parents[1]))
    assert done.returncode == 2 and "Traceback" not in done.stderr
    assert "out: gives [64]" in done.stderr and "Fix: set out.out_features to 10" in done.stderr
