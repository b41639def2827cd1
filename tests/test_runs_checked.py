"""The registry takes the checked project, and the worker compiles it as it is: no parse, no check there."""
import pickle

import pytest

import builder.checked_project as door
import builder.project
from runs.host import JobHost
from runs.registry import Registry
from trainers.agreement import checked


@pytest.fixture
def counted(monkeypatch):
    """Every project parse and every check that really ran, in this process."""
    seen = {"parses": 0, "checks": 0}
    parse, check = builder.project.project_from_dict, door.run_check

    def counting_parse(*args, **kwargs):
        seen["parses"] += 1
        return parse(*args, **kwargs)

    def counting_check(graph):
        seen["checks"] += 1
        return check(graph)

    monkeypatch.setattr(builder.project, "project_from_dict", counting_parse)
    monkeypatch.setattr(door, "run_check", counting_check)
    return seen


def test_the_worker_side_trains_the_checked_value_without_parsing_or_checking_it(seed_mlp, counted):
    value = pickle.loads(pickle.dumps(checked(seed_mlp)))  # as it reaches a worker process
    counted.update(parses=0, checks=0)
    host = JobHost("checked01")
    assert host.start(value, paused=True), host.error
    try:
        assert counted == {"parses": 0, "checks": 0}
        assert host.status() == "paused" and host.settings["epochs"] == 1
    finally:
        host.close()


def test_a_checked_value_keeps_its_report_and_signature_across_processes(seed_mlp):
    value = checked(seed_mlp)
    again = pickle.loads(pickle.dumps(value))
    assert again.ok and again.signature == value.signature and again.digest == value.digest
    assert again.report.shapes == value.report.shapes and again.doc == value.doc


def test_submit_takes_the_checked_value_and_hands_it_to_the_job(seed_mlp):
    given = []

    class Job:
        status = "idle"

        def __init__(self, project):
            given.append(project)

        def start(self):
            self.status = "running"

        def snapshot(self):
            return {"status": self.status}

    value = checked(seed_mlp)
    run = Registry(job_factory=Job, orphan_timeout=60).submit("wchecked", value, "run 1")
    assert given == [value] and run.checked is value and run.project is value.doc
    plain = Registry(job_factory=Job, orphan_timeout=60).submit("wplain", seed_mlp)
    assert plain.checked is None and plain.project == seed_mlp and plain.project is not seed_mlp


def test_a_disagreeing_value_fails_in_the_worker_with_its_fix(seed_mlp):
    wide = {**seed_mlp, "graph": {**seed_mlp["graph"], "nodes": [
        *seed_mlp["graph"]["nodes"][:-1], {"id": "out", "type": "Linear", "params": {"out_features": 7}}]}}
    host = JobHost("checked02")
    assert not host.start(checked(wide))
    assert "out: gives [7]" in host.error and "Fix: set out.out_features to 10" in host.error
