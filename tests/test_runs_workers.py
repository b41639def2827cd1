"""Trainings in worker processes: the job interface, and runs that crash, are killed or exceed their memory."""
import copy
import gc
import os
import signal
import time

import pytest
import torch

from builder import build_model
from runs.registry import Registry
from runs_models import AbortAfter

pytestmark = pytest.mark.slow  # the workers import torch once per module (seconds to a minute on 2 busy cores)


@pytest.fixture(scope="module", params=["pool", "ray"])
def backend(request, tmp_path_factory):
    mp = pytest.MonkeyPatch()
    mp.setenv("NEUROCANVAS_DATA", str(tmp_path_factory.mktemp("nc_runs")))
    mp.setenv("NEUROCANVAS_RUN_MEMORY_MB", "600")
    if request.param == "pool":
        from runs.pool import LocalPool
        made = LocalPool(size=4)
    else:
        cluster = request.getfixturevalue("ray_cluster")
        from runs.ray_backend import RayBackend
        mp.setenv("NEUROCANVAS_CPUS_PER_RUN", "0.25")
        made = RayBackend(cluster.address)
    assert made.ready(timeout=240), "the workers did not warm up"
    yield made
    made.shutdown()
    mp.undo()


@pytest.fixture(scope="module")
def ray_cluster():
    """A local Ray cluster of two simulated worker nodes (1 CPU each; the head takes no runs)."""
    cluster_utils = pytest.importorskip("ray.cluster_utils", reason="ray is installed from requirements-ray.txt")
    for attempt in range(3):  # Ray gives a node 30 s to start: a busy 2-core machine sometimes needs a retry
        try:
            cluster = cluster_utils.Cluster(initialize_head=True, head_node_args={"num_cpus": 0})
            for _ in range(2):
                cluster.add_node(num_cpus=1)
            cluster.wait_for_nodes()
            break
        except Exception:
            import ray
            ray.shutdown()
            if attempt == 2:
                raise
    yield cluster
    cluster.shutdown()


def wait_for(cond, timeout=60.0):
    deadline = time.time() + timeout
    while time.time() < deadline:
        if cond():
            return True
        time.sleep(0.05)
    return False


def steps_of(job) -> list:
    return (job.snapshot().get("steps") or {}).get("step") or []


def long(project: dict, epochs: int = 200) -> dict:
    project = copy.deepcopy(project)
    project["training"]["epochs"] = epochs
    return project


def test_the_job_interface_over_a_worker(backend, seed_mlp):
    job = backend.launch("iface00001", long(seed_mlp))
    assert job.start() and wait_for(lambda: len(steps_of(job)) >= 3), job.snapshot()
    assert job.pause() and job.status == "paused"
    step = job.snapshot()["progress"]["step"]
    assert job.step() and job.snapshot()["progress"]["step"] == step + 1 and job.status == "paused"
    weights = job.state_dict()
    assert weights.keys() == build_model(seed_mlp).state_dict().keys()
    assert all(isinstance(v, torch.Tensor) for v in weights.values())
    assert job.resume() and job.status == "running"
    assert job.stop() and wait_for(lambda: job.status == "stopped")
    ended = job.close(backend_weights := os.path.join(os.environ["NEUROCANVAS_DATA"], "w", "iface.pt"))
    assert ended.status == "stopped" and os.path.isfile(backend_weights)
    assert ended.state_dict().keys() == weights.keys()


def test_a_model_that_calls_abort_fails_its_run_only(backend, seed_mlp):
    other = backend.launch("healthy001", seed_mlp)
    job = backend.launch("abort00001", seed_mlp, module=AbortAfter(steps=5))
    assert wait_for(lambda: job.status == "failed", 90), job.snapshot()
    error = job.snapshot()["error"]
    assert ("abort" in error and "SIGABRT" in error) if backend.name == "pool" else "died" in error, error
    assert wait_for(lambda: other.status == "finished", 90), other.snapshot()
    assert other.snapshot()["epochs"]["epoch"] == [1]


def test_kill_9_of_a_worker_fails_its_run_with_the_reason(backend, seed_mlp):
    job = backend.launch("killed0001", long(seed_mlp))
    assert wait_for(lambda: len(steps_of(job)) >= 2), job.snapshot()
    before = steps_of(job)
    os.kill(job.process_id(), signal.SIGKILL)
    assert wait_for(lambda: job.status == "failed")
    snap = job.snapshot()
    assert ("SIGKILL" in snap["error"] and "killed" in snap["error"]) if backend.name == "pool" else "died" in snap["error"]
    assert snap["steps"]["step"][:len(before)] == before, "the curve so far is kept"


def test_a_worker_over_its_memory_limit_fails_naming_the_limit(backend, project):
    if backend.name == "ray":
        pytest.skip("under Ray the per-run memory is a reservation enforced by Ray's memory monitor, not setrlimit")
    wide = [("in", "Input", {"shape": [64]})] + [(f"fc{i}", "Linear", {"out_features": 4096}) for i in range(4)]
    big = project(wide + [("out", "Linear", {"out_features": 10})],
                  training={"dataset": "digits", "loss": "CrossEntropyLoss", "epochs": 1, "batch_size": 64})
    job = backend.launch("memory0001", big)  # ~50M parameters: with Adam about 800 MB, over the 600 MB limit
    assert wait_for(lambda: job.status == "failed", 90), job.snapshot()
    assert "memory" in job.snapshot()["error"] and "600" in job.snapshot()["error"]


def test_a_pool_worker_trains_below_the_servers_cpu_priority(backend, seed_mlp):
    if backend.name == "ray":
        pytest.skip("a Ray actor's priority is its node's matter")
    from runs import limits
    job = backend.launch("priority01", long(seed_mlp))
    assert wait_for(lambda: len(steps_of(job)) >= 1), job.snapshot()
    ours = os.getpriority(os.PRIO_PROCESS, 0)  # the pool's zygote was started from this process
    assert os.getpriority(os.PRIO_PROCESS, job.process_id()) == min(19, ours + limits.worker_nice()) > ours
    job.stop()


def test_two_concurrent_runs_with_the_same_seed_give_identical_curves(backend, seed_mlp):
    project = long(seed_mlp, epochs=3)
    a, b = backend.launch("sameseed01", project), backend.launch("sameseed02", project)
    assert wait_for(lambda: a.status == b.status == "finished", 120), (a.snapshot(), b.snapshot())
    sa, sb = a.snapshot(), b.snapshot()
    assert sa["steps"]["loss"] == sb["steps"]["loss"] and len(sa["steps"]["loss"]) > 50
    assert sa["epochs"]["val_loss"] == sb["epochs"]["val_loss"]


def test_a_finished_run_holds_no_model_in_the_server_process(backend, seed_mlp):
    def modules():
        gc.collect()
        return sum(isinstance(o, torch.nn.Module) for o in gc.get_objects())

    before = modules()
    reg = Registry(backend=backend, max_active=2)
    runs = [reg.submit(f"ws_model{i}", seed_mlp) for i in range(2)]
    assert wait_for(lambda: all(r.final is not None for r in runs), 120)
    assert [r.status for r in runs] == ["finished", "finished"]
    assert modules() == before, "no nn.Module was made in the server process"
    assert all(type(r.job).__name__ == "EndedJob" and r.job.weights_path.is_file() for r in runs)
    model = build_model(seed_mlp)
    model.load_state_dict(runs[0].job.state_dict())  # the weights on disk are the trained model's


def test_a_run_at_the_servers_time_limit_stops_saying_so_with_its_curve_and_weights(backend, seed_mlp, monkeypatch):
    monkeypatch.setenv("NEUROCANVAS_RUN_MINUTES", "0.05")  # 3 s from leaving the queue
    reg = Registry(backend=backend, max_active=1)
    run = reg.submit("ws_limit", long(seed_mlp, 5000))
    assert wait_for(lambda: run.final is not None, 120), run.snapshot()
    final = run.final
    assert final["status"] == "stopped" and "time limit of 0.05 minutes" in final["message"], final
    assert final["message_n"][1] == {"minutes": "0.05"} and final["steps"]["step"], "the curve so far is kept"
    assert type(run.job).__name__ == "EndedJob" and run.job.weights_path.is_file()
    build_model(seed_mlp).load_state_dict(run.job.state_dict())  # the weights it reached, saved by its worker


def test_losing_a_ray_node_fails_its_run_and_the_others_finish(backend, request, seed_mlp):
    if backend.name != "ray":
        pytest.skip("nodes are a Ray matter")
    import ray
    ray_cluster = request.getfixturevalue("ray_cluster")
    lost, kept = backend.launch("nodelost01", long(seed_mlp)), backend.launch("nodekept01", long(seed_mlp, epochs=4))
    assert wait_for(lambda: steps_of(lost) and steps_of(kept), 120), (lost.snapshot(), kept.snapshot())
    nodes = {name: ray.get(job._actor.node.remote()) for name, job in (("lost", lost), ("kept", kept))}
    assert nodes["lost"] != nodes["kept"], "SPREAD puts the two runs on the two nodes"
    ray_cluster.remove_node(next(n for n in ray_cluster.list_all_nodes() if n.node_id == nodes["lost"]))
    assert wait_for(lambda: lost.status == "failed", 120), lost.snapshot()
    assert "lost" in lost.snapshot()["error"] and steps_of(lost), "the message says so; the curve so far stays"
    assert wait_for(lambda: kept.status == "finished", 180), kept.snapshot()
    assert kept.snapshot()["epochs"]["epoch"] == [1, 2, 3, 4]
