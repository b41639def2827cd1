"""TrainingJob: states, pause/step/resume/stop, NaN pauses, errors fail the job, snapshots are plain and bounded."""
import json
import time

import pytest
import torch
from torch import nn

from trainers import TrainingJob
from trainers.record import Record

torch.set_num_threads(1)
LONG = {"dataset": "iris", "epochs": 100000, "batch_size": 16, "optimizer": {"type": "SGD", "lr": 0.01}}


def mlp(inputs=4, classes=3):
    torch.manual_seed(0)
    return nn.Sequential(nn.Linear(inputs, 16), nn.ReLU(), nn.Linear(16, classes))


def wait_until(condition, timeout=10.0):
    end = time.monotonic() + timeout
    while time.monotonic() < end:
        if condition():
            return True
        time.sleep(0.01)
    return False


def test_pause_step_resume_stop():
    job = TrainingJob.from_module(mlp(), LONG)
    assert job.status == "idle" and job.snapshot()["progress"]["step"] == 0
    job.start()
    try:
        assert wait_until(lambda: job.snapshot()["progress"]["step"] > 20)
        assert job.pause() and job.status == "paused"
        step = job.snapshot()["progress"]["step"]
        time.sleep(0.1)
        assert job.snapshot()["progress"]["step"] == step  # parked: nothing moves
        assert job.step() and job.status == "paused"
        assert job.snapshot()["progress"]["step"] == step + 1
        assert job.resume() and job.status == "running"
        assert wait_until(lambda: job.snapshot()["progress"]["step"] > step + 10)
        with pytest.raises(RuntimeError, match="still training"):
            job.model
        weights = job.state_dict()
        assert all(t.device.type == "cpu" for t in weights.values())
    finally:
        assert job.stop()
    assert job.status == "stopped" and not job.running
    assert isinstance(job.model, nn.Module)
    assert job.step() is False  # nothing to step once stopped


def test_stop_while_paused_and_before_start():
    job = TrainingJob.from_module(mlp(), LONG)
    assert job.stop() and job.status == "stopped"
    job = TrainingJob.from_module(mlp(), LONG)
    job.start()
    assert job.pause()
    assert job.stop() and job.status == "stopped"


class NaNAt(nn.Module):
    """Outputs NaN on the k-th training forward pass."""

    def __init__(self, k):
        super().__init__()
        self.fc, self.calls, self.k = nn.Linear(4, 3), 0, k

    def forward(self, x):
        if self.training:
            self.calls += 1
        out = self.fc(x)
        return out * float("nan") if self.training and self.calls == self.k else out


def test_nan_loss_pauses_with_an_explanation_and_keeps_weights():
    job = TrainingJob.from_module(NaNAt(7), {**LONG, "epochs": 3})
    job.start()
    assert wait_until(lambda: job.status == "paused")
    snap = job.snapshot()
    assert snap["message"].startswith("loss became NaN at step 7: try a lower learning rate")
    # the page renders the msgid and its arguments in each viewer's language
    assert snap["message_n"] == ["loss became NaN at step {step}: try a lower learning rate (this step was not "
                                 "applied)", {"step": 7}]
    assert snap["progress"]["step"] == 7 and snap["progress"]["loss"] is None
    assert all(torch.isfinite(t).all() for t in job.state_dict().values())  # the bad step was not applied
    json.dumps(snap, allow_nan=False)
    assert job.resume()
    assert job.join(10) and job.status == "finished" and job.message is None


class Exploding(nn.Module):
    def __init__(self):
        super().__init__()
        self.fc = nn.Linear(4, 3)

    def forward(self, x):
        if self.training:
            raise RuntimeError("conv7: kernel larger than input")
        return self.fc(x)


def test_an_exception_fails_the_job_with_its_text():
    job = TrainingJob.from_module(Exploding(), LONG)
    job.start()
    assert job.join(10)
    assert job.status == "failed" and job.error == "RuntimeError: conv7: kernel larger than input"
    assert job.snapshot()["error"] == job.error


def test_snapshot_is_plain_json_data():
    job = TrainingJob.from_module(mlp(), {**LONG, "epochs": 3})
    job.start()
    job.join(20)
    snap = job.snapshot()

    def walk(value):
        assert isinstance(value, (dict, list, str, int, float, bool, type(None))), type(value)
        for v in (value.values() if isinstance(value, dict) else value if isinstance(value, list) else ()):
            walk(v)
    walk(snap)
    assert json.loads(json.dumps(snap, allow_nan=False))["status"] == "finished"
    assert snap["dataset"]["n_train"] == 120 and len(snap["epochs"]["val_accuracy"]) == 3
    snap["progress"]["step"] = -1
    assert job.snapshot()["progress"]["step"] != -1  # a copy, not the job's own record


def test_snapshot_stays_bounded_after_100k_steps():
    record = Record("cpu", epochs=1)
    record.begin({"steps_per_epoch": 100_000, "total_steps": 100_000, "lr": 0.1})
    logs = {"total_steps": 100_000, "lr": 0.1}
    for step in range(1, 100_001):
        logs.update(step=step, samples=step * 32, loss=1.0 / step)
        record.step(logs, step * 1e-4)
    curve = record.steps.to_dict()
    assert 300 < len(curve["step"]) <= 1200
    assert curve["step"] == sorted(curve["step"]) and curve["step"][-1] == 100_000
    assert curve["step"][-200:] == list(range(99_801, 100_001))  # the recent steps are exact
    assert len(json.dumps(curve)) < 60_000
    assert record.progress["samples_per_s"] == pytest.approx(320_000, rel=0.01)


def test_stopping_a_nan_paused_run_keeps_the_reason():
    job = TrainingJob.from_module(NaNAt(3), {**LONG, "epochs": 2})
    job.start()
    assert wait_until(lambda: job.status == "paused")
    assert job.stop() and job.status == "stopped"
    assert job.message.startswith("loss became NaN at step 3")


def test_early_stopping_ends_the_run_with_a_reason():
    job = TrainingJob.from_module(mlp(), {**LONG, "epochs": 50, "early_stopping": 2,
                                          "optimizer": {"type": "SGD", "lr": 1e-12}})
    job.start()
    assert job.join(20) and job.status == "finished"
    assert job.message == "early stopping: val_loss did not improve for 2 epochs"
    assert job.snapshot()["progress"]["epoch"] == 3


def test_snapshots_taken_while_training_are_consistent():
    job = TrainingJob.from_module(mlp(), {**LONG, "epochs": 40})
    job.start()
    revisions = []
    try:
        end = time.monotonic() + 1.0
        while time.monotonic() < end:
            snap = job.snapshot()
            revisions.append(snap["revision"])
            steps = snap["steps"]
            assert len(steps["step"]) == len(steps["loss"]) == len(steps["lr"])
            assert not steps["step"] or steps["step"][-1] == snap["progress"]["step"]
            assert len(set(map(len, snap["epochs"].values()))) <= 1  # every per-epoch list has the same length
            time.sleep(0.005)
    finally:
        job.stop()
    assert revisions == sorted(revisions) and revisions[-1] > revisions[0]
