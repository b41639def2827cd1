"""Ray backend: each run is a named, detached Ray actor in this server's namespace, so it outlives a server restart.

Used when NEUROCANVAS_RAY_ADDRESS is set (`auto` or a cluster address). Each actor asks for
NEUROCANVAS_CPUS_PER_RUN CPUs and NEUROCANVAS_GPUS_PER_RUN GPUs (fractions allowed: 0.25 lets four runs
share a GPU) and NEUROCANVAS_RUN_MEMORY_MB of memory (a reservation that Ray's memory monitor enforces, not
setrlimit), and holds one JobHost, the same worker side as the local pool.
"""
from __future__ import annotations

import hashlib
import os
import sys

from i18n import _

from . import limits
from .host import MEMORY_WORDS, JobHost
from .pool import ROOT
from .proxy import JobProxy, WorkerLost
from .store import data_dir


class RunActor:
    """The worker side inside a Ray actor process: builds and starts the run in its constructor."""

    def __init__(self, run_id: str, project, paused: bool, module, memory_mb: int):
        import pickle
        self.host = JobHost(run_id, memory_mb)  # no setrlimit here: it would bound Ray's own threads too (they hung)
        try:
            self.host.start(project, paused, pickle.loads(module) if module else None)
        except MemoryError:  # even the report of the failure could not allocate: keep the actor, name the limit
            self.host.job, self.host.error = None, self.host._explain("MemoryError")

    def call(self, command: str, *args):
        return self.host.call(command, *args)

    def node(self) -> str:
        """The Ray node this run trains on."""
        import ray
        return ray.get_runtime_context().get_node_id()


class RayProxy(JobProxy):
    """The job interface over Ray calls to one actor; a dead actor (killed, crashed, its node lost) fails the run."""

    def __init__(self, run_id: str, actor, on_close=None):
        super().__init__(run_id, on_close)
        self._conn = self._actor = actor

    def _call(self, command: str, *args, timeout: float = 5.0):
        import ray
        from ray.exceptions import GetTimeoutError, RayActorError, RayTaskError
        with self._lock:
            if self._ended is not None:
                raise RuntimeError(_("this run has no training process to ask"))
        try:
            return ray.get(self._actor.call.remote(command, *args), timeout=timeout)
        except GetTimeoutError:
            raise TimeoutError(f"the training actor did not answer '{command}' in {timeout:.0f} s") from None
        except RayActorError as exc:
            with self._lock:
                if self._ended is None:
                    self._lose(self._explain(exc))
            raise WorkerLost(self._ended.snapshot()["error"]) from None
        except RayTaskError as exc:
            raise RuntimeError(str(exc.cause)) from None

    def _explain(self, exc) -> str:
        text = str(exc)
        if any(word in text for word in MEMORY_WORDS):  # it died of its memory limit
            return JobHost(self.run_id, limits.run_memory_mb())._explain(text)
        return _("the training process was lost: its Ray actor died ({why})").format(why=_why(exc))

    def _save_weights(self, path):
        """The weights come back over Ray (the actor may be on another machine) and are written here."""
        try:
            self._call("stop", timeout=10.0)
            data = self._call("weights", timeout=60.0)
            if path:
                os.makedirs(os.path.dirname(str(path)), exist_ok=True)
                with open(path, "wb") as f:
                    f.write(data)
            return path
        except (WorkerLost, TimeoutError, RuntimeError, OSError):
            return None

    def _hang_up(self) -> None:
        import ray
        try:
            ray.kill(self._actor, no_restart=True)  # detached actors live until killed
        except Exception:  # noqa: BLE001 - already dead with its node
            pass


class RayBackend:
    """Runs as detached actors on a Ray cluster; a restarted server finds them again by name."""

    name = "ray"

    def __init__(self, address: str, namespace: str | None = None):
        self.address = address
        self.namespace = namespace or "neurocanvas-" + hashlib.sha1(
            str(data_dir().resolve()).encode()).hexdigest()[:10]  # one per server (its data directory)
        self.cpus, self.gpus = limits.cpus_per_run(), limits.gpus_per_run()
        self.memory_mb = limits.run_memory_mb()
        self._started = False

    def start(self) -> None:
        import ray
        if not self._started:
            paths = [ROOT] + [p for p in sys.path if p and os.path.isdir(p)]  # actors import what the server can
            ray.init(address=self.address, namespace=self.namespace, ignore_reinit_error=True, log_to_driver=False,
                     runtime_env={"env_vars": {"PYTHONPATH": os.pathsep.join(dict.fromkeys(paths))}})
            self._started = True

    def ready(self, timeout: float | None = None) -> bool:
        self.start()
        return True

    @property
    def size(self) -> int:
        """How many runs the cluster holds at once, by CPUs (and GPUs when runs ask for them)."""
        import ray
        self.start()
        total = ray.cluster_resources()
        fits = int(total.get("CPU", 1) // self.cpus)
        if self.gpus:
            fits = min(fits, int(total.get("GPU", 0) // self.gpus))
        return max(1, fits)

    def launch(self, run_id: str, project, paused: bool = False, module=None) -> RayProxy:
        """An actor training `project` (a builder.Checked, not parsed or checked again there; or a plain dict)."""
        import pickle

        import ray
        self.start()
        actor = ray.remote(RunActor).options(
            name=run_id, namespace=self.namespace, lifetime="detached", num_cpus=self.cpus, num_gpus=self.gpus,
            max_restarts=0, max_concurrency=4, scheduling_strategy="SPREAD",
            memory=self.memory_mb * 2**20).remote(  # reserved on its node; Ray's memory monitor enforces it
            run_id, project, paused, pickle.dumps(module) if module is not None else None, self.memory_mb)
        return RayProxy(run_id, actor)

    def reattach(self, run_id: str):
        """The proxy of a run still training on the cluster (after a server restart), or None."""
        import ray
        self.start()
        try:
            return RayProxy(run_id, ray.get_actor(run_id, namespace=self.namespace))
        except ValueError:  # no such actor: the run ended with the cluster or was never started there
            return None

    def pids(self) -> dict:
        return {}

    def shutdown(self) -> None:
        import ray
        if self._started:
            ray.shutdown()
            self._started = False


def _why(exc) -> str:
    text = str(exc)
    if "node" in text.lower() and ("died" in text.lower() or "dead" in text.lower()):
        return _("its node left the cluster")
    return text.strip().splitlines()[0][:200] if text.strip() else type(exc).__name__
