"""Fair capacity: per-workspace limits (a group of variants is one request), queue order, honest wait estimates."""
import pytest

from runs import capacity
from runs.registry import Registry
from runs.run import Run


class FakeJob:
    """Stands in for a worker where only the control flow matters: it ends when the test says so."""

    def __init__(self, project):
        self.status = "idle"

    def start(self):
        self.status = "running"

    def stop(self):
        self.status = "stopped"

    def snapshot(self):
        return {"schema": 1, "status": self.status, "progress": {"eta_s": 30.0, "elapsed_s": 10.0},
                "steps": {}, "epochs": {}, "probes": None}


def registry(**kw) -> Registry:
    return Registry(job_factory=FakeJob, orphan_timeout=60, **kw)


def test_one_workspace_cannot_take_every_slot():
    reg = registry(max_active=3, per_workspace=1)
    a1, a2, b1 = reg.submit("wa", {}), reg.submit("wa", {}), reg.submit("wb", {})
    assert [r.status for r in (a1, a2, b1)] == ["running", "queued", "running"]
    assert reg.queue_position(a2) == 1
    a1.job.status = "finished"
    reg.pump()
    assert a2.status == "running"


def test_run_all_variants_counts_as_one_request():
    reg = registry(max_active=4, per_workspace=1)
    group = reg.new_group()
    variants = [reg.submit("wa", {}, group=group) for _ in range(3)]
    alone = reg.submit("wa", {})
    assert [r.status for r in variants] == ["running"] * 3 and alone.status == "queued"


def test_the_server_cap_still_bounds_a_group():
    reg = registry(max_active=2, per_workspace=1)
    group = reg.new_group()
    runs = [reg.submit("wa", {}, group=group) for _ in range(3)]
    assert [r.status for r in runs] == ["running", "running", "queued"]


def test_wait_estimate_follows_the_running_runs_and_the_queue_ahead():
    reg = registry(max_active=1, per_workspace=5)
    reg.submit("wa", {})  # ETA 30 s
    first, second = reg.submit("wb", {}), reg.submit("wc", {})
    assert reg.wait_estimate(first) == pytest.approx(30.0)
    assert reg.wait_estimate(second) == pytest.approx(30.0 + capacity.DEFAULT_RUN_S)
    assert reg.wait_estimate(reg.runs("wa")[0]) is None


@pytest.mark.parametrize("position, left, slots, expected", [
    (1, [], 2, 0.0), (1, [5.0], 2, 0.0), (2, [5.0], 2, 5.0), (3, [5.0, 8.0], 2, 15.0), (1, [9.0, 3.0, 4.0], 2, 3.0)])
def test_wait_estimate_simulates_slots_freeing(position, left, slots, expected):
    assert capacity.wait_estimate(position, left, slots, typical=10.0) == pytest.approx(expected)


def test_typical_duration_is_the_mean_of_ended_runs_or_a_guess():
    assert capacity.typical_duration([]) == capacity.DEFAULT_RUN_S
    ended = [{"progress": {"elapsed_s": 10.0}}, {"progress": {"elapsed_s": 30.0}}, {"progress": None}]
    assert capacity.typical_duration(ended) == pytest.approx(20.0)


def test_a_run_is_its_own_group_unless_given_one():
    assert Run(id="r1", ws="w", label="x", project={}).group == "r1"


def _end(run):
    run.job.status = "finished"


def test_two_workspaces_flooding_the_queue_do_not_starve_a_third():
    reg = registry(max_active=2, per_workspace=2)
    flood = [reg.submit(ws, {}) for _ in range(10) for ws in ("wa", "wb")]
    late = reg.submit("wc", {})
    assert reg.queue_position(late) == 1, "the client with nothing running is served first"
    _end(next(r for r in flood if r.status == "running"))
    reg.pump()
    assert late.status == "running"
    assert {r.ws for r in reg._active()} == {"wc", "wb"} or {r.ws for r in reg._active()} == {"wc", "wa"}


def test_two_classes_flooding_the_queue_do_not_starve_a_third_client(monkeypatch):
    from runs import admission
    monkeypatch.setattr(admission, "admit", lambda ws, project, classes: f"class:{ws[0]}" if ws[0] in "xy"
                        else f"ws:{ws}")  # as a store would say: x0..x9 in class x, y0..y9 in class y
    reg = registry(max_active=3, per_workspace=1)
    for i in range(10):
        reg.submit(f"x{i}", {}), reg.submit(f"y{i}", {})
    alone = reg.submit("lone", {})
    started = []
    for _ in range(8):  # one slot frees at a time: who gets it
        _end(min(reg._active(), key=lambda r: r.started))
        reg.pump()
        started.append(max(reg._active(), key=lambda r: r.started).client)
    assert started[0] == "ws:lone" and alone.started is not None
    assert abs(started.count("class:x") - started.count("class:y")) <= 1, started


def test_the_fair_order_goes_round_robin_between_clients_then_workspaces():
    def run(client, ws, i):
        return Run(id=f"r{i}", ws=ws, label="", project={}, client=client)
    queue = [run("class:a", "a1", 0), run("class:a", "a1", 1), run("class:a", "a2", 2), run("class:b", "b1", 3),
             run("class:b", "b1", 4), run("ws:c", "c", 5)]
    order = [r.id for r in capacity.fair_order(queue, [], {})]
    assert order == ["r0", "r3", "r5", "r2", "r4", "r1"]  # a, b, c, then a's other workspace before a1 again
    busy = [run("class:a", "a1", 9)]  # a has a run training: the others come first
    assert [r.id for r in capacity.fair_order(queue, busy, {})][:2] == ["r3", "r5"]
