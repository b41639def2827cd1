"""Training from the page under AppTest: curves grow while polling, pause/step/resume/stop, failures, reattach."""
import copy
import json


import pytest
from streamlit.testing.v1 import AppTest

from apptest_helpers import change, open_gallery, poll
from runs.registry import REGISTRY

pytestmark = [pytest.mark.slow, pytest.mark.usefixtures("app_data_dir", "registry")]


def app(project=None, ws=None) -> AppTest:
    at = AppTest.from_file("../app.py", default_timeout=90)
    if ws:
        at.query_params["ws"] = ws
    at.run()
    if project is not None:
        at.session_state["project"] = copy.deepcopy(project)
        at.run()
    assert not at.exception, [e.message for e in at.exception]
    return at


def loss_points(at) -> int:
    charts = [json.loads(c.proto.spec) for c in at.get("plotly_chart")]
    for spec in charts:
        for trace in spec["data"]:
            if trace.get("name") == "train loss (per step)":
                return len(trace["x"])
    return 0


def run_of(at):
    return REGISTRY.get(at.session_state["workspace"], at.session_state["run_id"])


@pytest.fixture
def long_mlp(seed_mlp):
    seed_mlp["training"]["epochs"] = 500  # long enough to still run while the test looks at it
    return seed_mlp


def test_train_draws_a_growing_curve_and_pause_step_resume_stop_work(long_mlp):
    at = app(long_mlp)
    at.button(key="btn_train").click().run()
    assert poll(at, lambda a: loss_points(a) >= 3)
    first = loss_points(at)
    assert poll(at, lambda a: loss_points(a) > first), "the curve grows while polling"
    assert at.button(key="btn_train").disabled and not at.button(key="btn_pause").disabled
    assert "samples/s" in at.get("progress")[0].proto.text

    at.button(key="btn_pause").click().run()
    run = run_of(at)
    assert run.status == "paused" and not at.button(key="btn_step").disabled
    step = run.snapshot()["progress"]["step"]
    at.button(key="btn_step").click().run()
    assert run.snapshot()["progress"]["step"] == step + 1 and run.status == "paused"
    at.button(key="btn_resume").click().run()
    assert run.status == "running"
    at.button(key="btn_stop").click().run()
    assert run.status == "stopped" and not at.button(key="btn_train").disabled
    assert poll(at, lambda a: run.final is not None)  # saved by the registry once it ended


def test_activation_panel_fills_after_the_first_probe(long_mlp):
    at = app(long_mlp)
    at.button(key="btn_train").click().run()
    at.session_state["main_tab"] = "Layers"
    assert poll(at, lambda a: any(json.loads(c.proto.spec)["data"] and
                                  json.loads(c.proto.spec)["data"][0].get("type") == "bar"
                                  for c in a.get("plotly_chart")))
    assert any(m.value.startswith("Probed at step") for m in at.caption)


def test_a_nan_run_pauses_with_its_message(long_mlp):
    long_mlp["training"]["optimizer"] = {"type": "SGD", "lr": 1e12}
    at = app(long_mlp)
    at.button(key="btn_train").click().run()
    assert poll(at, lambda a: any("NaN" in w.value or "inf" in w.value for w in a.warning))
    assert run_of(at).status == "paused"


def test_a_run_that_cannot_start_shows_why(long_mlp):
    long_mlp["graph"]["nodes"][0]["params"]["shape"] = [2]  # digits give 64 values per sample
    at = app(long_mlp)
    # known before Train (issue 14): the button is disabled and the page names the node, both shapes and the fix
    assert at.button(key="btn_train").disabled
    texts = " ".join(e.value for e in [*at.error, *at.warning, *at.caption, *at.markdown])
    assert "in: gives [2]" in texts and "[64]" in texts


def test_a_refreshed_page_reattaches_to_the_running_training(long_mlp):
    first = app(long_mlp)
    first.button(key="btn_train").click().run()
    ws, run_id = first.query_params["ws"], first.session_state["run_id"]
    assert poll(first, lambda a: loss_points(a) >= 2)
    REGISTRY.orphan(ws)  # the old tab went away
    again = app(ws=ws)
    assert again.session_state["run_id"] == run_id
    assert run_of(again).status == "running" and again.button(key="btn_train").disabled
    assert poll(again, lambda a: loss_points(a) >= 2)


def test_a_second_run_overlays_the_first_with_the_differing_settings(seed_mlp):
    seed_mlp["training"]["epochs"] = 2
    at = app(seed_mlp)
    at.button(key="btn_train").click().run()
    assert poll(at, lambda a: run_of(a).final is not None)
    change(at, lambda p: p["training"]["optimizer"].update(lr=0.01))
    at.session_state["project_generation"] += 1  # as a preset load would: widgets re-read the settings
    at.run()
    at.button(key="btn_train").click().run()
    assert poll(at, lambda a: run_of(a).final is not None and loss_points(a) > 0)
    names = [t.get("name", "") for c in at.get("plotly_chart") for t in json.loads(c.proto.spec)["data"]]
    assert any(n.startswith("run 1") for n in names)
    table = at.dataframe[0].value
    assert "optimizer.lr" in table.columns and sorted(table["optimizer.lr"]) == [0.001, 0.01]


def test_run_all_variants_trains_each_with_the_same_seed_and_overlays_them():
    at = app()
    open_gallery(at)
    at.button(key="preset_activations_compared").click().run()
    change(at, lambda p: p["training"].update(epochs=1))  # a short lesson: the test waits for all of it
    at.session_state["project_generation"] += 1
    at.run()
    at.button(key="btn_variants").click().run()
    assert not at.exception, [e.message for e in at.exception]
    runs = REGISTRY.runs(at.session_state["workspace"])
    assert [r.label for r in runs] == ["variant · ReLU", "variant · Tanh", "variant · Sigmoid"]
    assert {r.settings["seed"] for r in runs} == {0} and {r.settings["epochs"] for r in runs} == {1}
    acts = [[n["type"] for n in r.project["graph"]["nodes"] if n["id"] in ("act1", "act2")] for r in runs]
    assert acts == [["ReLU", "ReLU"], ["Tanh", "Tanh"], ["Sigmoid", "Sigmoid"]]
    assert at.session_state["main_tab"] == "Dashboard"
    assert poll(at, lambda a: all(r.final is not None for r in runs) and loss_points(a) > 0, timeout=90)
    assert all(r.status == "finished" for r in runs), [r.snapshot().get("error") for r in runs]
    shown = {at.session_state["run_id"], *at.session_state["compare_runs"]}
    assert shown == {r.id for r in runs}, "every variant is on the loss chart"
    names = {t.get("name", "") for c in at.get("plotly_chart") for t in json.loads(c.proto.spec)["data"]}
    current = REGISTRY.get(at.session_state["workspace"], at.session_state["run_id"])
    assert {r.label for r in runs if r is not current} <= names


def test_a_run_over_the_server_cap_waits_with_its_queue_position(long_mlp, monkeypatch):
    monkeypatch.setattr(REGISTRY, "max_active", 1)
    first = app(long_mlp)
    first.button(key="btn_train").click().run()
    assert poll(first, lambda a: run_of(a).status == "running")
    second = app(long_mlp)
    second.button(key="btn_train").click().run()
    waiting = run_of(second)
    assert waiting.status == "queued" and REGISTRY.queue_position(waiting) == 1
    assert any("position 1 in the queue" in i.value and "trains 1 at a time" in i.value for i in second.info)
    assert second.button(key="btn_train").disabled and not second.button(key="btn_stop").disabled
    REGISTRY.stop(run_of(first))  # the slot frees: the queued run starts
    assert poll(second, lambda a: run_of(a).status == "running")
    assert not any("in the queue" in i.value for i in second.info)
