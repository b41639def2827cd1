"""ui.figures without streamlit: plotly JSON specs drawn from real and hand-made snapshots, previews, run tables."""
import io
import json

import numpy as np
import pandas as pd
import pytest
import torch

from trainers import TrainingJob, load_dataset
from ui.figures import curves, layer_pictures as pi
from ui.figures.run_compare import differing, flatten, settings_table
from ui.figures.dataset_preview import preview
from tests.graph_factory import make_project


@pytest.fixture(scope="module")
def moons_snapshot():
    """A real finished run of a small MLP on moons, probed every 5 steps."""
    torch.set_num_threads(1)
    p = make_project([("in", "Input", {"shape": [2]}), ("fc1", "Linear", {"out_features": 16}), ("act", "ReLU"),
                      ("out", "Linear", {"out_features": 2})],
                     training={"dataset": "moons", "epochs": 3, "batch_size": 32, "probes": {"every": 5}})
    job = TrainingJob(p)
    job.start()
    assert job.join(60)
    return job.snapshot()


def test_loss_figure_draws_the_snapshot_curves_and_dashed_overlays(moons_snapshot):
    snap = moons_snapshot
    other = {"label": "run 0", "snapshot": {"steps": {"step": [1, 2], "loss": [0.9, 0.8]}}}
    fig = curves.loss_figure(snap, [other])
    overlay, train, val = fig["data"]
    assert (overlay["name"], overlay["line"]["dash"], list(overlay["y"])) == ("run 0", "dash", [0.9, 0.8])
    assert list(train["x"]) == snap["steps"]["step"] and list(train["y"]) == snap["steps"]["loss"]
    per = snap["progress"]["steps_per_epoch"]
    assert list(val["x"]) == [e * per for e in snap["epochs"]["epoch"]]
    assert list(val["y"]) == snap["epochs"]["val_loss"]
    assert json.loads(json.dumps(fig)) == fig  # plain JSON: no plotly or numpy objects inside


def test_empty_snapshots_give_a_message_not_a_blank_chart():
    for fig in (curves.loss_figure({}), curves.metric_figure({}), curves.gradient_figure({}),
                pi.activation_histograms({}), pi.boundary_figure({}), pi.confusion_figure({})):
        assert not fig["data"] and fig["layout"]["annotations"][0]["text"]


def test_accuracy_and_r2_per_epoch(moons_snapshot):
    fig = curves.metric_figure(moons_snapshot)
    assert [t["name"] for t in fig["data"]] == ["train", "validation"]
    assert list(fig["data"][1]["y"]) == moons_snapshot["epochs"]["val_accuracy"]
    reg = curves.metric_figure({"epochs": {"epoch": [1, 2], "val_r2": [0.1, 0.5], "val_mae": [1, 0.5]}})
    assert [t["name"] for t in reg["data"]] == ["validation R²"] and list(reg["data"][0]["y"]) == [0.1, 0.5]


def test_gradients_are_per_layer_on_a_log_axis(moons_snapshot):
    fig = curves.gradient_figure(moons_snapshot)
    hist = moons_snapshot["probes"]["gradient_history"]
    assert fig["layout"]["yaxis"]["type"] == "log"
    assert {t["name"] for t in fig["data"]} == set(hist["grad_norm"]) == {"fc1", "out"}
    assert list(fig["data"][0]["x"]) == hist["step"]


def test_boundary_and_confusion_from_a_real_run(moons_snapshot):
    probes = moons_snapshot["probes"]
    heat, points = pi.boundary_figure(probes)["data"]
    b = probes["boundary"]
    assert np.asarray(heat["z"]).shape == (len(b["y"]), len(b["x"])) and list(points["x"]) == b["points"]["x"]
    conf = pi.confusion_figure(probes)["data"][0]
    matrix = np.asarray(probes["confusion"]["matrix"])
    assert np.array_equal(np.asarray(conf["text"]), matrix)
    assert np.allclose(np.asarray(conf["z"]).sum(axis=1), 1.0)
    assert matrix.sum() == moons_snapshot["dataset"]["n_val"]


def test_activation_over_time_rebins_every_probe_onto_one_grid():
    history = [{"step": 10, "activations": {"a": {"hist": {"edges": [0, 1, 2], "counts": [3, 1]}}}},
               {"step": 20, "activations": {"a": {"hist": {"edges": [-4, 0, 4], "counts": [0, 8]}}}},
               {"step": 30, "activations": {"b": {"hist": {"edges": [0, 1], "counts": [5]}}}}]
    heat = pi.activation_over_time(history, "a")["data"][0]
    z = np.asarray(heat["z"])
    assert list(heat["x"]) == [10, 20] and z.shape == (pi.BINS, 2)
    assert np.allclose(z.sum(axis=0), 1.0)  # every column is a distribution
    ys = np.asarray(heat["y"])
    assert ys.min() > -4 and ys.max() < 4
    assert z[ys > 2, 1].sum() == pytest.approx(1.0)  # the second probe's mass sat at +2 (bin centre)


def test_dead_units_and_histograms(moons_snapshot):
    probes = moons_snapshot["probes"]
    history = [{"step": probes["step"], "activations": probes["activations"]}]
    dead = pi.dead_units_figure(history)["data"]
    assert [t["name"] for t in dead] == ["act"] and dead[0]["y"][0] == probes["activations"]["act"]["dead_fraction"]
    hist = pi.activation_histograms(probes)
    assert len(hist["data"]) == len(probes["activations"])
    assert list(hist["data"][0]["y"]) == probes["activations"][probes["order"][0]]["hist"]["counts"]


def test_pictures_of_cnn_rnn_attention_and_image_samples():
    probes = {"order": ["conv", "lstm", "attn"],
              "feature_maps": {"conv": {"shape": [2, 3, 3], "channels": [np.eye(3).tolist()] * 2, "min": 0, "max": 1}},
              "hidden_states": {"lstm": {"values": [[0.1, -0.2]] * 5, "units": [0, 7]}},
              "attention": {"attn": {"weights": [np.full((4, 4), 0.25).tolist()] * 2, "tokens": [3, 1, 4, 1]}},
              "samples": [{"kind": "image", "input": np.zeros((8, 8)).tolist(), "target": 3, "prediction": 5,
                           "target_name": "3", "prediction_name": "5", "correct": False}]}
    assert len(pi.feature_maps_figure(probes, "conv")["data"]) == 2
    hs = pi.hidden_states_figure(probes, "lstm")["data"][0]
    assert np.asarray(hs["z"]).shape == (2, 5) and list(hs["y"]) == ["unit 0", "unit 7"]
    att = pi.attention_figure(probes, "attn")
    assert len(att["data"]) == 2 and list(att["layout"]["xaxis"]["ticktext"]) == ["3", "1", "4", "1"]
    samples = pi.sample_images_figure(probes)
    assert samples["layout"]["annotations"][0]["text"] == "✗ 5 (true 3)"
    assert pi.sample_images_figure({"samples": [{"kind": "vector"}]}) is None


def test_metrics_csv_holds_the_epoch_and_step_tables(moons_snapshot):
    frame = pd.read_csv(io.StringIO(curves.metrics_csv(moons_snapshot)))
    epochs = frame[frame.table == "epoch"]
    assert epochs["val_loss"].tolist() == pytest.approx(moons_snapshot["epochs"]["val_loss"])
    assert frame[frame.table == "step"]["step"].tolist() == moons_snapshot["steps"]["step"]


@pytest.mark.parametrize("name,kind", [("digits", "figure"), ("moons", "figure"), ("sine", "figure"),
                                       ("reverse", "table"), ("iris", "table")])
def test_every_kind_of_data_set_has_a_preview(name, kind):
    got, what = preview(load_dataset(name))
    assert got == kind
    if kind == "table":
        assert len(what) > 0 and "target" in what.columns
    else:
        assert what["data"] and json.loads(json.dumps(what)) == what


def test_only_differing_settings_are_listed():
    a = {"optimizer": {"type": "Adam", "lr": 0.001}, "batch_size": 64, "seed": 0}
    b = {"optimizer": {"type": "SGD", "lr": 0.001}, "batch_size": 64, "seed": 0, "epochs": 5}
    assert flatten(a)["optimizer.lr"] == 0.001
    assert differing([a, b]) == ["epochs", "optimizer.type"]


def test_the_runs_table_shows_final_losses_and_only_what_differs(seed_mlp):
    other = {**seed_mlp, "training": {**seed_mlp["training"], "optimizer": {"type": "SGD", "lr": 0.001}}}
    snap = {"status": "finished", "epochs": {"epoch": [1, 2], "val_loss": [0.9, 0.4]}}
    table = settings_table([{"label": "run 1", "project": seed_mlp, "snapshot": snap},
                            {"label": "run 2", "project": other, "snapshot": {"status": "stopped"}}])
    assert list(table.columns) == ["run", "status", "val_loss", "optimizer.type"]
    assert table["optimizer.type"].tolist() == ["Adam", "SGD"] and table["val_loss"].tolist()[0] == 0.4


def test_the_figures_package_is_pure():
    """Plain data in, JSON specs out: no streamlit, not even plotly, is imported to build a figure."""
    import ast
    from pathlib import Path
    for path in (Path(__file__).resolve().parents[1] / "ui" / "figures").glob("*.py"):
        tree = ast.parse(path.read_text(encoding="utf-8"))
        names = {a.name.split(".")[0] for n in ast.walk(tree) if isinstance(n, ast.Import) for a in n.names}
        names |= {n.module.split(".")[0] for n in ast.walk(tree) if isinstance(n, ast.ImportFrom) and n.module
                  and not n.level}
        assert not names & {"streamlit", "plotly"}, (path.name, names)
