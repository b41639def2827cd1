"""runs.registry: the server-side registry — concurrency cap and queue, orphan reaping, saving finished runs."""
import threading
import time

import pytest
import torch

from runs.registry import Registry


class FakeJob:
    """Stands in for TrainingJob where only the control flow matters: finishes when told to."""

    def __init__(self, project):
        if project.get("boom"):
            raise ValueError("data set 'nope': unknown")
        self.status, self.project = "idle", project

    def start(self):
        self.status = "running"

    def pause(self):
        self.status = "paused"

    def stop(self):
        self.status = "stopped"

    def snapshot(self):
        return {"schema": 1, "status": self.status, "steps": {}, "epochs": {}, "probes": None}


def registry(**kw):
    return Registry(job_factory=FakeJob, orphan_timeout=kw.pop("orphan_timeout", 60), **kw)


def test_cap_queues_the_rest_in_order_and_promotes_when_a_slot_frees():
    reg = registry(max_active=2)
    a, b, c, d = (reg.submit(ws, {"n": i}) for i, ws in enumerate(["w1", "w2", "w3", "w3"]))
    assert [r.status for r in (a, b, c, d)] == ["running", "running", "queued", "queued"]
    assert (reg.queue_position(c), reg.queue_position(d), reg.queue_position(a)) == (1, 2, None)
    assert c.snapshot()["status"] == "queued"
    a.job.status = "finished"
    reg.pump()
    assert c.status == "running" and reg.queue_position(d) == 1 and a.final["status"] == "finished"
    reg.stop(d)
    assert d.status == "stopped" and d.job is None and reg.queue_position(d) is None


def test_runs_belong_to_the_workspace_and_current_prefers_a_live_one():
    reg = registry()
    first = reg.submit("w1", {})
    first.job.status = "finished"
    reg.pump()
    second = reg.submit("w1", {})
    assert [r.id for r in reg.runs("w1")] == [first.id, second.id] and reg.runs("w2") == []
    assert reg.current("w1") is second
    second.job.status = "stopped"
    reg.pump()
    assert reg.current("w1") is second  # none live: the newest


def test_finished_runs_are_saved_once_and_a_failing_store_is_retried():
    saved, calls = [], {"n": 0}

    def on_finish(run):
        calls["n"] += 1
        if calls["n"] == 1:
            raise OSError("disk full")
        saved.append(run.id)

    reg = registry(on_finish=on_finish)
    run = reg.submit("w1", {})
    run.job.status = "finished"
    reg.pump()
    assert saved == [] and not run.saved
    run.final = None
    reg.pump()
    reg.pump()
    assert saved == [run.id]


def test_a_project_that_cannot_start_fails_with_its_reason():
    reg = registry()
    run = reg.submit("w1", {"boom": True})
    assert run.status == "failed" and "nope" in run.snapshot()["error"]
    assert reg.active_count() == 0


def test_orphaned_runs_are_reaped_after_the_timeout_unless_a_session_comes_back():
    reg = registry(orphan_timeout=0.2, max_active=1)
    kept, reaped, waiting = reg.submit("keep", {}), reg.submit("gone", {}), reg.submit("gone", {})
    reg.orphan("keep")
    reg.orphan("gone")
    reg.touch("keep")  # a refreshed page reattached
    time.sleep(0.3)
    reg.pump()
    assert kept.status == "running"
    assert reaped.status == "stopped"
    assert waiting.status == "stopped" and "abandoned" in waiting.final["message"]
    reg.stop_all()


@pytest.mark.slow
def test_real_jobs_queue_behind_the_cap_and_all_finish(seed_mlp):
    torch.set_num_threads(1)
    reg = Registry(max_active=1)
    seed_mlp["training"]["epochs"] = 2
    runs = [reg.submit(f"w{i}", seed_mlp) for i in range(2)]
    assert runs[1].status == "queued"
    deadline = time.time() + 60
    while time.time() < deadline and not all(r.final for r in runs):  # the pump thread saves them
        time.sleep(0.1)
    assert [r.status for r in runs] == ["finished", "finished"]
    assert all(r.final["epochs"]["epoch"] == [1, 2] for r in runs)
    assert threading.active_count() < 50
