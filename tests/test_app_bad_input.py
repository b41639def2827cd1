"""Values a number box cannot hold (from an uploaded or hand-edited file) never break the page (AppTest)."""
import copy
import json
from pathlib import Path

import pytest
from streamlit.testing.v1 import AppTest

from tests.apptest_helpers import app, inject

pytestmark = [pytest.mark.slow, pytest.mark.usefixtures("app_data_dir")]

SIMPLENET = json.loads((Path(__file__).parents[1] / "presets" / "simplenet_digits.json").read_text())


def page_with(project: dict, **keys) -> AppTest:
    return inject(app(), project, **keys)


@pytest.mark.parametrize("bad", [-3, "abc", 2.5, None, 10**9])
def test_inspector_shows_a_bad_size_as_text_and_takes_a_fix(bad):
    project = copy.deepcopy(SIMPLENET)
    project["graph"]["nodes"][1]["params"]["out_features"] = bad  # fc1
    at = page_with(project, selected_node="fc1")
    assert any(e.value.startswith("fc1: Linear out_features") for e in at.error)
    [box] = [w for w in at.text_input if w.label == "out_features"]
    box.set_value("32").run()
    assert not at.exception, [e.message for e in at.exception]
    assert at.session_state["project"]["graph"]["nodes"][1]["params"]["out_features"] == 32
    assert not any(e.value.startswith("fc1:") for e in at.error)


def test_inspector_names_a_bad_typed_fix():
    project = copy.deepcopy(SIMPLENET)
    project["graph"]["nodes"][1]["params"]["out_features"] = -3
    at = page_with(project, selected_node="fc1")
    [box] = [w for w in at.text_input if w.label == "out_features"]
    box.set_value("many").run()
    assert not at.exception
    assert any("fc1.out_features: expected a number" in e.value for e in at.error)
    assert at.session_state["project"]["graph"]["nodes"][1]["params"]["out_features"] == -3  # nothing lost


@pytest.mark.parametrize("field, bad, shown", [("lr", -1, 1e-6), ("lr", "fast", 0.001), ("batch_size", 0, 1),
                                                ("epochs", 2.5, 10), ("seed", -4, 0)])
def test_training_settings_a_number_box_cannot_hold_are_named(field, bad, shown):
    project = copy.deepcopy(SIMPLENET)
    if field == "lr":
        project["training"]["optimizer"]["lr"] = bad
    else:
        project["training"][field] = bad
    at = page_with(project, main_tab="Train")
    name = "optimizer.lr" if field == "lr" else field
    assert any(w.value.startswith(f"training.{name}: {bad!r} is not a usable value") for w in at.warning)
    training = at.session_state["project"]["training"]
    assert (training["optimizer"]["lr"] if field == "lr" else training[field]) == shown


def test_csv_without_a_file_cannot_train_yet():
    project = copy.deepcopy(SIMPLENET)
    project["training"].update(dataset="csv", dataset_options={})
    at = page_with(project)
    assert at.button(key="btn_train").disabled
