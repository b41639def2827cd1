"""Messages that name the real cause: data problems as data problems, NaN/inf settings refused before use."""
import pytest

from builder import checked, load_project
from export.script import export_script
from hostile_craft import project
from hostile_guard import assert_refused, watch
from trainers import TrainingError, TrainingJob, load_dataset
from trainers.settings import TrainingSettings


@pytest.mark.parametrize("text, words", [
    ("a,b,y\n1,inf,0\n2,3,1\n4,5,0\n", ("'b'", "infinite values", "problem in the data")),
    ("a,y\n1,0\n", ("1 sample(s)", "at least two")),
    ("a,y\n1,0.5\n2,nan_not\n", ("not numeric",)),
])
def test_bad_data_is_named_as_a_data_problem(data_dir, text, words):
    out = watch(lambda: load_dataset("csv", text=text, target="y", task="regression"), TrainingError,
                data_dir=data_dir)
    assert_refused(out, *words)
    assert "learning rate" not in out.message


def test_a_job_on_bad_data_fails_before_training_with_the_data_named(data_dir):
    p = project(dataset="csv", dataset_options={"text": "a,b,y\n1,-inf,0\n2,3,1\n4,5,0\n6,7,1\n", "target": "y"})
    p["graph"]["nodes"][0]["params"]["shape"] = [2]
    out = watch(lambda: TrainingJob(p), TrainingError, data_dir=data_dir)
    assert_refused(out, "'b'", "problem in the data")


@pytest.mark.parametrize("part, spec, field", [
    ("schedule", {"type": "step", "gamma": float("nan")}, "training.schedule.gamma"),
    ("schedule", {"type": "one-cycle", "max_lr": float("inf")}, "training.schedule.max_lr"),
    ("optimizer", {"type": "SGD", "lr": 0.1, "momentum": float("nan")}, "training.optimizer.momentum"),
    ("optimizer", {"type": "Adam", "lr": 0.01, "betas": [0.9, float("inf")]}, "training.optimizer.betas"),
    ("optimizer", {"type": "Adam", "lr": float("inf")}, "training.optimizer.lr"),
])
def test_non_finite_settings_are_refused_before_export_or_training(data_dir, part, spec, field):
    training = {**project()["training"], part: spec}
    out = watch(lambda: TrainingSettings.from_dict(training), TrainingError, data_dir=data_dir)
    assert_refused(out, field, "finite")
    out = watch(lambda: export_script(checked(load_project(project(**{part: spec}))), training=True), ValueError, data_dir=data_dir)
    assert_refused(out, field, "finite")
