"""A newcomer's path under AppTest: fixes offered beside errors, comparing variants, keeping one's place, numbers."""
import json
import time

import pytest

from tests.apptest_helpers import app, change, inject, open_gallery
from tests.graph_factory import make_project
from runs.registry import REGISTRY

pytestmark = [pytest.mark.slow, pytest.mark.usefixtures("app_data_dir", "registry")]
DIGITS = {"dataset": "digits", "loss": "CrossEntropyLoss", "epochs": 1, "seed": 0}



def mlp(out_features):
    return make_project([("in", "Input", {"shape": [64]}), ("fc1", "Linear", {"out_features": 32}), ("relu", "ReLU"),
                         ("out", "Linear", {"out_features": out_features})], training=DIGITS)


def wait_done(run, timeout=120.0):
    deadline = time.time() + timeout
    while not run.done and time.time() < deadline:
        run.snapshot()  # a run in a worker process learns its end from its snapshot
        time.sleep(0.2)
    assert run.done, run.status


def fix_buttons(at) -> dict:
    return {b.label: b for b in at.button if str(b.label).startswith("Fix: ")}


def test_1_a_last_layer_of_64_on_ten_classes_blocks_train_and_one_fix_click_cures_it():
    at = inject(app(), mlp(64))
    assert any("out" in e.value and "10 classes" in e.value for e in at.error)
    assert at.button(key="btn_train").disabled
    fix_buttons(at)["Fix: set out.out_features to 10"].click().run()
    assert at.session_state["project"]["graph"]["nodes"][-1]["params"]["out_features"] == 10
    assert not at.button(key="btn_train").disabled and not fix_buttons(at)


def test_1_no_trainable_parameters_is_known_before_train():
    at = inject(app(), make_project([("in", "Input", {"shape": [64]}), ("act", "ReLU")], training=DIGITS))
    assert any("no trainable parameters" in e.value for e in at.error)
    assert at.button(key="btn_train").disabled
    fix_buttons(at)["Fix: insert Linear(10) after act"].click().run()
    assert not at.button(key="btn_train").disabled


def test_4_a_conv_on_a_flat_input_offers_the_image_shape_beside_the_message():
    net = make_project([("in", "Input", {"shape": [64]}), ("conv", "Conv2d", {"out_channels": 4, "kernel_size": 3}),
                        ("flat", "Flatten"), ("out", "Linear", {"out_features": 10})], training=DIGITS)
    at = inject(app(), net)
    assert any("[C, H, W]" in e.value for e in at.error)
    fix_buttons(at)["Fix: set in.shape to [1, 8, 8]"].click().run()
    assert at.session_state["project"]["graph"]["nodes"][0]["params"]["shape"] == [1, 8, 8]
    assert not at.button(key="btn_train").disabled


def test_2_after_run_all_variants_the_other_variants_are_selected_and_only_comparable_runs_are_offered():
    at = app()
    wait_done(REGISTRY.submit(at.session_state["workspace"], make_project(
        [("in", "Input", {"shape": [20, 1]}), ("flat", "Flatten"), ("out", "Linear", {"out_features": 1})],
        training={"dataset": "sine", "loss": "MSELoss", "epochs": 1}), "variant · ReLU"))  # another lesson's run
    open_gallery(at)
    at.button(key="preset_activations_compared").click().run()
    change(at, lambda p: p["training"].update(epochs=1))
    at.run()
    at.button(key="btn_variants").click().run()
    assert not at.exception, [e.message for e in at.exception]
    runs = [r for r in REGISTRY.runs(at.session_state["workspace"]) if r.project["training"]["dataset"] == "digits"]
    picker = next(m for m in at.multiselect if m.key == f"compare:{runs[0].id}")
    assert sorted(picker.value) == sorted(r.id for r in runs[1:]), "the other variants are compared at once"
    assert sorted(picker.options) == sorted(r.label for r in runs[1:]), "no run of another data set is offered"


def test_5_a_click_on_the_open_view_keeps_it_open():
    at = app(tab="Code")
    at.session_state["main_tab"] = None  # what the segmented control gives when its open segment is clicked
    at.run()
    assert at.session_state["main_tab"] == "Code"
    assert not any("Press **Train** to start" in i.value for i in at.info), "not the dashboard"


def test_5_opening_a_lesson_over_ones_own_network_asks_first():
    at = inject(app(), mlp(10))
    open_gallery(at)
    at.button(key="preset_lenet_digits").click().run()
    assert at.session_state["project"]["graph"] == mlp(10)["graph"], "nothing replaced yet"
    at.button(key="btn_cancel_open").click().run()
    assert at.session_state["project"]["graph"] == mlp(10)["graph"]
    at.button(key="preset_lenet_digits").click().run()
    at.button(key="btn_confirm_open").click().run()
    assert at.session_state["project"]["name"].startswith("LeNet")
    at.button(key="preset_simplenet_digits").click().run()  # an untouched lesson is replaced without asking
    assert at.session_state["project"]["name"] == "SimpleNet on digits"


def test_5_a_new_project_does_not_show_the_finished_run_of_the_one_before():
    at = app()
    wait_done(REGISTRY.submit(at.session_state["workspace"], mlp(10), "old run"))
    open_gallery(at)
    at.button(key="preset_lenet_digits").click().run()
    assert at.session_state["run_id"] is None
    assert any("Press **Train** to start" in i.value for i in at.info)


def test_8_the_metric_chart_of_a_classification_run_never_promises_r2():
    from ui.figures.curves import metric_figure
    fig = metric_figure({"dataset": {"task": "classification"}, "epochs": {}})
    assert "R²" not in json.dumps(fig, ensure_ascii=False)
    other = {"label": "variant · Tanh", "snapshot": {"epochs": {"epoch": [0, 1], "val_accuracy": [0.5, 0.7]}}}
    fig = metric_figure({"dataset": {"task": "classification"},
                         "epochs": {"epoch": [0], "val_accuracy": [0.6], "train_accuracy": [0.6]}}, [other])
    assert "variant · Tanh" in [t.get("name") for t in fig["data"]], "compared runs on the accuracy chart too"


def test_9_an_out_of_range_number_says_why_and_is_not_taken():
    at = inject(app(), mlp(10), selected_node="fc1")
    box = next(n for n in at.number_input if n.label == "out_features")
    box.set_value(0).run()
    assert not at.exception, [e.message for e in at.exception]
    # the catalogue's own rule and words for the parameter (the same as check's), naming node, field and limit
    assert any("fc1: Linear out_features must be ≥ 1, got 0" in e.value for e in at.error)
    assert at.session_state["project"]["graph"]["nodes"][1]["params"]["out_features"] == 32


def test_8_feature_maps_show_their_input_image_and_hidden_states_their_input_sequence():
    import torch

    from trainers.probes.pictures import input_sample
    from ui.figures.layer_pictures import feature_maps_figure, hidden_states_figure
    image = torch.arange(64.0).reshape(1, 1, 8, 8)
    probes = {"input_sample": input_sample(image),
              "feature_maps": {"conv": {"shape": [2, 8, 8], "channels": [[[0.0] * 8] * 8] * 2, "min": 0, "max": 1}}}
    fig = feature_maps_figure(probes, "conv")
    assert fig["data"][0]["z"][7][7] == 63.0 and "input" in json.dumps(fig)
    sequence = torch.arange(20.0).reshape(1, 10, 2)
    probes = {"input_sample": input_sample(sequence),
              "hidden_states": {"rnn": {"values": [[0.1] * 3] * 10, "units": [0, 1, 2]}}}
    fig = hidden_states_figure(probes, "rnn")
    assert [t["name"] for t in fig["data"][:2]] == ["input 0", "input 1"]
    assert list(fig["data"][1]["y"]) == list(range(1, 20, 2))
