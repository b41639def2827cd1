"""Run bundles: a trained run's project, weights, curves, probes and script come back from the .zip."""
import io
import json
import zipfile

import pytest
import torch

from builder import build_model, load_project
from export.bundle import FORMAT, read_bundle, build_bundle, BundleError
from export_graphs import GRAPHS, entered

SNAPSHOT = {
    "status": "finished", "message": "early stopping: val_loss did not improve for 5 epochs",
    "dataset": {"name": "digits", "n_train": 1438, "n_val": 359},
    "progress": {"step": 90, "epoch": 2, "epochs": 3},
    "epochs": {"epoch": [1, 2], "train_loss": [2.1, 1.03125], "val_loss": [1.9, None], "lr": [0.05, 0.025],
               "train_accuracy": [0.31, 0.7], "val_accuracy": [0.35, 0.72]},
    "steps": {"step": [1, 2, 4, 8], "loss": [2.3, 2.29, None, 2.0000000000000004], "lr": [0.05, 0.05, 0.05, 0.025]},
    "probes": {"step": 88, "order": ["in", "fc_1"], "activations": {"fc_1": {"mean": 0.5, "dead_fraction": None,
                                                                   "hist": {"edges": [0, 1], "counts": [1]}}}},
}


def test_round_trip_restores_graph_weights_and_curves():
    project = load_project(GRAPHS["cnn"])
    model = build_model(project)
    model.train()(torch.randn(32, 1, 8, 8))  # running statistics differ from a fresh model's
    bundle = read_bundle(build_bundle(entered(project), model, SNAPSHOT))
    assert bundle.project.to_dict() == project.to_dict()
    assert bundle.epochs == SNAPSHOT["epochs"] and bundle.steps == SNAPSHOT["steps"]
    assert bundle.probes == SNAPSHOT["probes"]
    restored, x = bundle.model().eval(), torch.randn(4, 1, 8, 8)
    torch.testing.assert_close(restored(x), model.eval()(x), rtol=0, atol=0)
    compile(bundle.script, "model.py", "exec")
    assert "class TinyCNN(nn.Module):" in bundle.script and "def load_data(" in bundle.script
    snap = bundle.snapshot()
    assert snap["status"] == "finished" and snap["epochs"] == SNAPSHOT["epochs"] and snap["probes"]["step"] == 88


def test_manifest_lists_versions_and_checksums():
    data = build_bundle(entered(GRAPHS["mlp"]), build_model(load_project(GRAPHS["mlp"])), SNAPSHOT)
    with zipfile.ZipFile(io.BytesIO(data)) as zf:
        names = set(zf.namelist())
        manifest = json.loads(zf.read("manifest.json"))
        metrics = zf.read("metrics.csv").decode()
    assert names == {"manifest.json", "project.json", "weights.pt", "metrics.csv", "steps.csv", "probes.json",
                     "model.py"}
    assert manifest["format"] == FORMAT and manifest["versions"]["torch"] == torch.__version__
    assert set(manifest["members"]) == names - {"manifest.json"}
    assert all(len(m["sha256"]) == 64 for m in manifest["members"].values())
    assert metrics.splitlines()[:3] == ["epoch,train_loss,val_loss,lr,train_accuracy,val_accuracy",
                                        "1,2.1,1.9,0.05,0.31,0.35", "2,1.03125,,0.025,0.7,0.72"]


def test_project_only_bundle():
    bundle = read_bundle(build_bundle(entered(GRAPHS["recurrent"]), script=False))
    assert bundle.state_dict is None and bundle.epochs == {} and bundle.probes is None and bundle.script is None


def test_weights_must_fit_the_graph_when_saving():
    other = build_model(load_project(GRAPHS["mlp"]))
    with pytest.raises(BundleError, match="is missing|matches no parameter"):
        build_bundle(entered(GRAPHS["concat"]), other)


@pytest.mark.slow
def test_a_real_training_run_round_trips(tmp_path):
    trainers = pytest.importorskip("trainers")
    torch.set_num_threads(1)
    project = load_project(GRAPHS["residual"])
    project.training.update(epochs=2)
    job = trainers.TrainingJob(project)
    job.start()
    assert job.join(120), "training did not finish"
    snapshot = json.loads(json.dumps(job.snapshot()))
    bundle = read_bundle(build_bundle(entered(project), job.state_dict(), snapshot))
    assert bundle.epochs == snapshot["epochs"] and len(bundle.epochs["epoch"]) == 2
    assert bundle.steps == snapshot["steps"]
    assert bundle.probes == snapshot["probes"]
    x = torch.randn(5, 2)
    torch.testing.assert_close(bundle.model().eval()(x), job.model.eval()(x))
